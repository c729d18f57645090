"""Shared helpers for procurement views: scoped loading, the pinned checklist, snapshots."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.content.registry import content
from app.input_limits import bounded_int
from app.jobs import prerender
from app.models import Role, School, User, db
from app.models.procurement import Assessment, Vendor
from app.security import get_scoped_or_404
from app.services.procurement import snapshots
from app.services.procurement.assessments import checklist_for
from app.util.i18n import _

ROLES = (Role.BUSINESS_MANAGER, Role.DPO)


def load_vendor(vendor_id: int, *, with_history: bool = False) -> Vendor:
    """The school's product; `with_history` also loads its assessments and their conditions in
    one statement each (the product page lists them all)."""
    options = (
        [selectinload(Vendor.assessments).selectinload(Assessment.conditions)]
        if with_history
        else []
    )
    return get_scoped_or_404(Vendor, vendor_id, options=options)


def load_assessment(assessment_id: int) -> Assessment:
    return get_scoped_or_404(Assessment, assessment_id)


def me() -> User:
    """The signed-in user as a model object, for services (which take no Flask proxies)."""
    return current_user._get_current_object()


def form_version() -> int:
    """The assessment version the form was opened at (its hidden `version` field); a 400 when it
    is missing or not a number the column can hold."""
    if not request.form.get("version"):
        abort(400)
    return bounded_int(request.form.get("version"), default=0)


def checklist_of(assessment: Assessment):
    return checklist_for(assessment, content().checklists)


def read_only_redirect(assessment: Assessment):
    if assessment.proposed:
        flash(
            _(
                "This assessment is waiting for a DPO to sign off its decision, so its answers "
                "are locked. The DPO can send it back if something needs to change."
            ),
            "info",
        )
    else:
        flash(_("This assessment has a recorded decision, so it can no longer be changed."), "info")
    return redirect(url_for("procurement.review", assessment_id=assessment.id))


def current_snapshot(assessment: Assessment) -> dict:
    """The frozen snapshot once proposed or decided; otherwise the snapshot as it is now."""
    if assessment.locked and assessment.snapshot:
        return assessment.snapshot
    # The school is read from the assessment, not the signed-in user: the job worker that
    # renders the PDF has no user (and the scoping already made them the same school).
    school_name = db.session.execute(
        select(School.name).where(School.id == assessment.school_id)
    ).scalar_one()
    return snapshots.live_snapshot(assessment, content().checklists, school_name=school_name)


REPORT_KINDS = ("report", "report-answers")  # the governors' report and its answers appendix


def prerender_reports(assessment_id: int, *, draft: bool) -> None:
    """Render both report PDFs ahead of need (after the commit that changed the snapshot)."""
    for kind in REPORT_KINDS:
        prerender(kind, assessment_id, draft=draft)
