"""Decisions a governor and an auditor can trust (issue 12 points 2, 3 and 9, and the scenario
tests): the rules hold through the service and the page for every role, a DPO user signs off or
sends back, both people are on the record and the report, and a refused or stale proposal keeps
everything typed."""

import io
from datetime import timedelta

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEvent, OutboxEmail, Role, db
from app.models.base import utcnow
from app.models.procurement import Assessment, AssessmentStatus
from app.services.procurement.decisions import ConditionInput, DecisionError, ProposalInput
from app.services.procurement.sign_off import propose, sign_off
from app.services.procurement.snapshots import live_snapshot
from tests.factories import make_user
from tests.procurement_helpers import (
    PREFERRED,
    QUICK,
    UK,
    answer_sections,
    assessment_version,
    best_answers,
    sign,
    start_product,
)
from tests.procurement_helpers import propose as propose_page

UK_PROFILE = {"P01": ["staff", "pupils"], "P02": "yes", "P03": ["contact", "attainment"],
              "P04": "up_to_250", "P05": "yes", "P06": "yes"}  # fmt: skip
DUE = utcnow().date() + timedelta(days=40)


def _checklists():
    return current_app.extensions["content"].checklists


def _assessed(client, token, checklist_id, answers, profile=None, evidence=True):
    _, assessment_id = start_product(client, token, checklist=checklist_id, profile=profile)
    answer_sections(client, token, assessment_id, answers, evidence=evidence)
    return db.session.get(Assessment, assessment_id)


def _built(school, checklist_id, answers, profile=None):
    """An assessment answered through the services (quicker than the pages, same rows)."""
    from app.models.procurement import Vendor
    from app.services.procurement.assessments import put_answer, start_assessment

    checklist = _checklists()[checklist_id]
    vendor = Vendor(school_id=school.id, name="Acme", product=f"Product {checklist_id}")
    db.session.add(vendor)
    now = utcnow()
    assessment = start_assessment(db.session, vendor, checklist, user_id=None, user_name="T",
                                  now=now)  # fmt: skip
    assessment.profile = profile or {"P01": ["pupils"], "P02": "yes", "P03": ["contact"]}
    assessment.profile_done = True
    for question_id, value in answers.items():
        put_answer(assessment, question_id, value, "", ["https://supplier.example/e"],
                   user_id=None, user_name="T", now=now)  # fmt: skip
    db.session.commit()
    return assessment


def _result(assessment):
    db.session.refresh(assessment)
    return live_snapshot(assessment, _checklists(), school_name="School A")


def _condition_row(owner):
    return [("Supplier signs the school's processing agreement", owner, "", DUE)]


# --- scenario: all best answers -------------------------------------------------------------


@pytest.mark.parametrize(("checklist_id", "profile"), [(QUICK, None), (UK, UK_PROFILE)])
def test_all_best_answers_give_the_top_band_and_can_be_approved(
    world, signed_in, csrf, checklist_id, profile
):
    manager, dpo = world.user("A", "business_manager"), world.user("A", "dpo")
    client = signed_in(manager)
    token = csrf(client, "/procurement/vendors/new")
    assessment = _assessed(client, token, checklist_id, best_answers(_checklists()[checklist_id]),
                           profile)  # fmt: skip
    snapshot = _result(assessment)
    assert snapshot["result"]["top_band"] and snapshot["result"]["score"] == 100
    assert snapshot["knockouts"] == {"fired": [], "unresolved": []}
    assert propose_page(client, token, assessment.id, "approve").status_code == 302
    signer = signed_in(dpo)
    assert sign(signer, csrf(signer, "/procurement/"), assessment.id).status_code == 302
    db.session.refresh(assessment)
    assert assessment.decided and assessment.decision == "approve"


# --- scenario: any fired knock-out, by any role, in any form --------------------------------


def _knockout_cases():
    from app import create_app

    checklists = create_app("testing").extensions["content"].checklists
    for checklist_id in (QUICK, UK):
        for question in checklists[checklist_id].questions.values():
            if question.knockout:
                yield checklist_id, question.id, question.knockout.when[0]


