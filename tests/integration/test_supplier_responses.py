"""Supplier responses through the pages: the business manager invites a supplier contact; the
supplier (no account) answers, saves and submits through the link; the school accepts, queries
and overrides; provenance reaches the review page, the report and the export; every supplier
action is audited; and a link that was revoked, expired or tampered with gets a clear 4xx."""

import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEvent, OutboxEmail, db
from app.models.base import utcnow
from app.models.procurement import Answer, AnswerSource, SupplierInvitation, SupplierReview
from tests.factories import csrf_token, set_clock
from tests.procurement_helpers import start_product

LINK = re.compile(r"http://localhost(/procurement/supplier/[^\s]+)")


def _invite(client, token, assessment_id, email="sam@acme.example"):
    return client.post(
        f"/procurement/assessments/{assessment_id}/supplier",
        data={"csrf_token": token, "contact_name": "Sam Supplier", "contact_email": email},
    )


def _link(email="sam@acme.example") -> str:
    newest = OutboxEmail.id.desc()
    body = db.session.execute(
        select(OutboxEmail.body).where(OutboxEmail.recipient == email).order_by(newest)
    ).scalars().first()  # fmt: skip
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def _school(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors")
    _, assessment_id = start_product(client, token)
    return client, token, assessment_id


def _answers(assessment_id) -> dict[str, Answer]:
    db.session.expire_all()
    rows = db.session.execute(select(Answer).where(Answer.assessment_id == assessment_id))
    return {a.question_id: a for a in rows.scalars()}


def test_the_supplier_answers_and_the_school_reviews_each_answer(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    response = _invite(school, token, assessment_id)
    assert response.status_code == 302
    link = _link()
    supplier = app.test_client()
    home = supplier.get(link)
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert "Sam Supplier" in page and "Phonics Stars" in page
    supplier_token = csrf_token(supplier, link)
    section = supplier.get(f"{link}/sections/contract")
    assert section.status_code == 200
    assert 'name="answer-Q01"' in section.get_data(as_text=True)
    assert "P01" not in section.get_data(as_text=True)  # the profile stays the school's
    saved = supplier.post(
        f"{link}/sections/contract",
        data={
            "csrf_token": supplier_token,
            "answer-Q01": "yes",
            "note-Q01": "Clause 4 of our DPA",
            "answer-Q02": "processor_only",
            "answer-Q03": "yes",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    answers = _answers(assessment_id)
    assert answers["Q01"].source == AnswerSource.SUPPLIER
    assert answers["Q01"].review == SupplierReview.PENDING
    assert answers["Q01"].updated_by_name == "Sam Supplier (supplier)"
    assert supplier.post(f"{link}/submit", data={"csrf_token": supplier_token}).status_code == 302

    # The school queries Q01, overrides Q02 and accepts the rest.
    review_url = f"/procurement/assessments/{assessment_id}/supplier/answers"
    queried = school.post(
        f"{review_url}/Q01",
        data={"csrf_token": token, "action": "query", "review_note": "Which clause exactly?"},
    )
    assert queried.status_code == 302
    missing_reason = school.post(
        f"{review_url}/Q02",
        data={"csrf_token": token, "action": "override", "answer-Q02": "controller"},
    )
    assert missing_reason.status_code == 400
    assert 'value="controller" checked' in missing_reason.get_data(as_text=True)
    overridden = school.post(
        f"{review_url}/Q02",
        data={
            "csrf_token": token,
            "action": "override",
            "answer-Q02": "some_controller",
            "review_note": "Their terms say they decide purposes for analytics",
        },
    )
    assert overridden.status_code == 302, overridden.get_data(as_text=True)[-2000:]

    # After submitting, the supplier can change only the queried answer.
    section = supplier.get(f"{link}/sections/contract").get_data(as_text=True)
    assert "Which clause exactly?" in section
    assert 'name="answer-Q01"' in section and 'name="answer-Q02"' not in section
    changed = supplier.post(
        f"{link}/sections/contract",
        data={
            "csrf_token": supplier_token,
            "answer-Q01": "yes",
            "note-Q01": "Clause 4.2",
            "answer-Q02": "processor_only",  # not editable any more: ignored
        },
    )
    assert changed.status_code == 302
    answers = _answers(assessment_id)
    assert answers["Q01"].note == "Clause 4.2"
    assert answers["Q01"].review == SupplierReview.PENDING
    assert answers["Q02"].value == "some_controller"
    assert answers["Q02"].supplier_value == "processor_only"
    accepted = school.post(
        f"/procurement/assessments/{assessment_id}/supplier/accept-remaining",
        data={"csrf_token": token},
    )
    assert accepted.status_code == 302
    answers = _answers(assessment_id)
    assert answers["Q01"].provenance.value == "school-verified"
    assert answers["Q02"].provenance.value == "school-overridden"

    review = school.get(f"/procurement/assessments/{assessment_id}/review").get_data(as_text=True)
    assert "School-verified" in review and "School-overridden" in review
    assert "Their terms say they decide purposes for analytics" in review
    listing = school.get(f"/procurement/assessments/{assessment_id}/supplier")
    assert "School-overridden" in listing.get_data(as_text=True)

    csv_body = school.get(f"/procurement/assessments/{assessment_id}/export.csv").get_data(
        as_text=True
    )
    assert "School-overridden; the supplier said “" in csv_body and "School-verified" in csv_body
    exported = school.get(f"/procurement/assessments/{assessment_id}/export.json").get_json()
    sources = {a["question_id"]: a["provenance"] for a in exported["answers"]}
    assert sources["Q01"] == "school-verified" and sources["Q02"] == "school-overridden"
    texts = {}
    for document in ("report.pdf", "answers.pdf"):
        pdf = school.get(f"/procurement/assessments/{assessment_id}/{document}")
        assert pdf.status_code == 200
        pages = PdfReader(io.BytesIO(pdf.data)).pages
        texts[document] = " ".join(page.extract_text() for page in pages)
    assert "Where the answers came from" in texts["report.pdf"]  # the governors' summary
    for text in texts.values():  # the summary's counts, then every answer's own source
        assert "School-overridden" in text and "School-verified" in text

    from app.services.oversight.audit_text import describe, resolve_names

    events = list(db.session.execute(select(AuditEvent)).scalars())
    names = resolve_names(db.session, events, {})
    sentences = " | ".join(describe(event, names) for event in events)
    assert "The supplier sam@acme.example sent its answers for Phonics Stars" in sentences
    assert "Sent sam@acme.example a link to answer for Phonics Stars" in sentences
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {
        "supplier_invited",
        "supplier_answers_saved",
        "supplier_submitted",
        "supplier_answer_reviewed",
    } <= actions


def test_inviting_needs_a_name_and_a_real_address_and_keeps_what_was_typed(world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    response = _invite(school, token, assessment_id, email="not an address")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'value="not an address"' in page
    assert db.session.execute(select(SupplierInvitation)).first() is None


def test_a_revoked_link_gets_a_clear_page_and_changes_nothing(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    link = _link()
    supplier = app.test_client()
    supplier_token = csrf_token(supplier, link)
    invitation = db.session.execute(select(SupplierInvitation)).scalar_one()
    revoked = school.post(
        f"/procurement/assessments/{assessment_id}/supplier/links/{invitation.id}/revoke",
        data={"csrf_token": token},
    )
    assert revoked.status_code == 302
    page = supplier.get(link)
    assert page.status_code == 410
    assert "This link has been withdrawn" in page.get_data(as_text=True)
    post = supplier.post(
        f"{link}/sections/contract", data={"csrf_token": supplier_token, "answer-Q01": "yes"}
    )
    assert post.status_code == 410
    assert _answers(assessment_id) == {}


def test_inviting_again_withdraws_the_earlier_link(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    first = _link()
    _invite(school, token, assessment_id)
    assert _link() != first
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(_link()).status_code == 200


def test_an_expired_link_gets_a_clear_page(app, world, signed_in, csrf, monkeypatch):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    link = _link()
    set_clock(monkeypatch, utcnow() + timedelta(days=31))
    page = app.test_client().get(link)
    assert page.status_code == 410
    assert "This link has expired" in page.get_data(as_text=True)


def test_a_tampered_or_made_up_token_is_not_found(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    link = _link()
    client = app.test_client()
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    for url in (tampered, "/procurement/supplier/made-up", link + "x"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert "This link does not work" in page.get_data(as_text=True)
    section = client.post(f"{tampered}/sections/contract", data={"answer-Q01": "yes"})
    assert section.status_code in (400, 404)
    assert _answers(assessment_id) == {}


def test_the_supplier_link_opens_no_school_page(app, world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    supplier = app.test_client()
    supplier.get(_link())
    for url in (
        f"/procurement/assessments/{assessment_id}",
        f"/procurement/assessments/{assessment_id}/review",
        f"/procurement/assessments/{assessment_id}/supplier",
        f"/procurement/assessments/{assessment_id}/supplier/answers/Q01",
        "/procurement/reviews",
        "/admin/staff",
    ):
        response = supplier.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url
    post = supplier.post(
        f"/procurement/assessments/{assessment_id}/supplier/accept-remaining",
        data={"csrf_token": csrf_token(supplier, _link())},
    )
    assert post.status_code in (302, 400) and "/sign-in" in post.headers.get("Location", "/sign-in")


def test_another_schools_user_cannot_see_or_review_the_supplier_answers(world, signed_in, csrf):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    outsider = signed_in(world.user("B", "business_manager"))
    outsider_token = csrf(outsider, "/procurement/vendors")
    assert outsider.get(f"/procurement/assessments/{assessment_id}/supplier").status_code == 404
    invitation = db.session.execute(select(SupplierInvitation)).scalar_one()
    revoke = outsider.post(
        f"/procurement/assessments/{assessment_id}/supplier/links/{invitation.id}/revoke",
        data={"csrf_token": outsider_token},
    )
    assert revoke.status_code == 404
    db.session.refresh(invitation)
    assert invitation.revoked_at is None


def test_the_supplier_link_is_rate_limited(app, world, signed_in, csrf):
    from app.extensions import limiter

    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    link = _link()
    app.config["SUPPLIER_LINK_LIMIT_PER_IP"] = "3 per minute"
    limiter.reset()
    try:
        client = app.test_client()
        statuses = [client.get(link).status_code for _ in range(5)]
    finally:
        app.config["SUPPLIER_LINK_LIMIT_PER_IP"] = "120 per minute"
        limiter.reset()
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429


def test_a_supplier_is_offered_its_earlier_answers_about_the_same_product(
    app, world, signed_in, csrf
):
    school, token, assessment_id = _school(world, signed_in, csrf)
    _invite(school, token, assessment_id)
    first = _link()
    supplier = app.test_client()
    supplier_token = csrf_token(supplier, first)
    supplier.post(
        f"{first}/sections/contract",
        data={"csrf_token": supplier_token, "answer-Q01": "yes", "note-Q01": "Clause 4"},
    )
    assert supplier.post(f"{first}/submit", data={"csrf_token": supplier_token}).status_code == 302
    # The school overrides it: the supplier is still offered its own answer, not the school's.
    school.post(
        f"/procurement/assessments/{assessment_id}/supplier/answers/Q01",
        data={"csrf_token": token, "action": "override", "answer-Q01": "no",
              "review_note": "Our reading differs"},
    )  # fmt: skip

    other = signed_in(world.user("B", "business_manager"))
    other_token = csrf(other, "/procurement/")
    _, other_id = start_product(other, other_token)
    _invite(other, other_token, other_id)
    second = _link()
    assert second != first
    page = supplier.get(f"{second}/sections/contract").get_data(as_text=True)
    assert "Filled in from the answer you sent on" in page
    assert 'value="yes" checked' in page and "Clause 4" in page
    assert "Our reading differs" not in page

    # Accepting after all puts the supplier's own answer back.
    school.post(
        f"/procurement/assessments/{assessment_id}/supplier/answers/Q01",
        data={"csrf_token": token, "action": "accept"},
    )
    restored = _answers(assessment_id)["Q01"]
    assert (restored.value, restored.note, restored.supplier_value) == ("yes", "Clause 4", None)
    assert restored.provenance.value == "school-verified"
    assert _answers(other_id) == {}  # offered, not saved until the supplier saves

    _invite(other, other_token, other_id, email="someone.else@acme.example")
    stranger = app.test_client()
    page = stranger.get(f"{_link('someone.else@acme.example')}/sections/contract")
    assert "Filled in from the answer you sent on" not in page.get_data(as_text=True)


def test_ids_of_another_assessment_in_the_urls_are_not_found(app, world, signed_in, csrf):
    school, token, first_id = _school(world, signed_in, csrf)
    _invite(school, token, first_id)
    _, second_id = start_product(school, token, product="Maths Maze")
    invitation = db.session.execute(select(SupplierInvitation)).scalar_one()
    revoke = school.post(
        f"/procurement/assessments/{second_id}/supplier/links/{invitation.id}/revoke",
        data={"csrf_token": token},
    )
    assert revoke.status_code == 404
    db.session.refresh(invitation)
    assert invitation.revoked_at is None
    # No supplier answer on the second assessment: nothing to review there.
    assert (
        school.get(f"/procurement/assessments/{second_id}/supplier/answers/Q01").status_code == 404
    )
    assert (
        school.get(f"/procurement/assessments/{second_id}/supplier/answers/ZZ9").status_code == 404
    )
