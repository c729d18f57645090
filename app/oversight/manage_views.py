"""Assignments (to everyone, a role or named people, with a due date and refresher rule),
exemptions and the school's settings for reminders and retention."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, clock
from app.form_fields import ConfirmForm, add_error
from app.models import ROLE_LABELS, Role, User, db
from app.models.oversight import Exemption
from app.models.training import Assignment
from app.oversight import bp
from app.oversight.forms import AssignmentForm, ExemptionForm, MfaSettingForm
from app.oversight.views import MANAGERS, VIEWERS, module_titles
from app.security import get_scoped_or_404, managed_school_ids, roles_required, school_scoped
from app.services.oversight import manage
from app.services.oversight.manage import assignment_page
from app.services.oversight.retention import settings_for
from app.util.i18n import _
from app.util.paging import page_number


def _staff_choices() -> list[tuple[int, str]]:
    users = db.session.execute(
        school_scoped(User).where(User.active.is_(True)).order_by(User.display_name)
    ).scalars()
    return [(user.id, f"{user.display_name} ({user.email})") for user in users]


@bp.get("/assignments")
@roles_required(*VIEWERS)
def assignments():
    listing = assignment_page(
        db.session, current_user.school_id, page_number(request.args.get("page"))
    )
    return render_template(
        "oversight/assignments.html",
        assignments=listing.rows,
        paging=listing.paging,
        people=listing.people,
        titles=module_titles(),
        can_manage=current_user.has_role(*MANAGERS),
        confirm=ConfirmForm(),
    )


@bp.route("/assignments/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_assignment():
    titles = module_titles()
    form = AssignmentForm()
    form.module_id.choices = [("", _("Choose a module"))] + list(titles.items())
    form.role.choices = [("", _("Choose a role"))] + [
        (r.value, ROLE_LABELS[r]) for r in Role if r != Role.TRUST_ADMIN
    ]
    form.people.choices = _staff_choices()
    if form.validate_on_submit():
        manage.create_assignments(
            db.session,
            school_id=current_user.school_id,
            module_id=form.module_id.data,
            target=form.target.data,
            role=form.role.data,
            user_ids=form.people.data or [],
            due_date=form.due_date.data,
            refresher_months=form.refresher_months.data,
            now=clock.now(),
            actor_id=current_user.id,
            record=audit.record,
        )
        db.session.commit()
        flash(f"{titles[form.module_id.data]} assigned.", "success")
        return redirect(url_for("oversight.assignments"))
    return render_template("oversight/assignment_new.html", form=form), (
        400 if form.errors else 200
    )


@bp.post("/assignments/<int:assignment_id>/delete")
@roles_required(*MANAGERS)
def delete_assignment(assignment_id: int):
    assignment = get_scoped_or_404(Assignment, assignment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    manage.delete_assignment(db.session, assignment, actor_id=current_user.id, record=audit.record)
    db.session.commit()
    flash(_("Assignment removed. Completed training stays on each person's record."), "success")
    return redirect(url_for("oversight.assignments"))


@bp.post("/people/<int:user_id>/exemptions")
@roles_required(*MANAGERS, Role.TRUST_ADMIN)
def add_exemption(user_id: int):
    user = get_scoped_or_404(User, user_id, managed_school_ids(current_user))
    titles = module_titles()
    form = ExemptionForm()
    form.module_id.choices = [("", _("Choose a module"))] + list(titles.items())
    if form.validate_on_submit():
        manage.exempt(
            db.session,
            user,
            form.module_id.data,
            form.reason.data or "",
            now=clock.now(),
            actor_id=current_user.id,
            record=audit.record,
        )
        db.session.commit()
        flash(_("Exempt from %(module)s.", module=titles[form.module_id.data]), "success")
        return redirect(url_for("oversight.person", user_id=user.id))
    for message in [*form.module_id.errors, *form.reason.errors]:
        flash(message, "error")
    return redirect(url_for("oversight.person", user_id=user.id))


@bp.post("/exemptions/<int:exemption_id>/delete")
@roles_required(*MANAGERS, Role.TRUST_ADMIN)
def delete_exemption(exemption_id: int):
    exemption = get_scoped_or_404(Exemption, exemption_id, managed_school_ids(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user_id = exemption.user_id
    manage.remove_exemption(db.session, exemption, actor_id=current_user.id, record=audit.record)
    db.session.commit()
    flash(_("Exemption removed."), "success")
    return redirect(url_for("oversight.person", user_id=user_id))


def _mfa_choice_allowed(form: MfaSettingForm, current) -> bool:
    """Requiring two-step sign-in asks the person to have set it up themselves first."""
    if form.require_mfa.data == "on" and not current.require_mfa and not current_user.mfa_enabled:
        add_error(form.require_mfa, "Set up two-step sign-in for your own account first")
        return False
    return True


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def settings():
    current = settings_for(db.session, current_user.school_id)
    form = MfaSettingForm()
    if not form.is_submitted():
        form.require_mfa.data = "on" if current.require_mfa else "off"
    if not form.is_submitted():
        form.reminders_enabled.data = "on" if current.reminders_enabled else "off"
        form.erase_deactivated_after_months.data = current.erase_deactivated_after_months
        form.delete_audit_after_months.data = current.delete_audit_after_months
        form.retake_wait_minutes.data = current.retake_wait_minutes
    if form.validate_on_submit() and _mfa_choice_allowed(form, current):
        manage.save_settings(
            db.session,
            current,
            reminders_enabled=form.reminders_enabled.data == "on",
            erase_deactivated_after_months=form.erase_deactivated_after_months.data,
            delete_audit_after_months=form.delete_audit_after_months.data,
            retake_wait_minutes=form.retake_wait_minutes.data,
            require_mfa={"on": True, "off": False}.get(form.require_mfa.data or ""),
            now=clock.now(),
            actor_id=current_user.id,
            record=audit.record,
        )
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("oversight.settings"))
    return render_template("oversight/settings.html", form=form), (400 if form.errors else 200)