@pytest.mark.parametrize(("checklist_id", "question_id", "value"), list(_knockout_cases()))
def test_a_fired_knockout_cannot_be_approved_in_any_form_by_any_role(
    world, checklist_id, question_id, value
):
    answers = best_answers(_checklists()[checklist_id]) | {question_id: value}
    profile = UK_PROFILE if checklist_id == UK else None
    assessment = _built(world.school_a, checklist_id, answers, profile)
    everyone = make_user(world.school_a, "all@a.example", [r.value for r in Role])
    db.session.commit()
    assert _result(assessment)["knockouts"]["fired"][0]["question_id"] == question_id
    for proposer in (world.user("A", "business_manager"), world.user("A", "dpo"), everyone):
        for outcome in ("approve", "conditional"):
            proposal = ProposalInput(outcome, "We need it", "Only supplier", (
                ConditionInput("Stop it", "supplier", "Acme", DUE),))  # fmt: skip
            with pytest.raises(DecisionError, match="knock-out fired"):
                propose(db.session, assessment, proposal, proposer=proposer,
                        checklists=_checklists(), expected_version=assessment.version,
                        now=utcnow(), record=lambda *a, **k: None)  # fmt: skip
            db.session.rollback()
    assert db.session.get(Assessment, assessment.id).status == AssessmentStatus.DRAFT


def test_through_the_page_a_knockout_offers_only_rejection_and_refuses_any_approval(
    world, signed_in, csrf
):
    for role in ("business_manager", "dpo"):
        client = signed_in(world.user("A", role))
        token = csrf(client, "/procurement/vendors/new")
        assessment = _assessed(client, token, QUICK, PREFERRED | {"Q05": "yes"})
        page = client.get(f"/procurement/assessments/{assessment.id}/decision").get_data(
            as_text=True
        )
        assert 'value="reject"' in page
        assert 'value="approve"' not in page and 'value="conditional"' not in page
        for outcome in ("approve", "conditional"):
            response = propose_page(
                client, token, assessment.id, outcome, "We need it",
                _condition_row("supplier"), departure="Only supplier",
            )  # fmt: skip
            text = response.get_data(as_text=True)
            assert response.status_code == 200 and "cannot be approved in any form" in text
            assert "We need it" in text  # the typed reason is kept
        db.session.refresh(assessment)
        assert assessment.status == AssessmentStatus.DRAFT


def test_a_dpo_cannot_sign_off_an_approval_past_a_knockout_even_if_one_was_forged(
    world, signed_in, csrf
):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    assessment = _assessed(client, token, QUICK, PREFERRED | {"Q05": "yes"})
    # A proposal written straight into the database, past the proposing rules.
    snapshot = _result(assessment)
    assessment.snapshot, assessment.status = snapshot, AssessmentStatus.PROPOSED
    assessment.proposal = {"outcome": "approve", "reason": "Forged", "conditions": [],
                           "proposed_by": {"id": None, "name": "x"},
                           "proposed_on": utcnow().date().isoformat()}  # fmt: skip
    db.session.commit()
    with pytest.raises(DecisionError, match="knock-out fired"):
        sign_off(db.session, assessment, signer=world.user("A", "dpo"), accept_departure=True,
                 expected_version=assessment.version, now=utcnow(),
                 record=lambda *a, **k: None)  # fmt: skip


# --- scenario: everything "Not known" ---------------------------------------------------------


@pytest.mark.parametrize(("checklist_id", "profile"), [(QUICK, None), (UK, UK_PROFILE)])
def test_everything_not_known_cannot_be_approved_in_any_form(
    world, signed_in, csrf, checklist_id, profile
):
    client = signed_in(world.user("A", "dpo"))
    token = csrf(client, "/procurement/vendors/new")
    unknown = {q: "unknown" for q in best_answers(_checklists()[checklist_id])}
    assessment = _assessed(client, token, checklist_id, unknown, profile, evidence=False)
    snapshot = _result(assessment)
    assert snapshot["knockouts"]["unresolved"] and not snapshot["knockouts"]["fired"]
    for outcome in ("approve", "conditional"):
        response = propose_page(client, token, assessment.id, outcome, "Trust them",
                                _condition_row("supplier"), departure="Cheap")  # fmt: skip
        assert "Knock-out questions are not answered yet" in response.get_data(as_text=True)
    assert propose_page(client, token, assessment.id, "reject", "Nothing known").status_code == 302


