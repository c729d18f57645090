"""The procurement workflow through the test client: register, assess, stale saves, decide,
read-only after decision, exports (audited), import, reviews due and compare."""

import io
import json
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEvent, db
from app.models.base import utcnow
from app.models.procurement import Assessment, Vendor

QUICK = "quick-edtech-check"
PREFERRED = {
    "Q01": "yes", "Q02": "processor_only", "Q03": "yes", "Q05": "no", "Q06": "no", "Q07": "yes",
    "Q08": "yes", "Q09": "yes", "Q10": "yes", "Q11": "no", "Q12": "yes", "Q13": "yes",
    "Q14": "yes", "Q15": "yes", "Q16": "iso27001", "Q17": "yes", "Q18": "yes", "Q19": "yes",
    "Q20": "yes",
}  # fmt: skip


def _start(client, token, product="Phonics Stars"):
    response = client.post(
        "/procurement/vendors/new",
        data={"csrf_token": token, "product": product, "name": "Acme Learning"},
    )
    vendor_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(
        f"/procurement/vendors/{vendor_id}/assessments",
        data={"csrf_token": token, "checklist_id": QUICK},
    )
    assessment_id = int(response.headers["Location"].split("/")[-2])
    client.post(
        f"/procurement/assessments/{assessment_id}/profile",
        data={
            "csrf_token": token,
            "version": "1",
            "P01": ["pupils"],
            "P02": "yes",
            "P03": ["contact"],
        },
    )
    return vendor_id, assessment_id


