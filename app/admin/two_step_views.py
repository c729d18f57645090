"""An admin turning off a staff member's two-step sign-in, for someone who has lost both their
phone and their recovery codes. The same rule as any change to an account applies (a trust
admin's only by a trust admin); it is audited, and a user whose school requires two-step
sign-in is sent to set it up again the next time they sign in."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from app import audit
from app.admin import bp
from app.admin.views import ADMIN_ROLES
from app.form_fields import ConfirmForm
from app.models import User, db
from app.security import get_scoped_or_404, managed_school_ids, roles_required
from app.services.accounts import mfa
from app.services.accounts.staff import AccountError, check_may_change
from app.util.i18n import _


@bp.post("/staff/<int:user_id>/two-step/reset")
@roles_required(*ADMIN_ROLES)
def reset_two_step(user_id: int):
    user = get_scoped_or_404(User, user_id, managed_school_ids(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        check_may_change(current_user, user)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.staff_member", user_id=user.id))
    if user.mfa_enabled or user.totp_secret:
        mfa.turn_off(db.session, user)
        user.end_all_sessions()  # whoever holds the lost phone is signed out too
        audit.record(
            "mfa_reset_by_admin", school_id=user.school_id, object_type="user", object_id=user.id
        )
        db.session.commit()
    flash(
        _(
            "Two-step sign-in is off for %(name)s. They sign in with their password "
            "and, if your school requires it, set it up again.",
            name=user.display_name,
        ),
        "success",
    )
    return redirect(url_for("admin.staff_member", user_id=user.id))
