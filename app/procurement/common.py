"""Shared helpers for procurement views: scoped loading, the pinned checklist, live snapshots."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from app.content.registry import content
from app.input_limits import bounded_int
from app.models import Role
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
    """The assessment version the form was opened at (its hidden `version` field); a 400 when it
    is missing or not a number the column can hold."""
    if not request.form.get("version"):
        abort(400)
    return bounded_int(request.form.get("version"), default=0)


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
    return snapshots.live_snapshot(
        assessment, content().checklists, school_name=current_user.school.name, decision=decision
    )