def _answer_all(client, token, assessment_id, overrides=None):
    answers = PREFERRED | (overrides or {})
    assessment = db.session.get(Assessment, assessment_id)
    db.session.refresh(assessment)
    data = {"csrf_token": token, "version": str(assessment.version)}
    for qid, value in answers.items():
        data[f"answer-{qid}"] = value
        data[f"evidence-{qid}"] = "https://supplier.example/evidence"
    for section in ("contract", "commercial-use", "pupils", "security", "retention"):
        response = client.post(
            f"/procurement/assessments/{assessment_id}/sections/{section}", data=data
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
        db.session.refresh(assessment)
        data["version"] = str(assessment.version)


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
    _start(client, token, "Maths Quest")
    _start(client, token, "Reading Rocket")
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
    _, assessment_id = _start(client, token)
    url = f"/procurement/assessments/{assessment_id}/sections/contract"
    response = client.post(
        url,
        data={
            "csrf_token": token, "version": "2", "answer-Q01": "yes", "answer-Q02": "controller",
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


def test_stale_save_is_refused_and_shows_the_other_persons_changes(world, signed_in, csrf):
    first = signed_in(world.user("A", "business_manager"))
    second = signed_in(world.user("A", "dpo"))
    token = csrf(first, "/procurement/vendors/new")
    _, assessment_id = _start(first, token)
    url = f"/procurement/assessments/{assessment_id}/sections/contract"
    other_token = csrf(second, url)
    assert (
        second.post(
            url, data={"csrf_token": other_token, "version": "2", "answer-Q01": "no"}
        ).status_code
        == 302
    )
    response = first.post(url, data={"csrf_token": token, "version": "2", "answer-Q01": "yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not saved" in page
    assert "Dpo" in page and "<strong>No</strong>" in page
    assert db.session.get(Assessment, assessment_id).answers_by_question()["Q01"].value == "no"
    # Saving again from the refreshed form is a deliberate overwrite.
    assert 'name="version" value="3"' in page
    first.post(url, data={"csrf_token": token, "version": "3", "answer-Q01": "yes"})
    db.session.expire_all()
    assert db.session.get(Assessment, assessment_id).answers_by_question()["Q01"].value == "yes"


def test_save_in_another_section_does_not_block(world, signed_in, csrf):
    first = signed_in(world.user("A", "business_manager"))
    second = signed_in(world.user("A", "dpo"))
    token = csrf(first, "/procurement/vendors/new")
    _, assessment_id = _start(first, token)
    base = f"/procurement/assessments/{assessment_id}/sections"
    other_token = csrf(second, f"{base}/security")
    second.post(
        f"{base}/security", data={"csrf_token": other_token, "version": "2", "answer-Q13": "yes"}
    )
    response = first.post(
        f"{base}/contract", data={"csrf_token": token, "version": "2", "answer-Q01": "yes"}
    )
    assert response.status_code == 302
    answers = db.session.get(Assessment, assessment_id).answers_by_question()
    assert answers["Q01"].value == "yes" and answers["Q13"].value == "yes"


def test_knockout_decision_snapshot_read_only_and_exports(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    vendor_id, assessment_id = _start(client, token)
    _answer_all(client, token, assessment_id, {"Q05": "yes"})
    page = client.get(f"/procurement/assessments/{assessment_id}/review").get_data(as_text=True)
    assert "Red: do not approve" in page and "Knock-out: Q05" in page
    response = client.post(
        f"/procurement/assessments/{assessment_id}/decision",
        data={"csrf_token": token, "version": "99", "outcome": "approve", "reason": "x",
              "signed_off_by": "B M"},
    )  # fmt: skip
    assert "Only a product in the top rating band" in response.get_data(as_text=True)
    due = (utcnow().date() + timedelta(days=30)).isoformat()
    version = db.session.get(Assessment, assessment_id).version
    response = client.post(
        f"/procurement/assessments/{assessment_id}/decision",
        data={"csrf_token": token, "version": str(version), "outcome": "conditional",
              "reason": "Supplier will stop selling data by contract", "signed_off_by": "B M",
              "conditions-0-text": "Contract clause banning sale", "conditions-0-owner": "Bursar",
              "conditions-0-due_on": due},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    assessment = db.session.get(Assessment, assessment_id)
    db.session.refresh(assessment)
    assert assessment.decided and assessment.valid_until.isoformat() == due
    assert assessment.snapshot["decision"]["departs_from_rating"] is True
    frozen = assessment.snapshot_hash
    # Read-only: a later save is redirected and changes nothing.
    response = client.post(
        f"/procurement/assessments/{assessment_id}/sections/contract",
        data={"csrf_token": token, "version": str(assessment.version), "answer-Q01": "no"},
    )
    assert response.status_code == 302 and "/review" in response.headers["Location"]
    assert db.session.get(Assessment, assessment_id).snapshot_hash == frozen
    # Exports.
    pdf = client.get(f"/procurement/assessments/{assessment_id}/report.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Red: do not approve" in text and "Q05" in text and "Action plan" in text
    csv_text = client.get(f"/procurement/assessments/{assessment_id}/export.csv").get_data(
        as_text=True
    )
    assert "Q05" in csv_text and "Points lost" in csv_text
    document = client.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()
    assert document["checklist"] == {"id": QUICK, "version": "1.0.0"}
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("assessment_exported") == 3 and "assessment_decided" in actions
    # Reviews due lists it (30 days away); re-assessment pre-fills and shows what changed.
    assert "Phonics Stars" in client.get("/procurement/reviews").get_data(as_text=True)
    response = client.post(
        f"/procurement/assessments/{assessment_id}/reassess", data={"csrf_token": token}
    )
    new_id = int(response.headers["Location"].split("/")[-2])
    new = db.session.get(Assessment, new_id)
    assert new.previous_id == assessment_id and new.answers_by_question()["Q05"].value == "yes"


def test_import_into_another_school(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = _start(client, token)
    _answer_all(client, token, assessment_id)
    document = client.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()
    other = signed_in(world.user("B", "dpo"))
    other_token = csrf(other, "/procurement/import")
    bad = other.post(
        "/procurement/import",
        data={"csrf_token": other_token, "document": (io.BytesIO(b'{"format": "x"}'), "x.json")},
    )
    assert "format" in bad.get_data(as_text=True)
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
    first, a1 = _start(client, token, "Alpha")
    second, a2 = _start(client, token, "Beta")
    _answer_all(client, token, a1)
    _answer_all(client, token, a2, {"Q13": "no"})
    page = client.get(f"/procurement/compare?vendor={first}&vendor={second}").get_data(as_text=True)
    assert "Side by side" in page and "Q13" in page and "Security" in page
    page = client.get(f"/procurement/compare?vendor={first}").get_data(as_text=True)
    assert "Choose between two and four products" in page
