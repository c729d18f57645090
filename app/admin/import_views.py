"""Inviting staff from a CSV file: upload, preview (accepted and rejected rows with reasons),
then confirm. Nothing is created until the confirm step, and then all accepted rows or none."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired

from app import audit, clock
from app.admin import bp
from app.admin.views import ADMIN_ROLES, send_invitation_email
from app.auth.tokens import new_invitation_token
from app.models import Role, db
from app.security import managed_school_ids, roles_required
from app.services.accounts.staff import AccountError
from app.services.accounts.staff_import import ImportFileError, check_csv, decode, import_rows


class UploadForm(FlaskForm):
    csv_file = FileField(
        "CSV file",
        description="A header row with the columns name, email and roles, then one row per "
        "person. Separate several roles with a semicolon, for example “Teacher; DPO”.",
        validators=[FileRequired("Choose a CSV file to upload")],
    )


class ConfirmImportForm(FlaskForm):
    csv_text = HiddenField(validators=[DataRequired()])


def _check(text: str):  # type: ignore[no-untyped-def]
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
    form = UploadForm()
    if form.validate_on_submit():
        text = decode(form.csv_file.data.read())
        try:
            result = _check(text)
        except ImportFileError as error:
            form.csv_file.errors.append(str(error))
        else:
            return render_template(
                "admin/import_preview.html",
                result=result,
                confirm=ConfirmImportForm(csv_text=text),
                school=current_user.school,
            )
    return render_template("admin/import.html", form=form), (400 if form.errors else 200)


@bp.post("/staff/import/confirm")
@roles_required(*ADMIN_ROLES)
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = _check(form.csv_text.data)
    except ImportFileError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.import_staff"))
    if not result.accepted:
        flash("Nobody in the file can be invited: fix the rows and upload it again.", "error")
        return redirect(url_for("admin.import_staff"))
    now = clock.now()
    try:
        created = import_rows(
            db.session,
            result.accepted,
            school_id=current_user.school_id,
            invited_by_id=current_user.id,
            now=now,
            valid_for=timedelta(hours=current_app.config["INVITATION_MAX_AGE_HOURS"]),
            new_token=new_invitation_token,
            visible_school_ids=managed_school_ids(current_user),
        )
        for invitation, token in created:
            send_invitation_email(invitation, token, current_user.school.name)
    except AccountError as error:
        db.session.rollback()  # all or nothing
        flash(f"Nothing was imported: {error}. Upload the file again to check it.", "error")
        return redirect(url_for("admin.import_staff"))
    audit.record(
        "staff_imported",
        object_type="school",
        object_id=current_user.school_id,
        invited=len(created),
        rejected=len(result.rejected),
    )
    db.session.commit()
    flash(f"{len(created)} invitation(s) sent.", "success")
    return redirect(url_for("admin.staff"))
