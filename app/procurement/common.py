"""Shared helpers for procurement views: scoped loading, the pinned checklist, live snapshots."""

from flask import abort, flash, redirect, request, url_for

from app.content.registry import content
from app.models import Role, School, db
from app.models.procurement import Assessment, Vendor
from app.security import get_scoped_or_404
from app.services.procurement import snapshots
from app.services.procurement.assessments import checklist_for

ROLES = (Role.BUSINESS_MANAGER, Role.DPO)


def load_vendor(vendor_id: int) -> Vendor:
    return get_scoped_or_404(Vendor, vendor_id)


def load_assessment(assessment_id: int) -> Assessment:
    return get_scoped_or_404(Assessment, assessment_id)


def form_version() -> int:
    """The assessment version the form was opened at (its hidden `version` field)."""
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400)


def checklist_of(assessment: Assessment):
    return checklist_for(assessment, content().checklists)


def read_only_redirect(assessment: Assessment):
    flash("This assessment has a recorded decision, so it can no longer be changed.", "info")
    return redirect(url_for("procurement.review", assessment_id=assessment.id))


def change_list(assessment: Assessment) -> list[dict]:
    return snapshots.change_list(assessment, content().checklists)


def current_snapshot(assessment: Assessment, decision: dict | None = None) -> dict:
    """The frozen snapshot once decided; otherwise the snapshot as it would be frozen now."""
    if assessment.decided and assessment.snapshot:
        return assessment.snapshot
    # The school is read from the assessment, not the signed-in user: the job worker that
    # renders the PDF has no user (and the scoping already made them the same school).
    school = db.session.get(School, assessment.school_id)
    return snapshots.live_snapshot(
        assessment, content().checklists, school_name=school.name, decision=decision
    )
