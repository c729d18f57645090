"""Inviting staff from a CSV file: upload, preview (accepted and rejected rows with reasons),
then confirm. Nothing is created until the confirm step, and then all accepted rows or none."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from app import audit, clock
from app.admin import bp
from app.admin.views import ADMIN_ROLES, _schools, send_invitation_email
from app.auth.tokens import new_invitation_token
from app.form_fields import add_error
from app.models import Role, db
from app.security import managed_school_ids, roles_required
from app.services.accounts.staff import AccountError
from app.services.accounts.staff_import import ImportFileError, check_csv, decode, import_rows
from app.util.i18n import _, lazy_gettext


class UploadForm(FlaskForm):
    csv_file = FileField(
        lazy_gettext("CSV file"),
        description=lazy_gettext(
            "A header row with the columns name, email and roles, then one row per "
            "person. Separate several roles with a semicolon, for example “Teacher; DPO”."
        ),
        validators=[FileRequired(lazy_gettext("Choose a CSV file to upload"))],
    )
    # Offered to trust admins, who may import into any school of their trust.
    school_id = SelectField(lazy_gettext("School to invite them to"), coerce=int)


class ConfirmImportForm(FlaskForm):
    csv_text = HiddenField(validators=[DataRequired()])
    school_id = HiddenField()  # absent on a page from before schools were offered: your own


def _check(text: str):
    return check_csv(
        db.session,
        text,
        allow_trust_admin=current_user.has_role(Role.TRUST_ADMIN),
        now=clock.now(),
        visible_school_ids=managed_school_ids(current_user),
    )


@bp.route("/staff/import", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def import_staff():
    schools = _schools()
    form = UploadForm()
    form.school_id.choices = [(school.id, school.name) for school in schools]
    if not form.is_submitted() or len(schools) == 1:
        form.school_id.data = current_user.school_id
    if form.validate_on_submit():
        text = decode(form.csv_file.data.read())
        try:
            result = _check(text)
        except ImportFileError as error:
            add_error(form.csv_file, str(error))
        else:
            return render_template(
                "admin/import_preview.html",
                result=result,
                confirm=ConfirmImportForm(csv_text=text, school_id=form.school_id.data),
                school=next(school for school in schools if school.id == form.school_id.data),
            )
    return render_template("admin/import.html", form=form), (400 if form.errors else 200)


@bp.post("/staff/import/confirm")
@roles_required(*ADMIN_ROLES)
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.school_id.data or str(current_user.school_id)
    school = next((s for s in _schools() if str(s.id) == wanted), None)
    if school is None:
        abort(404)  # not a school this admin manages
    try:
        result = _check(form.csv_text.data or "")
    except ImportFileError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.import_staff"))
    if not result.accepted:
        flash(_("Nobody in the file can be invited: fix the rows and upload it again."), "error")
        return redirect(url_for("admin.import_staff"))
    now = clock.now()
    try:
        created = import_rows(
            db.session,
            result.accepted,
            school_id=school.id,
            invited_by_id=current_user.id,
            now=now,
            valid_for=timedelta(hours=current_app.config["INVITATION_MAX_AGE_HOURS"]),
            new_token=new_invitation_token,
            visible_school_ids=managed_school_ids(current_user),
        )
        for invitation, token in created:
            send_invitation_email(invitation, token, school.name)
    except AccountError as error:
        db.session.rollback()  # all or nothing
        flash(
            _(
                "Nothing was imported: %(problem)s. Upload the file again to check it.",
                problem=error,
            ),
            "error",
        )
        return redirect(url_for("admin.import_staff"))
    audit.record(
        "staff_imported",
        school_id=school.id,
        object_type="school",
        object_id=school.id,
        invited=len(created),
        rejected=len(result.rejected),
    )
    db.session.commit()
    flash(
        _(
            "%(num)d invitation(s) sent. They will join %(school)s.",
            num=len(created),
            school=school.name,
        ),
        "success",
    )
    return redirect(url_for("admin.staff"))
