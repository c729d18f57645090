"""Builders shared by the procurement tests: registered products with a decided assessment (and a
frozen snapshot big enough to notice if a page loaded it), inserted without the questionnaire;
and helpers that walk the procurement pages with the test client (start a product, answer its
sections, propose and sign off, read a page's form as a browser would submit it)."""

import html
from datetime import date, timedelta
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from app.models import db
from app.models.base import utcnow
from app.models.procurement import Assessment, AssessmentStatus, Decision, Vendor
from app.services.procurement.decisions import snapshot_hash

BULKY_SNAPSHOT_QUESTIONS = 100


def decided_product(
    school,
    product: str,
    valid_until: date | None,
    *,
    decision: Decision = Decision.APPROVE,
    band: str = "green",
    draft_after: bool = False,
    commit: bool = True,
) -> Vendor:
    """A product with one decided assessment (and, if `draft_after`, a re-assessment draft)."""
    vendor = Vendor(school_id=school.id, name=f"{product} Ltd", product=product)
    db.session.add(vendor)
    created = utcnow() - timedelta(days=1)
    snapshot = {
        "result": {
            "band": band,
            "band_label": band.title(),
            "score": 81.5,
            "questions": [{"question_id": f"Q{i}", "note": "x" * 200}
                          for i in range(BULKY_SNAPSHOT_QUESTIONS)],
        }
    }  # fmt: skip
    vendor.assessments.append(
        Assessment(
            school_id=school.id,
            checklist_id="quick-edtech-check",
            checklist_version="1.0.0",
            checklist_definition={"sections": ["x" * 200] * 50},
            status=AssessmentStatus.DECIDED,
            decision=decision,
            decided_on=created.date(),
            valid_until=valid_until,
            snapshot=snapshot,
            snapshot_hash=snapshot_hash(snapshot),  # ratings are kept by it
            created_at=created,
        )  # fmt: skip
    )
    if draft_after:
        vendor.assessments.append(
            Assessment(
                school_id=school.id,
                checklist_id="quick-edtech-check",
                checklist_version="1.0.0",
                checklist_definition={},
                created_at=utcnow(),
            )  # fmt: skip
        )
    if commit:
        db.session.commit()
    return vendor


# --- walking the procurement pages with the test client ---------------------------------------

QUICK = "quick-edtech-check"
UK = "uk-schools-edtech"
QUICK_PROFILE = {"P01": ["pupils"], "P02": "yes", "P03": ["contact"]}
# Every quick-checklist question answered with its best option.
PREFERRED = {
    "Q01": "yes", "Q02": "processor_only", "Q03": "yes", "Q05": "no", "Q06": "no", "Q07": "yes",
    "Q08": "yes", "Q09": "yes", "Q10": "yes", "Q11": "no", "Q12": "yes", "Q13": "yes",
    "Q14": "yes", "Q15": "yes", "Q16": "iso27001", "Q17": "yes", "Q18": "yes", "Q19": "yes",
    "Q20": "yes",
}  # fmt: skip
EVIDENCE = "https://supplier.example/evidence"


def assessment_version(assessment_id: int) -> int:
    from sqlalchemy import select

    return db.session.execute(
        select(Assessment.version).where(Assessment.id == assessment_id)
    ).scalar_one()


def start_product(client, token, product="Phonics Stars", checklist=QUICK, profile=None):
    """Add a product and start an assessment with its profile answered: (vendor, assessment)."""
    response = client.post(
        "/procurement/vendors/new",
        data={"csrf_token": token, "product": product, "name": "Acme Learning"},
    )
    vendor_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(
        f"/procurement/vendors/{vendor_id}/assessments",
        data={"csrf_token": token, "checklist_id": checklist},
    )
    assessment_id = int(response.headers["Location"].split("/")[-2])
    response = client.post(
        f"/procurement/assessments/{assessment_id}/profile",
        data={"csrf_token": token, "version": "1", **(profile or QUICK_PROFILE)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return vendor_id, assessment_id


def best_answers(checklist) -> dict:
    """Each scored question's full-credit option (the first one, for multi-choice)."""
    answers = {}
    for question in checklist.questions.values():
        if question.scored:
            options = checklist.options_for(question)
            answers[question.id] = next(o.value for o in options if (o.credit or 0) >= 1)
    return answers


def answer_sections(client, token, assessment_id, answers: dict, evidence=True):
    """Post every section that applies, with `answers` (question id -> value) and evidence."""
    from flask import current_app

    from app.services.procurement.assessments import applicable_questions, checklist_for

    assessment = db.session.get(Assessment, assessment_id)
    db.session.refresh(assessment)
    checklist = checklist_for(assessment, current_app.extensions["content"].checklists)
    for section in checklist.sections:
        questions = applicable_questions(checklist, section, assessment.profile)
        if not questions:
            continue
        data = {"csrf_token": token}
        for question in questions:
            if question.id in answers:
                data[f"answer-{question.id}"] = answers[question.id]
                if evidence and question.scored:
                    data[f"evidence-{question.id}"] = EVIDENCE
        response = client.post(
            f"/procurement/assessments/{assessment_id}/sections/{section.id}", data=data
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]


def propose(client, token, assessment_id, outcome, reason="Reasons given", conditions=(),
            departure="", version=None):  # fmt: skip
    """POST the decision page. `conditions`: (text, owner value, supplier contact, due date)."""
    data = {
        "csrf_token": token,
        "version": str(version or assessment_version(assessment_id)),
        "outcome": outcome,
        "reason": reason,
        "departure_reason": departure,
    }
    for index, (text, owner, contact, due) in enumerate(conditions):
        data |= {f"conditions-{index}-text": text, f"conditions-{index}-owner": owner,
                 f"conditions-{index}-supplier_contact": contact,
                 f"conditions-{index}-due_on": str(due)}  # fmt: skip
    return client.post(f"/procurement/assessments/{assessment_id}/decision", data=data)


def sign(client, token, assessment_id, action="sign", accept=False, note=""):
    data = {"csrf_token": token, "version": str(assessment_version(assessment_id)),
            "action": action, "note": note}  # fmt: skip
    if accept:
        data["accept_departure"] = "y"
    return client.post(f"/procurement/assessments/{assessment_id}/sign-off", data=data)


class _FormReader(HTMLParser):
    """The fields a browser would submit from a page's forms: hidden and text inputs, checked
    radios and checkboxes, and textareas, as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, html.unescape("".join(self._text))))
            self._textarea = None


def form_fields(page: str) -> MultiDict:
    """What submitting the page's main form would send, as it stands."""
    reader = _FormReader()
    reader.feed(page[page.index("<main") :])
    return MultiDict(reader.fields)


def set_field(fields: MultiDict, name: str, value: str) -> MultiDict:
    fields.setlist(name, [value])
    return fields
