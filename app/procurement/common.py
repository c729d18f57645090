"""Shared helpers for procurement views: scoped loading, the pinned checklist, live snapshots."""

from flask import flash, redirect, url_for
from flask_login import current_user

from app.content.registry import content
from app.models import Role
from app.models.procurement import Assessment, Vendor
from app.security import get_scoped_or_404
from app.services.procurement.assessments import changes_since, checklist_for, compute
from app.services.procurement.reports import build_snapshot

ROLES = (Role.BUSINESS_MANAGER, Role.DPO)


def load_vendor(vendor_id: int) -> Vendor:
    return get_scoped_or_404(Vendor, vendor_id)


def load_assessment(assessment_id: int) -> Assessment:
    return get_scoped_or_404(Assessment, assessment_id)


def checklist_of(assessment: Assessment):
    return checklist_for(assessment, content().checklists)


def read_only_redirect(assessment: Assessment):
    flash("This assessment has a recorded decision, so it can no longer be changed.", "info")
    return redirect(url_for("procurement.review", assessment_id=assessment.id))


def vendor_facts(vendor: Vendor) -> dict:
    return {
        "name": vendor.name,
        "product": vendor.product,
        "website": vendor.website,
        "contact_name": vendor.contact_name,
        "contact_email": vendor.contact_email,
        "purpose": vendor.purpose,
        "data_categories": list(vendor.data_categories or []),
        "pupils_covered": vendor.pupils_covered,
        "contract_start": vendor.contract_start.isoformat() if vendor.contract_start else None,
        "contract_end": vendor.contract_end.isoformat() if vendor.contract_end else None,
    }


def change_list(assessment: Assessment, checklist) -> list[dict]:
    previous = assessment.previous
    if previous is None:
        return []
    changes = changes_since(checklist, assessment, previous, checklist_of(previous))
    return [vars(change) for change in changes]


def current_snapshot(assessment: Assessment, decision: dict | None = None) -> dict:
    """The frozen snapshot once decided; otherwise the snapshot as it would be frozen now."""
    if assessment.decided and assessment.snapshot:
        return assessment.snapshot
    checklist = checklist_of(assessment)
    return build_snapshot(
        checklist=checklist,
        result=compute(assessment, checklist),
        school_name=current_user.school.name,
        vendor=vendor_facts(assessment.vendor),
        profile=assessment.profile or {},
        assessment_id=assessment.id,
        started_on=assessment.created_at.date(),
        status=assessment.status,
        decision=decision,
        changes=change_list(assessment, checklist),
    )
