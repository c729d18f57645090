"""Trust-sharing rules without the app: only a decided assessment of a school in a trust can be
shared; what other schools see is read from the frozen decision."""

from datetime import UTC, date, datetime

import pytest

from app.models import School
from app.models.procurement import Assessment, AssessmentStatus, Decision, Vendor
from app.services.procurement import sharing

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _decided() -> Assessment:
    return Assessment(
        id=7,
        school_id=1,
        status=AssessmentStatus.DECIDED,
        decision=Decision.APPROVE,
        decided_on=date(2026, 12, 1),
        vendor=Vendor(name="Acme Ltd", product="Phonics Stars"),
        answers=[],
        snapshot={
            "result": {"band_label": "Green", "score": 91.5},
            "decision": {
                "label": "Approve",
                "proposed_by": {"id": 3, "name": "Bea Manager"},
                "signed_off_by": {"id": 4, "name": "Dee DPO"},
            },
        },
    )


def test_a_decided_assessment_of_a_trust_school_is_shared_once():
    assessment = _decided()
    sharing.share(assessment, School(id=1, name="Oakfield", trust_id=9), actor_id=3, now=NOW)
    assert assessment.shared_at == NOW and assessment.shared_by_id == 3
    later = datetime(2026, 12, 2, tzinfo=UTC)
    sharing.share(assessment, School(id=1, name="Oakfield", trust_id=9), actor_id=5, now=later)
    assert assessment.shared_at == NOW and assessment.shared_by_id == 3
    sharing.unshare(assessment)
    assert assessment.shared_at is None


def test_a_draft_or_a_school_without_a_trust_cannot_share():
    with pytest.raises(sharing.SharingError, match="not part of a trust"):
        sharing.share(_decided(), School(id=1, name="Solo"), actor_id=3, now=NOW)
    draft = _decided()
    draft.status = AssessmentStatus.DRAFT
    with pytest.raises(sharing.SharingError, match="signed-off decision"):
        sharing.share(draft, School(id=1, name="Oakfield", trust_id=9), actor_id=3, now=NOW)


def test_other_schools_see_who_assessed_it_when_the_rating_and_the_decision():
    seen = sharing.summary_of(_decided(), "Oakfield", viewer_school_id=2)
    assert (seen.product, seen.supplier, seen.school_name) == (
        "Phonics Stars",
        "Acme Ltd",
        "Oakfield",
    )
    assert (seen.assessed_by, seen.signed_off_by) == ("Bea Manager", "Dee DPO")
    assert (seen.band_label, seen.score, seen.decision_label) == ("Green", 91.5, "Approve")
    assert seen.decided_on == date(2026, 12, 1) and not seen.own
    assert sharing.summary_of(_decided(), "Oakfield", viewer_school_id=1).own