# --- scenario: red by score ---------------------------------------------------------------------


def _red_by_score(school):
    """UK bank: knock-out questions answered well, everything else as badly as possible."""
    checklist = _checklists()[UK]
    worst = {}
    for question in checklist.questions.values():
        if question.scored:
            options = checklist.options_for(question)
            good = question.knockout is not None
            worst[question.id] = next(o.value for o in options if ((o.credit or 0) >= 1) == good)
    assessment = _built(school, UK, worst, UK_PROFILE)
    snapshot = _result(assessment)
    assert snapshot["result"]["score_band"] == "red" and not snapshot["knockouts"]["fired"]
    assert not snapshot["knockouts"]["unresolved"]
    return assessment


def test_red_by_score_is_approved_with_conditions_only_by_a_dpo_and_the_cover_says_so(
    world, signed_in, csrf
):
    manager_user, dpo_user = world.user("A", "business_manager"), world.user("A", "dpo")
    manager = signed_in(manager_user)
    token = csrf(manager, "/procurement/vendors/new")
    assessment = _red_by_score(world.school_a)
    no_departure = propose_page(manager, token, assessment.id, "conditional", "Needed for SATs",
                                _condition_row(f"user:{manager_user.id}"))  # fmt: skip
    assert "give the reason for departing" in no_departure.get_data(as_text=True)
    response = propose_page(manager, token, assessment.id, "conditional", "Needed for SATs",
                            _condition_row(f"user:{manager_user.id}"),
                            departure="The only tool the exam board supports")  # fmt: skip
    assert response.status_code == 302
    # The business manager cannot sign it off.
    assert sign(manager, token, assessment.id, accept=True).status_code == 403
    dpo = signed_in(dpo_user)
    dpo_token = csrf(dpo, "/procurement/")
    refused = sign(dpo, dpo_token, assessment.id)  # the departure not accepted
    assert "confirm that you accept the departure" in refused.get_data(as_text=True)
    assert sign(dpo, dpo_token, assessment.id, accept=True).status_code == 302
    db.session.refresh(assessment)
    record = assessment.snapshot["decision"]
    assert assessment.decided and record["departs_from_rating"] is True
    assert record["signed_off_by"] == {"id": dpo_user.id, "name": dpo_user.display_name}
    pdf = manager.get(f"/procurement/assessments/{assessment.id}/report.pdf").data
    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "This decision departs from the rating" in cover
    assert "The only tool the exam board supports" in cover
    assert f"{dpo_user.display_name} (DPO) accepted the departure" in cover


# --- two people, on the record ----------------------------------------------------------------


