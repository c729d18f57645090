"""The vendor register: list (search and filter), add, view, edit, archive, restore and delete
products, and starting an assessment."""

import uuid

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from app import audit, clock
from app.content.registry import content
from app.form_fields import ConfirmForm
from app.models import db
from app.procurement import bp
from app.procurement.common import ROLES, load_vendor, me
from app.procurement.forms import DATA_CATEGORY_LABELS, StartAssessmentForm, VendorForm
from app.security import roles_required
from app.services.procurement.assessments import start_assessment
from app.services.procurement.evidence import remove_orphans
from app.services.procurement.register import (
    RegisterError,
    RegisterFilter,
    add_vendor,
    archive_vendor,
    delete_vendor,
    restore_vendor,
    save_vendor,
    vendor_register,
)
from app.services.transparency.requests import counts_for_product
from app.util.i18n import _, ngettext
from app.util.paging import page_number


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
        db.session,
        me().school_id,
        search=query,
        wanted=wanted,
        today=today,
        page=page_number(request.args.get("page")),
    )
    return render_template(
        "procurement/vendors.html",
        rows=register.rows,
        paging=register.paging,
        args={k: v for k, v in request.args.items() if k != "page" and v},
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
    if not form.is_submitted():
        form.submission_token.data = uuid.uuid4().hex
    if form.validate_on_submit():
        user = me()
        vendor, added = add_vendor(
            db.session,
            form.data,
            school_id=user.school_id,
            submission_token=form.submission_token.data,
            actor_id=user.id,
            record=audit.record,
        )
        db.session.commit()
        if added:
            flash(_("%(product)s added to the register.", product=vendor.product), "success")
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    return render_template("procurement/vendor_form.html", form=form, vendor=None)


@bp.get("/vendors/<int:vendor_id>")
@roles_required(*ROLES)
def vendor(vendor_id: int):
    vendor = load_vendor(vendor_id, with_history=True)
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
        today=clock.now().date(),
    )


def _checklist_choices() -> list[tuple[str, str]]:
    checklists = sorted(
        content().checklists.values(), key=lambda c: (c.id != "uk-schools-edtech", c.title)
    )
    return [
        (
            c.id,
            _(
                "%(title)s (version %(version)s, %(num)d questions)",
                title=c.title,
                version=c.version,
                num=len(c.questions),
            ),
        )
        for c in checklists
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
        flash(_("Product details saved."), "success")
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    return render_template("procurement/vendor_form.html", form=form, vendor=vendor)


@bp.route("/vendors/<int:vendor_id>/delete", methods=["GET", "POST"])
@roles_required(*ROLES)
def vendor_delete(vendor_id: int):
    vendor = load_vendor(vendor_id)
    confirm = ConfirmForm()
    if vendor.has_decision:
        flash(
            _(
                "%(product)s has a recorded or proposed decision, so it cannot be deleted. "
                "Archive it instead: its decisions stay on record.",
                product=vendor.product,
            ),
            "info",
        )
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    if request.method == "POST":
        if not confirm.validate_on_submit():
            abort(400)
        product = vendor.product
        try:
            delete_vendor(db.session, vendor, actor_id=me().id, record=audit.record)
        except RegisterError as error:  # pragma: no cover - decided products redirected above
            flash(str(error), "error")
            return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
        db.session.commit()
        remove_orphans(db.session, current_app.config["EVIDENCE_DIR"])  # its evidence files
        flash(_("%(product)s was deleted.", product=product), "success")
        return redirect(url_for("procurement.vendors"))
    drafts = len(vendor.assessments)
    return render_template(
        "procurement/confirm_delete.html",
        title=_("Delete %(product)s?", product=vendor.product),
        what=[
            ngettext(
                "%(product)s (%(supplier)s) will be removed from the register, with its draft "
                "assessment.",
                "%(product)s (%(supplier)s) will be removed from the register, with its draft "
                "assessments.",
                drafts,
                product=vendor.product,
                supplier=vendor.name,
            )
            if drafts
            else _(
                "%(product)s (%(supplier)s) will be removed from the register.",
                product=vendor.product,
                supplier=vendor.name,
            ),
            _("No decision has been recorded for it. This cannot be undone."),
        ],
        button=_("Delete the product"),
        confirm=confirm,
        back=url_for("procurement.vendor", vendor_id=vendor.id),
    )


@bp.post("/vendors/<int:vendor_id>/archive")
@roles_required(*ROLES)
def vendor_archive(vendor_id: int):
    vendor = load_vendor(vendor_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    archive_vendor(db.session, vendor, actor_id=me().id, now=clock.now(), record=audit.record)
    db.session.commit()
    flash(
        _(
            "%(product)s was archived: it no longer appears in the register, reviews or "
            "reminders. Its decisions stay on record.",
            product=vendor.product,
        ),
        "success",
    )
    return redirect(url_for("procurement.vendor", vendor_id=vendor.id))


@bp.post("/vendors/<int:vendor_id>/restore")
@roles_required(*ROLES)
def vendor_restore(vendor_id: int):
    vendor = load_vendor(vendor_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    restore_vendor(db.session, vendor, actor_id=me().id, record=audit.record)
    db.session.commit()
    flash(_("%(product)s is back in the register.", product=vendor.product), "success")
    return redirect(url_for("procurement.vendor", vendor_id=vendor.id))


@bp.post("/vendors/<int:vendor_id>/assessments")
@roles_required(*ROLES)
def assessment_start(vendor_id: int):
    vendor = load_vendor(vendor_id)
    form = StartAssessmentForm()
    form.checklist_id.choices = _checklist_choices()
    if not form.validate_on_submit():
        flash(_("Choose a questionnaire to start the assessment."), "error")
        return redirect(url_for("procurement.vendor", vendor_id=vendor.id))
    latest = vendor.latest_assessment
    if latest is not None and not latest.decided:  # a second submit: carry on with that one
        return redirect(url_for("procurement.assessment", assessment_id=latest.id))
    checklist = content().checklists[form.checklist_id.data]
    user = me()
    assessment = start_assessment(
        db.session,
        vendor,
        checklist,
        user_id=user.id,
        user_name=user.display_name,
        now=clock.now(),
    )
    db.session.flush()
    audit.record("assessment_started", object_type="assessment", object_id=assessment.id)
    db.session.commit()
    return redirect(url_for("procurement.profile", assessment_id=assessment.id))
