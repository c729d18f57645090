"""The vendor register: list (search and filter), add, view, edit and delete products."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, clock
from app.content.registry import content
from app.form_fields import ConfirmForm
from app.models import db
from app.procurement import bp
from app.procurement.common import ROLES, load_vendor
from app.procurement.forms import DATA_CATEGORY_LABELS, StartAssessmentForm, VendorForm
from app.security import roles_required
from app.services.procurement.assessments import start_assessment
from app.services.procurement.register import RegisterFilter, save_vendor, vendor_register
from app.services.transparency.requests import counts_for_product


@bp.get("/")
@roles_required(*ROLES)
def vendors():
    query = (request.args.get("q") or "").strip()[:100]
    try:
        wanted = RegisterFilter(request.args.get("status", ""))
    except ValueError:
        wanted = RegisterFilter.ALL
    today = clock.now().date()
    register = vendor_register(
        db.session, current_user.school_id, search=query, wanted=wanted, today=today
    )
    return render_template(
        "procurement/vendors.html",
        rows=register.rows,
        query=query,
        wanted=wanted,
        filters=list(RegisterFilter),
        any_vendor=register.any_product,
        today=today,
    )


@bp.route("/vendors/new", methods=["GET", "POST"])
@roles_required(*ROLES)
def vendor_new():
    form = VendorForm()
    if form.validate_on_submit():
        vendor = save_vendor(db.session, form.data, school_id=current_user.school_id)
        audit.record("vendor_added", object_type="vendor", object_id=vendor.id)
        db.session.commit()
        flash(f"{vendor.product} added to the register.", "success")
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    return render_template("procurement/vendor_form.html", form=form, vendor=None)


@bp.get("/vendors/<int:vendor_id>")
@roles_required(*ROLES)
def vendor(vendor_id: int):
    vendor = load_vendor(vendor_id)
    start = StartAssessmentForm()
    start.checklist_id.choices = _checklist_choices()
    labels = dict(DATA_CATEGORY_LABELS)
    categories = [labels.get(c, c) for c in vendor.data_categories or []]
    return render_template(
        "procurement/vendor.html",
        vendor=vendor,
        start=start,
        confirm=ConfirmForm(),
        categories=categories,
        family_requests=counts_for_product(db.session, vendor.school_id, vendor.id),
    )


def _checklist_choices() -> list[tuple[str, str]]:
    checklists = sorted(
        content().checklists.values(), key=lambda c: (c.id != "uk-schools-edtech", c.title)
    )
    return [
        (c.id, f"{c.title} (version {c.version}, {len(c.questions)} questions)") for c in checklists
    ]


@bp.route("/vendors/<int:vendor_id>/edit", methods=["GET", "POST"])
@roles_required(*ROLES)
def vendor_edit(vendor_id: int):
    vendor = load_vendor(vendor_id)
    form = VendorForm(obj=vendor)
    if form.validate_on_submit():
        save_vendor(db.session, form.data, school_id=vendor.school_id, vendor=vendor)
        audit.record("vendor_changed", object_type="vendor", object_id=vendor.id)
        db.session.commit()
        flash("Product details saved.", "success")
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    return render_template("procurement/vendor_form.html", form=form, vendor=vendor)


@bp.post("/vendors/<int:vendor_id>/delete")
@roles_required(*ROLES)
def vendor_delete(vendor_id: int):
    vendor = load_vendor(vendor_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    audit.record(
        "vendor_deleted",
        object_type="vendor",
        object_id=vendor.id,
        product=vendor.product,
        assessments=len(vendor.assessments),
    )
    db.session.delete(vendor)
    db.session.commit()
    flash(f"{vendor.product} and its assessments were deleted.", "success")
    return redirect(url_for("procurement.vendors"))


@bp.post("/vendors/<int:vendor_id>/assessments")
@roles_required(*ROLES)
def assessment_start(vendor_id: int):
    vendor = load_vendor(vendor_id)
    form = StartAssessmentForm()
    form.checklist_id.choices = _checklist_choices()
    if not form.validate_on_submit():
        flash("Choose a questionnaire to start the assessment.", "error")
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    checklist = content().checklists[form.checklist_id.data]
    assessment = start_assessment(
        db.session,
        vendor,
        checklist,
        user_id=current_user.id,
        user_name=current_user.display_name,
        now=clock.now(),
    )
    db.session.flush()
    audit.record("assessment_started", object_type="assessment", object_id=assessment.id)
    db.session.commit()
    return redirect(url_for("procurement.profile", assessment_id=assessment.id))