def test_proposer_and_signer_are_users_on_the_record_and_the_report(world, signed_in, csrf):
    manager_user, dpo_user = world.user("A", "business_manager"), world.user("A", "dpo")
    manager = signed_in(manager_user)
    token = csrf(manager, "/procurement/vendors/new")
    assessment = _assessed(manager, token, QUICK, PREFERRED)
    page = manager.get(f"/procurement/assessments/{assessment.id}/decision").get_data(as_text=True)
    assert "Signed off by" not in page and 'name="signed_off_by"' not in page  # no typed names
    response = manager.post(
        f"/procurement/assessments/{assessment.id}/decision",
        data={"csrf_token": token, "version": str(assessment_version(assessment.id)),
              "outcome": "approve", "reason": "Meets everything", "signed_off_by": "Dina DPO"},
    )  # fmt: skip
    assert response.status_code == 302
    dpo = signed_in(dpo_user)
    assert sign(dpo, csrf(dpo, "/procurement/"), assessment.id).status_code == 302
    db.session.refresh(assessment)
    record = assessment.snapshot["decision"]
    assert record["proposed_by"] == {"id": manager_user.id, "name": manager_user.display_name}
    assert record["signed_off_by"] == {"id": dpo_user.id, "name": dpo_user.display_name}
    assert record["signer_is_proposer"] is False and "Dina DPO" not in str(assessment.snapshot)
    assert assessment.decided_by_id == dpo_user.id and assessment.proposed_by_id == manager_user.id
    review = manager.get(f"/procurement/assessments/{assessment.id}/review").get_data(as_text=True)
    assert (
        f"{manager_user.display_name} on" in review and f"{dpo_user.display_name} (DPO)" in review
    )
    pdf = manager.get(f"/procurement/assessments/{assessment.id}/report.pdf").data
    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Proposed by" in cover and manager_user.display_name in cover
    assert f"{dpo_user.display_name} (DPO)" in cover
    actions = [(e.action, e.actor_id) for e in db.session.execute(select(AuditEvent)).scalars()]
    assert ("decision_proposed", manager_user.id) in actions
    assert ("assessment_decided", dpo_user.id) in actions


def test_a_proposal_emails_the_schools_dpos_a_link_to_sign_it_off(world, signed_in, csrf):
    manager_user, dpo_user = world.user("A", "business_manager"), world.user("A", "dpo")
    manager = signed_in(manager_user)
    token = csrf(manager, "/procurement/vendors/new")
    assessment = _assessed(manager, token, QUICK, PREFERRED)
    assert propose_page(manager, token, assessment.id, "approve").status_code == 302
    emails = db.session.execute(select(OutboxEmail)).scalars().all()
    assert [e.recipient for e in emails] == [dpo_user.email]  # not the other school's DPO
    assert "waiting for your sign-off" in emails[0].subject
    assert f"/procurement/assessments/{assessment.id}/sign-off" in emails[0].body
    assert manager_user.display_name in emails[0].body and "Approve" in emails[0].body


def test_the_sign_off_email_names_the_decision_in_each_recipients_language(world, signed_in, csrf):
    manager_user, english_dpo = world.user("A", "business_manager"), world.user("A", "dpo")
    welsh_dpo = make_user(world.school_a, "dpo2@a.example", [Role.DPO], name="Dewi DPO")
    welsh_dpo.locale = "cy"
    manager_user.locale = "cy"  # the proposer reads Welsh; the first DPO does not
    db.session.commit()
    manager = signed_in(manager_user)
    token = csrf(manager, "/procurement/vendors/new")
    assessment = _assessed(manager, token, QUICK, PREFERRED)
    assert propose_page(manager, token, assessment.id, "approve").status_code == 302
    bodies = dict(db.session.execute(select(OutboxEmail.recipient, OutboxEmail.body)).all())
    english, welsh = bodies[english_dpo.email], bodies[welsh_dpo.email]
    assert "has proposed a decision" in english and ": Approve." in english
    assert "Cymeradwyo" not in english
    assert ": Cymeradwyo." in welsh and "Approve" not in welsh


def test_a_dpo_who_proposed_can_sign_and_the_record_says_so(world, signed_in, csrf):
    dpo_user = world.user("A", "dpo")
    dpo = signed_in(dpo_user)
    token = csrf(dpo, "/procurement/vendors/new")
    assessment = _assessed(dpo, token, QUICK, PREFERRED)
    assert propose_page(dpo, token, assessment.id, "approve").status_code == 302
    page = dpo.get(f"/procurement/assessments/{assessment.id}/sign-off").get_data(as_text=True)
    assert "You proposed this decision" in page
    assert sign(dpo, token, assessment.id).status_code == 302
    db.session.refresh(assessment)
    assert assessment.snapshot["decision"]["signer_is_proposer"] is True
    review = dpo.get(f"/procurement/assessments/{assessment.id}/review").get_data(as_text=True)
    assert "The DPO also proposed this decision" in review


