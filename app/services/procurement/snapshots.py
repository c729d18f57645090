"""The live snapshot of an assessment: what its report shows right now, and what a decision
freezes (no Flask imports). Built the same way by the pages, the decision and the demo seeds.

A snapshot is written in English whoever builds it (its labels, the engine's words), so the one
a decision freezes and hashes does not depend on the proposer's language, and a draft's is the
same for every reader; the pages, the PDFs and the CSV say its words in the reader's language
(app/services/procurement/reports.py)."""

from __future__ import annotations

from app.content.checklists import Checklist
from app.models.procurement import Assessment, Provenance, SupplierReview, Vendor
from app.services.procurement.assessments import changes_since, checklist_for, compute
from app.services.procurement.evidence import evidence_rows
from app.services.procurement.reports import build_snapshot
from app.services.procurement.scoring import answer_label
from app.util.i18n import DEFAULT_LOCALE, in_locale


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


def change_list(assessment: Assessment, checklists: dict[str, Checklist]) -> list[dict]:
    """What changed since the previous assessment of the same product (none for a first one)."""
    previous = assessment.previous
    if previous is None:
        return []
    changes = changes_since(
        checklist_for(assessment, checklists),
        {answer.question_id: answer.value for answer in assessment.answers},
        checklist_for(previous, checklists),
        {answer.question_id: answer.value for answer in previous.answers},
    )
    return [vars(change) for change in changes]


def previous_decision(assessment: Assessment) -> dict | None:
    """The product's last decision, for reading a re-assessment beside it: outcome, date,
    rating, score and knock-outs, from that decision's frozen snapshot."""
    previous = assessment.previous
    if previous is None or not previous.decided or not previous.snapshot:
        return None
    frozen = previous.snapshot
    result = frozen["result"]
    knockouts = frozen.get("knockouts") or {}
    fired = knockouts.get("fired") or [
        {"question_id": lim["question_id"]} for lim in result["limits"] if lim["kind"] == "knockout"
    ]
    return {
        "assessment_id": previous.id,
        "label": (frozen.get("decision") or {}).get("label") or previous.decision_label,
        "decided_on": previous.decided_on.isoformat() if previous.decided_on else None,
        "band": result["band"],
        "band_label": result["band_label"],
        "score": result["score"],
        "fired": [k["question_id"] for k in fired],
        "unresolved": [k["question_id"] for k in knockouts.get("unresolved", [])],
        "checklist_version": frozen["checklist"]["version"],
    }


def live_snapshot(
    assessment: Assessment,
    checklists: dict[str, Checklist],
    *,
    school_name: str,
    decision: dict | None = None,
) -> dict:
    """The snapshot as it would be frozen now, with `decision` when one is being recorded: in
    English, whoever asks."""
    with in_locale(DEFAULT_LOCALE):
        checklist = checklist_for(assessment, checklists)
        return build_snapshot(
            checklist=checklist,
            result=compute(assessment, checklist),
            school_name=school_name,
            vendor=vendor_facts(assessment.vendor),
            profile=assessment.profile or {},
            assessment_id=assessment.id,
            started_on=assessment.created_at.date(),
            status=assessment.status,
            decision=decision,
            changes=change_list(assessment, checklists),
            previous=previous_decision(assessment),
            provenance=answer_provenance(assessment, checklist),
            evidence_files=evidence_rows(assessment),
        )


def answer_provenance(assessment: Assessment, checklist: Checklist) -> dict[str, dict]:
    """Where each answer came from, for the answers that are not simply the school's own: the
    supplier's (stated, verified or overridden, with the query or the reason and, when
    overridden, what the supplier said) or copied from another school of the trust."""
    rows: dict[str, dict] = {}
    for answer in assessment.answers:
        provenance = answer.provenance
        if provenance == Provenance.SCHOOL and not answer.copied_from:
            continue
        row: dict = {"kind": provenance.value, "label": provenance.label}
        if answer.copied_from:
            row["copied_from"] = answer.copied_from
        if answer.review == SupplierReview.QUERIED:
            row["query"] = answer.review_note
        if answer.review == SupplierReview.OVERRIDDEN:
            question = checklist.questions.get(answer.question_id)
            value = answer.supplier_value
            row["reason"] = answer.review_note
            row["supplier_answer"] = (
                answer_label(
                    checklist, question, tuple(value) if isinstance(value, list) else value
                )
                if question is not None
                else str(value)
            )
            row["supplier_note"] = answer.supplier_note or ""
        rows[answer.question_id] = row
    return rows
