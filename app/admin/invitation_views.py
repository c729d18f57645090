"""A waiting invitation: its page, sending it again with a new link, and revoking it."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit, clock
from app.admin import bp
from app.admin.views import ADMIN_ROLES, send_invitation_email
from app.auth.tokens import new_invitation_token
from app.form_fields import ConfirmForm
from app.models import Invitation, db
from app.security import get_scoped_or_404, managed_school_ids, roles_required
from app.services.accounts.invitations import resend_invitation, revoke_invitation
from app.services.accounts.staff import AccountError, InvitationState, invitation_state
from app.util.i18n import _


def _invitation_or_404(invitation_id: int) -> Invitation:
    return get_scoped_or_404(Invitation, invitation_id, managed_school_ids(current_user))


@bp.get("/staff/invitations/<int:invitation_id>")
@roles_required(*ADMIN_ROLES)
def invitation(invitation_id: int):
    found = _invitation_or_404(invitation_id)
    return render_template(
        "admin/invitation.html",
        invitation=found,
        state=invitation_state(found, clock.now()),
        states=InvitationState,
        confirm=ConfirmForm(),
    )


@bp.post("/staff/invitations/<int:invitation_id>/resend")
@roles_required(*ADMIN_ROLES)
def resend(invitation_id: int):
    found = _invitation_or_404(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token, token_hash = new_invitation_token()
    try:
        renewed = resend_invitation(
            db.session,
            found,
            token_hash=token_hash,
            invited_by_id=current_user.id,
            now=clock.now(),
            valid_for=timedelta(hours=current_app.config["INVITATION_MAX_AGE_HOURS"]),
        )
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.invitation", invitation_id=found.id))
    send_invitation_email(renewed, token, renewed.school.name)
    audit.record(
        "invitation_resent",
        school_id=renewed.school_id,
        object_type="invitation",
        object_id=renewed.id,
        replaces=found.id,
    )
    db.session.commit()
    flash(_("A new invitation was sent to %(email)s. The earlier link no longer works.",
            email=renewed.email), "success")  # fmt: skip
    return redirect(url_for("admin.invitation", invitation_id=renewed.id))


@bp.post("/staff/invitations/<int:invitation_id>/revoke")
@roles_required(*ADMIN_ROLES)
def revoke(invitation_id: int):
    found = _invitation_or_404(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        revoke_invitation(found, now=clock.now())
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.invitation", invitation_id=found.id))
    audit.record(
        "invitation_revoked",
        school_id=found.school_id,
        object_type="invitation",
        object_id=found.id,
    )
    db.session.commit()
    flash(
        _("The invitation to %(email)s was revoked: its link no longer works.", email=found.email),
        "success",
    )
    return redirect(url_for("admin.staff"))
