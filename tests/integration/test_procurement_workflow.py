"""The procurement workflow through the test client: register, assess, propose and sign off,
read-only after a proposal, exports (audited), import, reviews due and compare."""

import io
import json
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEvent, db
from app.models.base import utcnow
from app.models.procurement import Assessment, AssessmentStatus, Vendor
from tests.procurement_helpers import (
    PREFERRED,
    QUICK,
    answer_sections,
    assessment_version,
    propose,
    sign,
    start_product,
)


def test_vendor_register_empty_state_search_and_validation(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    assert "No products registered yet" in client.get("/procurement/").get_data(as_text=True)
    token = csrf(client, "/procurement/vendors/new")
    response = client.post(
        "/procurement/vendors/new",
        data={"csrf_token": token, "product": "Maths Quest", "name": "", "website": "not a url"},
    )
    page = response.get_data(as_text=True)
    assert "Enter the supplier&#39;s name" in page and "Enter a full web address" in page
    assert 'value="Maths Quest"' in page  # nothing typed is lost
    start_product(client, token, "Maths Quest")
    start_product(client, token, "Reading Rocket")
    page = client.get("/procurement/?q=rocket").get_data(as_text=True)
    assert "Reading Rocket" in page, page[-4000:]
    assert "Maths Quest</a>" not in page
    page = client.get("/procurement/?status=in_progress").get_data(as_text=True)
    assert "Maths Quest" in page


def test_teacher_cannot_open_procurement(world, signed_in):
    assert signed_in(world.user("A", "teacher")).get("/procurement/").status_code == 403


def test_section_keeps_typed_answers_and_saves_the_valid_ones(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    url = f"/procurement/assessments/{assessment_id}/sections/contract"
    response = client.post(
        url,
        data={
            "csrf_token": token, "answer-Q01": "yes", "answer-Q02": "controller",
            "evidence-Q01": "see the shared drive", "note-Q02": "They analyse usage",
            "answer-Q04": "ftp://nope",
        },
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "each evidence link must be a web address" in page
    assert "enter a full web address" in page
    assert "see the shared drive" in page and "ftp://nope" in page
    saved = db.session.get(Assessment, assessment_id).answers_by_question()
    assert saved["Q02"].value == "controller" and "Q01" not in saved


def test_knockout_rejection_two_people_read_only_and_exports(world, signed_in, csrf):
    manager = signed_in(world.user("A", "business_manager"))
    dpo = signed_in(world.user("A", "dpo"))
    token = csrf(manager, "/procurement/vendors/new")
    vendor_id, assessment_id = start_product(manager, token)
    answer_sections(manager, token, assessment_id, PREFERRED | {"Q05": "yes"})
    page = manager.get(f"/procurement/assessments/{assessment_id}/review").get_data(as_text=True)
    assert "Red: do not approve" in page and "Knock-out: Q05" in page
    assert "cannot be approved in any form" in page
    response = propose(manager, token, assessment_id, "reject", "Sells pupil data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assessment = db.session.get(Assessment, assessment_id)
    db.session.refresh(assessment)
    assert assessment.status == AssessmentStatus.PROPOSED and not assessment.decided
    # Proposed: answers are locked before anyone signs.
    response = manager.post(
        f"/procurement/assessments/{assessment_id}/sections/contract",
        data={"csrf_token": token, "answer-Q01": "no"},
    )
    assert response.status_code == 302 and "/review" in response.headers["Location"]
    dpo_token = csrf(dpo, f"/procurement/assessments/{assessment_id}/sign-off")
    assert sign(dpo, dpo_token, assessment_id).status_code == 302
    db.session.refresh(assessment)
    assert assessment.decided and assessment.valid_until is None
    frozen = assessment.snapshot_hash
    response = manager.post(
        f"/procurement/assessments/{assessment_id}/sections/contract",
        data={"csrf_token": token, "answer-Q01": "no"},
    )
    assert response.status_code == 302 and "/review" in response.headers["Location"]
    assert db.session.get(Assessment, assessment_id).snapshot_hash == frozen
    # Exports.
    pdf = manager.get(f"/procurement/assessments/{assessment_id}/report.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Red: do not approve" in text and "Q05" in text and "Action plan" in text
    csv_text = manager.get(f"/procurement/assessments/{assessment_id}/export.csv").get_data(
        as_text=True
    )
    assert "Q05" in csv_text and "Points lost" in csv_text
    document = manager.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()
    assert document["checklist"] == {"id": QUICK, "version": "1.0.0"}
    assert document["export_id"] == db.session.get(Vendor, vendor_id).export_id
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("assessment_exported") == 3
    assert {"decision_proposed", "assessment_decided"} <= set(actions)
    # Re-assessment pre-fills and links to the last decision.
    response = manager.post(
        f"/procurement/assessments/{assessment_id}/reassess", data={"csrf_token": token}
    )
    new_id = int(response.headers["Location"].split("/")[-2])
    new = db.session.get(Assessment, new_id)
    assert new.previous_id == assessment_id and new.answers_by_question()["Q05"].value == "yes"
    # A second click does not start a second re-assessment.
    again = manager.post(
        f"/procurement/assessments/{assessment_id}/reassess", data={"csrf_token": token}
    )
    assert again.headers["Location"].endswith(f"/assessments/{new_id}")


def test_import_into_another_school(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED)
    document = client.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()
    other = signed_in(world.user("B", "dpo"))
    other_token = csrf(other, "/procurement/import")
    bad = other.post(
        "/procurement/import",
        data={"csrf_token": other_token, "document": (io.BytesIO(b'{"format": "x"}'), "x.json")},
    )
    assert "This is not an assessment exported from this service" in bad.get_data(as_text=True)
    response = other.post(
        "/procurement/import",
        data={"csrf_token": other_token,
              "document": (io.BytesIO(json.dumps(document).encode()), "a.json")},
    )  # fmt: skip
    assert response.status_code == 302
    imported = db.session.execute(
        select(Vendor).where(Vendor.school_id == world.school_b.id)
    ).scalar_one()
    assert imported.product == "Phonics Stars"
    assessment = imported.latest_assessment
    assert not assessment.decided and len(assessment.answers) == len(PREFERRED)
    review = other.get(f"/procurement/assessments/{assessment.id}/review").get_data(as_text=True)
    assert "Green: approve" in review


def test_compare_two_products(world, signed_in, csrf):
    client = signed_in(world.user("A", "dpo"))
    token = csrf(client, "/procurement/vendors/new")
    first, a1 = start_product(client, token, "Alpha")
    second, a2 = start_product(client, token, "Beta")
    answer_sections(client, token, a1, PREFERRED)
    answer_sections(client, token, a2, PREFERRED | {"Q13": "no"})
    page = client.get(f"/procurement/compare?vendor={first}&vendor={second}").get_data(as_text=True)
    assert "Side by side" in page and "Q13" in page and "Security" in page
    page = client.get(f"/procurement/compare?vendor={first}").get_data(as_text=True)
    assert "Choose between two and four products" in page


def test_a_conditional_approval_is_proposed_signed_and_lasts_six_months(world, signed_in, csrf):
    manager = signed_in(world.user("A", "business_manager"))
    dpo_user = world.user("A", "dpo")
    token = csrf(manager, "/procurement/vendors/new")
    _, assessment_id = start_product(manager, token)
    answer_sections(manager, token, assessment_id, PREFERRED | {"Q11": "yes"})  # a cap: amber
    due = utcnow().date() + timedelta(days=30)
    response = propose(
        manager, token, assessment_id, "conditional", "MFA by contract",
        conditions=[("Supplier turns on MFA for staff", f"user:{dpo_user.id}", "", due)],
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    dpo = signed_in(dpo_user)
    assert sign(dpo, csrf(dpo, "/procurement/"), assessment_id).status_code == 302
    assessment = db.session.get(Assessment, assessment_id)
    db.session.refresh(assessment)
    assert assessment.decided and assessment.decision == "conditional"
    assert (assessment.valid_until - assessment.decided_on).days in range(181, 185)
    [condition] = assessment.conditions
    assert (condition.owner_user_id, condition.due_on) == (dpo_user.id, due)
    assert assessment_version(assessment_id) == assessment.version