def test_a_dpo_of_another_school_or_a_manager_cannot_sign(world, signed_in, csrf):
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/vendors/new")
    assessment = _assessed(manager, token, QUICK, PREFERRED)
    assert propose_page(manager, token, assessment.id, "approve").status_code == 302
    page = manager.get(f"/procurement/assessments/{assessment.id}/sign-off").get_data(as_text=True)
    assert "Decision awaiting sign-off" in page and 'name="action"' not in page
    assert sign(manager, token, assessment.id).status_code == 403
    outsider = signed_in(world.user("B", "dpo"))
    assert sign(outsider, csrf(outsider, "/procurement/"), assessment.id).status_code == 404


def test_sending_back_returns_to_draft_with_the_note_and_the_proposal_filled_in(
    world, signed_in, csrf
):
    manager_user = world.user("A", "business_manager")
    manager = signed_in(manager_user)
    token = csrf(manager, "/procurement/vendors/new")
    assessment = _assessed(manager, token, QUICK, PREFERRED | {"Q11": "yes"})
    conditions = [("Turn on MFA", "supplier", "Sam at Acme", DUE)]
    response = propose_page(manager, token, assessment.id, "conditional", "MFA soon", conditions)
    assert response.status_code == 302
    dpo = signed_in(world.user("A", "dpo"))
    dpo_token = csrf(dpo, "/procurement/")
    empty_note = sign(dpo, dpo_token, assessment.id, action="send_back")
    assert "Say why you are sending the decision back" in empty_note.get_data(as_text=True)
    note = "Ask for the MFA date in writing first"
    assert sign(dpo, dpo_token, assessment.id, action="send_back", note=note).status_code == 302
    db.session.refresh(assessment)
    assert assessment.status == AssessmentStatus.DRAFT and assessment.snapshot is None
    page = manager.get(f"/procurement/assessments/{assessment.id}/decision").get_data(as_text=True)
    assert note in page and "MFA soon" in page and "Sam at Acme" in page and "Turn on MFA" in page
    task_list = manager.get(f"/procurement/assessments/{assessment.id}").get_data(as_text=True)
    assert "Sent back" in task_list and note in task_list


def test_a_stale_proposal_keeps_everything_typed_and_shows_the_new_result(world, signed_in, csrf):
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/vendors/new")
    assessment = _assessed(manager, token, QUICK, PREFERRED | {"Q11": "yes"})
    opened_at = assessment_version(assessment.id)
    colleague = signed_in(world.user("A", "dpo"))
    colleague.post(f"/procurement/assessments/{assessment.id}/sections/security",
                   data={"csrf_token": csrf(colleague, "/procurement/"), "answer-Q14": "no",
                         "note-Q14": "Still no MFA", "answer-Q13": "yes", "answer-Q15": "yes",
                         "answer-Q16": "iso27001"})  # fmt: skip
    response = propose_page(manager, token, assessment.id, "conditional", "Typed with care",
                            [("Turn on MFA", "supplier", "Sam at Acme", DUE)],
                            version=opened_at)  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone changed the answers" in page
    for typed in ("Typed with care", "Turn on MFA", "Sam at Acme", DUE.isoformat()):
        assert typed in page
    assert 'value="conditional" checked' in page
    db.session.refresh(assessment)
    assert assessment.status == AssessmentStatus.DRAFT
    assert f'name="version" value="{assessment.version}"' in page  # proposing again works


def test_an_outcome_that_is_not_one_of_the_three_is_named_plainly(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    assessment = _assessed(client, token, QUICK, PREFERRED)
    page = propose_page(client, token, assessment.id, "maybe", "Hmm").get_data(as_text=True)
    assert "Choose approve, approve with conditions or reject" in page and "Hmm" in page


def test_a_school_without_a_dpo_is_told_no_one_can_sign_yet(world, signed_in, csrf):
    dpo = world.user("A", "dpo")
    dpo.set_roles(["teacher"])
    db.session.commit()
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    assessment = _assessed(client, token, QUICK, PREFERRED)
    page = client.get(f"/procurement/assessments/{assessment.id}/decision").get_data(as_text=True)
    assert "Your school has no user with the DPO role" in page
