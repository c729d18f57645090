"""Staff accounts for school admins (their school) and trust admins (every school in the trust)."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import audit, clock
from app.admin import bp
from app.admin.forms import InviteForm, RolesForm, StaffFilterForm, role_choices
from app.auth.tokens import new_invitation_token
from app.form_fields import ConfirmForm, add_error
from app.mail import external_url, send_email
from app.models import Invitation, OutboxEmail, Role, School, User, db
from app.models.users import ROLE_LABELS
from app.security import get_scoped_or_404, managed_school_ids, roles_required, school_scoped
from app.services.accounts.invitations import changes, open_invitation
from app.services.accounts.staff import (
    AccountError,
    account_exists,
    change_roles,
    check_may_change,
    create_invitation,
    deactivate,
    reactivate,
)
from app.services.accounts.staff_list import (
    STATUS_LABELS,
    STATUS_TAGS,
    StaffFilter,
    StaffStatus,
    list_staff,
)
from app.util.i18n import _
from app.util.paging import page_number

ADMIN_ROLES = (Role.SCHOOL_ADMIN, Role.TRUST_ADMIN)


def _schools() -> list[School]:
    ids = managed_school_ids(current_user)
    stmt = select(School).where(School.id.in_(ids)).order_by(School.name)
    return list(db.session.execute(stmt).scalars())


@bp.get("/staff")
@roles_required(*ADMIN_ROLES)
def staff():
    schools = _schools()
    form = StaffFilterForm(request.args)
    form.role.choices = [("", _("All roles"))] + role_choices(include_trust_admin=True)
    form.status.choices = [("", _("Everyone"))] + [
        (status.value, STATUS_LABELS[status]) for status in StaffStatus
    ]
    if not form.validate():
        return render_template("admin/staff.html", form=form, listing=None, schools=schools), 400
    wanted = StaffFilter(form.q.data or "", form.role.data or None,
                         StaffStatus(form.status.data) if form.status.data else None)  # fmt: skip
    listing = list_staff(
        db.session,
        schools,
        wanted,
        now=clock.now(),
        page=_page_number(),
        cache=current_app.extensions["staff_list_cache"],
    )
    return render_template(
        "admin/staff.html",
        form=form,
        listing=listing,
        args={k: v for k, v in request.args.items() if k != "page" and v},
        filtered=bool(wanted.words or wanted.role or wanted.status),
        school_names={school.id: school.name for school in schools},
        schools=schools,
        # Words said once a page, not once a row (each is lazy text: a catalogue look-up).
        status_labels={status: str(label) for status, label in STATUS_LABELS.items()},
        role_names={role: str(label) for role, label in ROLE_LABELS.items()},
        status_tags=STATUS_TAGS,
    )


def _page_number() -> int:
    return page_number(request.args.get("page"))


@bp.route("/staff/invite", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def invite():
    schools = _schools()
    form = InviteForm()
    form.roles.choices = role_choices(current_user.has_role(Role.TRUST_ADMIN))
    form.school_id.choices = [(school.id, school.name) for school in schools]
    if not form.is_submitted() or len(schools) == 1:
        form.school_id.data = current_user.school_id
    if form.validate_on_submit():
        # Inviting someone already invited asks first when the name, roles or school change.
        waiting = open_invitation(
            db.session, form.email.data or "", [school.id for school in schools]
        )
        differences = waiting and changes(
            waiting,
            display_name=form.display_name.data or "",
            roles=form.roles.data or [],
            school_id=form.school_id.data,
            school_names={school.id: school.name for school in schools},
        )
        if differences and form.replace_existing.data != "yes":
            return render_template(
                "admin/invite_replace.html", form=form, waiting=waiting, differences=differences
            )
        now = clock.now()
        token, token_hash = new_invitation_token()
        try:
            invitation = create_invitation(
                db.session,
                school_id=form.school_id.data,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                roles=form.roles.data or [],
                token_hash=token_hash,
                invited_by_id=current_user.id,
                now=now,
                valid_for=timedelta(hours=current_app.config["INVITATION_MAX_AGE_HOURS"]),
                visible_school_ids=[school.id for school in schools],
            )
        except AccountError as error:
            add_error(form.email, str(error))
        else:
            school_name = db.session.execute(
                select(School.name).where(School.id == invitation.school_id)
            ).scalar_one()
            send_invitation_email(invitation, token, school_name)
            db.session.flush()
            audit.record(
                "invitation_sent",
                school_id=invitation.school_id,
                object_type="invitation",
                object_id=invitation.id,
                roles=invitation.roles,
            )
            db.session.commit()
            flash(
                _(
                    "Invitation sent to %(email)s. The earlier invitation's link no longer works.",
                    email=invitation.email,
                )
                if waiting
                else _("Invitation sent to %(email)s.", email=invitation.email),
                "success",
            )
            return redirect(url_for("admin.staff"))
    return render_template("admin/invite.html", form=form)


def may_change(acting_user: User, user: User) -> bool:
    try:
        check_may_change(acting_user, user)
    except AccountError:
        return False
    return True


def send_invitation_email(invitation: Invitation, token: str, school_name: str) -> None:
    """The invitation link; or, to someone who already has an account with another school,
    word that they do (the admin sees "sent" either way, so nobody learns who works where)."""
    exists = account_exists(db.session, invitation.email)
    send_email(
        invitation.email,
        "invitation_account_exists" if exists else "invitation",
        school_id=invitation.school_id,
        name=invitation.display_name,
        school_name=school_name,
        link=external_url("auth.join", token=token),
        hours=current_app.config["INVITATION_MAX_AGE_HOURS"],
    )


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def staff_member(user_id: int):
    user = get_scoped_or_404(User, user_id, managed_school_ids(current_user))
    form = RolesForm()
    form.roles.choices = role_choices(current_user.has_role(Role.TRUST_ADMIN))
    if not form.is_submitted():
        form.roles.data = sorted(user.roles)
    if form.validate_on_submit():
        before = sorted(user.roles)
        try:
            change_roles(db.session, user, form.roles.data or [], acting_user=current_user)
        except AccountError as error:
            add_error(form.roles, str(error))
        else:
            audit.record(
                "roles_changed",
                school_id=user.school_id,
                object_type="user",
                object_id=user.id,
                before=before,
                after=sorted(user.roles),
            )
            db.session.commit()
            flash(_("Roles updated for %(name)s.", name=user.display_name), "success")
            return redirect(url_for("admin.staff_member", user_id=user.id))
    return render_template(
        "admin/staff_member.html",
        user=user,
        form=form,
        confirm=ConfirmForm(),
        may_change=may_change(current_user, user),
    )


@bp.post("/staff/<int:user_id>/deactivate")
@roles_required(*ADMIN_ROLES)
def deactivate_user(user_id: int):
    user = get_scoped_or_404(User, user_id, managed_school_ids(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        deactivate(db.session, user, acting_user=current_user, now=clock.now())
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.staff_member", user_id=user.id))
    audit.record(
        "user_deactivated", school_id=user.school_id, object_type="user", object_id=user.id
    )
    db.session.commit()
    flash(_("%(name)s can no longer sign in.", name=user.display_name), "success")
    return redirect(url_for("admin.staff_member", user_id=user.id))


@bp.post("/staff/<int:user_id>/reactivate")
@roles_required(*ADMIN_ROLES)
def reactivate_user(user_id: int):
    user = get_scoped_or_404(User, user_id, managed_school_ids(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        reactivate(user, acting_user=current_user)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.staff_member", user_id=user.id))
    audit.record(
        "user_reactivated", school_id=user.school_id, object_type="user", object_id=user.id
    )
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    return redirect(url_for("admin.staff_member", user_id=user.id))


@bp.get("/outbox")
@roles_required(*ADMIN_ROLES, Role.DPO)
def outbox():
    if not current_app.config.get("SHOW_OUTBOX"):
        abort(404)
    ids = managed_school_ids(current_user)
    emails = (
        db.session.execute(
            school_scoped(OutboxEmail, ids).order_by(OutboxEmail.created_at.desc()).limit(100)
        )
        .scalars()
        .all()
    )
    return render_template("admin/outbox.html", emails=emails)
