"""Supplier-response rules without the app: the signed link token, the invitation form, whether
a link still works, which questions a supplier sees and may change, the review form, and where
an answer came from (its provenance)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from app.content.checklists import Checklist, load_checklist_file
from app.models.procurement import (
    Answer,
    AnswerSource,
    Assessment,
    AssessmentStatus,
    Provenance,
    SupplierInvitation,
    SupplierReview,
)
from app.services.procurement import supplier_responses as responses

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checklists"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KEY = "unit-test-key"


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    loaded, problems = load_checklist_file(FIXTURES / "valid-minimal.yaml", FIXTURES)
    assert not problems
    return loaded


def _invitation(**values: object) -> SupplierInvitation:
    assessment = Assessment(status=AssessmentStatus.DRAFT, profile={"P01": "yes"}, answers=[])
    invitation = SupplierInvitation(
        assessment=assessment,
        contact_name="Sam",
        contact_email="sam@acme.example",
        token_hash="0" * 64,
        created_at=NOW,
        expires_at=NOW + timedelta(days=30),
    )
    for name, value in values.items():
        setattr(invitation, name, value)
    return invitation


def _answer(**values: object) -> Answer:
    answer = Answer(question_id="Q01", value="yes", note="", evidence=[])
    for name, value in values.items():
        setattr(answer, name, value)
    return answer


# --- the link token ----------------------------------------------------------------------------


def test_a_token_reads_back_to_the_hash_that_is_stored():
    token, stored = responses.new_link_token(KEY)
    assert responses.read_link_token(KEY, token, 3600) == stored
    assert len(stored) == 64 and stored not in token


def test_a_tampered_token_or_another_key_or_salt_is_refused():
    token, _ = responses.new_link_token(KEY)
    assert responses.read_link_token(KEY, token[:-2] + "xx", 3600) is None
    assert responses.read_link_token("another-key", token, 3600) is None
    assert responses.read_link_token(KEY, "made-up", 3600) is None
    assert responses.read_link_token(KEY, "x" * 5000, 3600) is None
    from itsdangerous import URLSafeTimedSerializer

    invitation_token = URLSafeTimedSerializer(KEY, salt="invitation").dumps("secret")
    assert responses.read_link_token(KEY, invitation_token, 3600) is None


def test_a_token_older_than_the_link_lifetime_is_refused():
    token, _ = responses.new_link_token(KEY)
    assert responses.read_link_token(KEY, token, -1) is None


# --- inviting ----------------------------------------------------------------------------------


def test_the_invitation_form_needs_a_name_and_a_real_address():
    form = responses.parse_invite_form(MultiDict({"contact_name": " ", "contact_email": "nope"}))
    assert set(form.errors) == {"contact_name", "contact_email"}
    assert form.contact_email == "nope"  # kept, to show again
    good = responses.parse_invite_form(
        MultiDict({"contact_name": " Sam ", "contact_email": "sam@acme.example "})
    )
    assert good.errors == {} and good.contact_name == "Sam"
    long_name = responses.parse_invite_form(
        MultiDict({"contact_name": "x" * 201, "contact_email": "sam@acme.example"})
    )
    assert "contact_name" in long_name.errors


# --- whether a link works ----------------------------------------------------------------------


def test_a_link_is_open_until_it_is_revoked_expires_or_the_assessment_closes():
    assert responses.link_state(_invitation(), NOW) == responses.LinkState.OPEN
    assert responses.link_state(_invitation(revoked_at=NOW), NOW) == responses.LinkState.REVOKED
    expired = _invitation()
    assert responses.link_state(expired, NOW + timedelta(days=30)) == responses.LinkState.EXPIRED
    closed = _invitation()
    closed.assessment.status = AssessmentStatus.PROPOSED
    assert responses.link_state(closed, NOW) == responses.LinkState.CLOSED


def test_revoking_stops_an_open_link_once():
    invitation = _invitation()
    assert responses.revoke(invitation, actor_id=1, now=NOW)
    assert invitation.revoked_at == NOW and invitation.revoked_by_id == 1
    assert not responses.revoke(invitation, actor_id=2, now=NOW)
    assert invitation.revoked_by_id == 1


# --- what the supplier sees and may change -----------------------------------------------------


def test_the_supplier_sees_scored_questions_that_apply_not_the_profile(checklist):
    assessment = Assessment(profile={"P01": "no"}, answers=[])
    seen = {
        section.id: [q.id for q in questions]
        for section, questions in responses.supplier_sections(checklist, assessment)
    }
    assert "Q04" not in sum(seen.values(), [])  # weight 0: a note for the school
    assert not any(qid.startswith("P") for qid in sum(seen.values(), []))
    assert seen["contract"] == ["Q01", "Q02"]


def test_before_submitting_the_supplier_may_change_its_unreviewed_answers():
    invitation = _invitation()
    assert responses.editable(invitation, None)
    mine = _answer(source=AnswerSource.SUPPLIER, review=SupplierReview.PENDING)
    assert responses.editable(invitation, mine)
    for review in (SupplierReview.ACCEPTED, SupplierReview.OVERRIDDEN):
        assert not responses.editable(
            invitation, _answer(source=AnswerSource.SUPPLIER, review=review)
        )
    assert not responses.editable(invitation, _answer(source=None))  # the school's own


def test_after_submitting_only_queried_answers_can_change():
    invitation = _invitation(submitted_at=NOW)
    assert not responses.editable(invitation, None)
    pending = _answer(source=AnswerSource.SUPPLIER, review=SupplierReview.PENDING)
    assert not responses.editable(invitation, pending)
    queried = _answer(source=AnswerSource.SUPPLIER, review=SupplierReview.QUERIED)
    assert responses.editable(invitation, queried)


# --- the school's review -----------------------------------------------------------------------


def test_a_query_needs_a_note_and_an_override_needs_a_reason_and_an_answer(checklist):
    question = checklist.questions["Q01"]
    empty = responses.parse_review_form(checklist, question, MultiDict({}))
    assert "action" in empty.errors
    query = responses.parse_review_form(checklist, question, MultiDict({"action": "query"}))
    assert "review_note" in query.errors
    override = responses.parse_review_form(
        checklist, question, MultiDict({"action": "override", "answer-Q01": "maybe"})
    )
    assert {"review_note", "answer-Q01"} <= set(override.errors)
    good = responses.parse_review_form(
        checklist,
        question,
        MultiDict({"action": "override", "answer-Q01": "no", "review_note": "Their DPA says so"}),
    )
    assert good.errors == {} and good.override.typed["Q01"].value == "no"
    odd = responses.parse_review_form(checklist, question, MultiDict({"action": "delete"}))
    assert "action" in odd.errors


def test_provenance_follows_the_source_and_the_review():
    assert _answer().provenance == Provenance.SCHOOL
    stated = {"source": AnswerSource.SUPPLIER}
    assert _answer(**stated, review=SupplierReview.PENDING).provenance == Provenance.SUPPLIER_STATED
    assert _answer(**stated, review=SupplierReview.QUERIED).provenance == Provenance.SUPPLIER_STATED
    assert (
        _answer(**stated, review=SupplierReview.ACCEPTED).provenance == Provenance.SCHOOL_VERIFIED
    )
    assert (
        _answer(**stated, review=SupplierReview.OVERRIDDEN).provenance
        == Provenance.SCHOOL_OVERRIDDEN
    )
    assert Provenance.SCHOOL_OVERRIDDEN.label == "School-overridden"
