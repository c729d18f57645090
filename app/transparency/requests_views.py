"""Families' objections, opt-outs and requests: list, record, change, delete and export. Only the
DPO and school admins see them; every change and export is audited (without the pupil reference,
which stays in the request itself)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, clock
from app.downloads import csv_download
from app.form_fields import ConfirmForm
from app.input_limits import bounded_int
from app.models import db
from app.models.procurement import Vendor
from app.models.transparency import FamilyRequest
from app.security import get_scoped_or_404, roles_required, school_scoped
from app.services.transparency.requests import (
    CSV_HEADER,
    RequestProblem,
    csv_rows,
    save_request,
    school_requests,
)
from app.transparency import bp
from app.transparency.common import FAMILY_ROLES
from app.transparency.forms import RequestForm
from app.util.i18n import _


def _vendor_choices() -> list[tuple[int, str]]:
    vendors = db.session.execute(
        school_scoped(Vendor).order_by(Vendor.product, Vendor.id)
    ).scalars()
    return [(0, _("Choose an app or service"))] + [(v.id, v.display_name) for v in vendors]


@bp.get("/requests")
@roles_required(*FAMILY_ROLES)
def requests():
    vendor_id = bounded_int(request.args.get("vendor"), default=0) or None
    vendor = get_scoped_or_404(Vendor, vendor_id) if vendor_id else None
    rows = school_requests(db.session, current_user.school_id, vendor_id=vendor_id)
    return render_template("transparency/requests.html", rows=rows, vendor=vendor)


def _form_page(form: RequestForm, family_request: FamilyRequest | None, problem: str | None):
    status = 400 if form.errors or problem else 200
    return render_template(
        "transparency/request_form.html",
        form=form,
        family_request=family_request,
        problem=problem,
        confirm=ConfirmForm(),
    ), status


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required(*FAMILY_ROLES)
def request_new():
    form = RequestForm()
    form.vendor_id.choices = _vendor_choices()
    if not form.is_submitted():
        form.received_on.data = clock.today()
        if bounded_int(request.args.get("vendor"), default=0):
            form.subject.data = "product"
            form.vendor_id.data = bounded_int(request.args.get("vendor"), default=0) or None
    problem = None
    if form.validate_on_submit():
        try:
            saved, changed = save_request(
                db.session,
                form.data,
                school_id=current_user.school_id,
                user_id=current_user.id,
                now=clock.now(),
            )
        except RequestProblem as error:
            db.session.rollback()
            problem = str(error)
        else:
            audit.record(
                "family_request_recorded",
                object_type="family_request",
                object_id=saved.id,
                subject=saved.subject,
                kind=saved.kind,
                vendor=saved.vendor_id,
            )
            db.session.commit()
            flash(_("Request FR-%(number)d recorded.", number=saved.id), "success")
            return redirect(url_for("transparency.requests"))
    return _form_page(form, None, problem)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@roles_required(*FAMILY_ROLES)
def request_edit(request_id: int):
    family_request = get_scoped_or_404(FamilyRequest, request_id)
    form = RequestForm(obj=family_request)
    form.vendor_id.choices = _vendor_choices()
    if not form.is_submitted():
        form.vendor_id.data = family_request.vendor_id or 0
    problem = None
    if form.validate_on_submit():
        try:
            __, changed = save_request(
                db.session,
                form.data,
                school_id=current_user.school_id,
                user_id=current_user.id,
                now=clock.now(),
                request=family_request,
            )
        except RequestProblem as error:
            db.session.rollback()
            problem = str(error)
        else:
            audit.record(
                "family_request_changed",
                object_type="family_request",
                object_id=family_request.id,
                fields=changed or None,
                outcome=family_request.outcome,
            )
            db.session.commit()
            flash(_("Request FR-%(number)d saved.", number=family_request.id), "success")
            return redirect(url_for("transparency.requests"))
    return _form_page(form, family_request, problem)


@bp.post("/requests/<int:request_id>/delete")
@roles_required(*FAMILY_ROLES)
def request_delete(request_id: int):
    family_request = get_scoped_or_404(FamilyRequest, request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    audit.record(
        "family_request_deleted",
        object_type="family_request",
        object_id=family_request.id,
        subject=family_request.subject,
    )
    db.session.delete(family_request)
    db.session.commit()
    flash(_("Request FR-%(number)d deleted.", number=request_id), "success")
    return redirect(url_for("transparency.requests"))


@bp.get("/requests.csv")
@roles_required(*FAMILY_ROLES)
def requests_csv():
    rows = school_requests(db.session, current_user.school_id)
    audit.record("family_requests_exported", object_type="family_request", count=len(rows))
    db.session.commit()
    return csv_download("families-requests.csv", CSV_HEADER, csv_rows(rows))
