"""Erasing a leaver's personal details (the rules are in app/services/oversight/erasure.py)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit, clock
from app.admin import bp
from app.admin.views import ADMIN_ROLES
from app.form_fields import ConfirmForm
from app.models import User, db
from app.pdf import clear_cache as clear_pdf_cache
from app.security import get_scoped_or_404, managed_school_ids, roles_required
from app.services.accounts.staff import AccountError, check_may_change
from app.services.oversight.erasure import ErasureError, erase_user, is_erased
from app.util.i18n import _


@bp.route("/staff/<int:user_id>/erase", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def erase(user_id: int):
    user = get_scoped_or_404(User, user_id, managed_school_ids(current_user))
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            check_may_change(current_user, user)
            report = erase_user(db.session, user, acting_user=current_user, now=clock.now())
        except (AccountError, ErasureError) as refused:
            error = str(refused)
        else:
            audit.record(
                "user_erased",
                school_id=user.school_id,
                object_type="user",
                object_id=user.id,
                certificates=report.certificates,
                rows_scrubbed=sum(report.replaced.values()),
            )
            db.session.commit()
            clear_pdf_cache()
            flash(
                _("Their personal details have been erased. Training figures are kept."),
                "success",
            )
            return redirect(url_for("admin.staff"))
    return render_template(
        "admin/erase.html", user=user, form=form, error=error, erased=is_erased(user)
    ), (400 if error else 200)
