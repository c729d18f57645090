"""The record of processing activities (Art 30(1)): the page, its CSV and XLSX, and the
statutory returns the school adds (the school census prefilled from families/)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit, clock
from app.content.registry import content
from app.downloads import csv_download, download
from app.form_fields import ConfirmForm
from app.models import db
from app.models.transparency import StatutoryReturn
from app.security import get_scoped_or_404, roles_required
from app.services.transparency.documents import records_xlsx
from app.services.transparency.records import (
    COLUMNS,
    add_return_from_template,
    processing_activities,
    save_return,
    statutory_returns,
)
from app.transparency import bp
from app.transparency.common import FAMILY_ROLES, fill_values, my_settings
from app.transparency.forms import ReturnForm
from app.util.dates import long_date

RETURNS_DOCUMENT = "statutory-returns"


def _activities():
    settings = my_settings()
    return processing_activities(
        db.session,
        current_user.school_id,
        school_name=current_user.school.name,
        settings=settings,
        today=clock.today(),
    )


@bp.get("/records")
@roles_required(*FAMILY_ROLES)
def records():
    document = content().families[RETURNS_DOCUMENT]
    have = {r.template_key for r in statutory_returns(db.session, current_user.school_id)}
    return render_template(
        "transparency/records.html",
        activities=_activities(),
        columns=COLUMNS,
        templates=[t for t in document.returns if t.key not in have],
        confirm=ConfirmForm(),
    )


def _export(kind: str):
    activities = _activities()
    audit.record(
        "processing_record_exported",
        object_type="processing_record",
        format=kind,
        rows=len(activities),
    )
    db.session.commit()
    return activities


@bp.get("/records.csv")
@roles_required(*FAMILY_ROLES)
def records_csv():
    activities = _export("csv")
    return csv_download(
        "record-of-processing.csv", [label for _, label in COLUMNS], [a.row() for a in activities]
    )


@bp.get("/records.xlsx")
@roles_required(*FAMILY_ROLES)
def records_xlsx_download():
    activities = _export("xlsx")
    body = records_xlsx(
        [label for _, label in COLUMNS],
        [a.row() for a in activities],
        title=f"Record of processing activities: {current_user.school.name}",
        about=[
            f"Generated {long_date(clock.now())} from the products in use (approved or approved "
            "with conditions, not lapsed) and the school's statutory returns.",
            "UK GDPR Article 30(1). Rows marked [To record] need the school's own facts.",
        ],
    )
    return download(body, "record-of-processing.xlsx")


@bp.post("/returns/from/<template_key>")
@roles_required(*FAMILY_ROLES)
def return_from_template(template_key: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    document = content().families[RETURNS_DOCUMENT]
    if template_key not in {t.key for t in document.returns}:
        abort(404)
    record = add_return_from_template(
        db.session,
        document,
        template_key,
        school_id=current_user.school_id,
        placeholders=fill_values(current_user.school.name, my_settings()),
        now=clock.now(),
    )
    audit.record("statutory_return_added", object_type="statutory_return", object_id=record.id)
    db.session.commit()
    flash(f"{record.name} added. Fill in the parts in square brackets.", "success")
    return redirect(url_for("transparency.return_edit", return_id=record.id))


@bp.route("/returns/new", methods=["GET", "POST"])
@roles_required(*FAMILY_ROLES)
def return_new():
    return _return_form(None)


@bp.route("/returns/<int:return_id>", methods=["GET", "POST"])
@roles_required(*FAMILY_ROLES)
def return_edit(return_id: int):
    return _return_form(get_scoped_or_404(StatutoryReturn, return_id))


def _return_form(record: StatutoryReturn | None):
    form = ReturnForm(obj=record)
    if form.validate_on_submit():
        saved, changed = save_return(
            db.session,
            form.data,
            school_id=current_user.school_id,
            now=clock.now(),
            record=record,
        )
        audit.record(
            "statutory_return_saved",
            object_type="statutory_return",
            object_id=saved.id,
            fields=changed or None,
        )
        db.session.commit()
        flash(f"{saved.name} saved.", "success")
        return redirect(url_for("transparency.records"))
    return render_template(
        "transparency/return_form.html", form=form, record=record, confirm=ConfirmForm()
    ), (400 if form.errors else 200)


@bp.post("/returns/<int:return_id>/delete")
@roles_required(*FAMILY_ROLES)
def return_delete(return_id: int):
    record = get_scoped_or_404(StatutoryReturn, return_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    audit.record("statutory_return_deleted", object_type="statutory_return", object_id=record.id)
    db.session.delete(record)
    db.session.commit()
    flash(f"{record.name} removed from the record of processing.", "success")
    return redirect(url_for("transparency.records"))
