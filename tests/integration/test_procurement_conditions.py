"""Conditions tracked to done (issue 12 point 4): text, owner and due date all required (a
half-filled row is an error and nothing typed is lost), marked met with a note and evidence,
and an overdue one shown on Reviews due, the register, the dashboard and the reminder email."""

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.models import AuditEvent, OutboxEmail, db
from app.models.procurement import Assessment, Condition
from app.services.oversight import reminders
from tests.factories import NOW, set_clock
from tests.procurement_helpers import PREFERRED, answer_sections, propose, sign, start_product

DUE = NOW.date() + timedelta(days=20)


def _amber(client, token):
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED | {"Q11": "yes"})  # a cap: amber
    return assessment_id


def test_a_half_filled_condition_is_an_error_and_nothing_typed_is_lost(
    world, signed_in, csrf, monkeypatch
):
    set_clock(monkeypatch, NOW)
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/vendors/new")
    assessment_id = _amber(manager, token)
    rows = [("Supplier turns on MFA", "supplier", "Sam at Acme", ""),  # no date
            ("", f"user:{world.user('A', 'dpo').id}", "", DUE),  # no text
            ("Sign the DPA", "", "", DUE),  # no owner
            ("Delete old export", "supplier", "", DUE)]  # supplier not named  # fmt: skip
    response = propose(manager, token, assessment_id, "conditional", "Close enough", rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("Condition 1: Enter the date it is due", "Condition 2: Describe the condition",
                    "Condition 3: Choose who owns it",
                    "Condition 4: Enter the name of the contact at the supplier"):  # fmt: skip
        assert message in page, message
    for typed in ("Supplier turns on MFA", "Sam at Acme", "Sign the DPA", "Delete old export",
                  DUE.isoformat(), "Close enough"):  # fmt: skip
        assert typed in page
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    assert not assessment.locked and assessment.conditions == []


def _decided_with_condition(world, signed_in, csrf, due=DUE):
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/vendors/new")
    assessment_id = _amber(manager, token)
    owner = world.user("A", "business_manager")
    rows = [("Supplier turns on MFA for staff", f"user:{owner.id}", "", due)]
    assert (
        propose(manager, token, assessment_id, "conditional", "MFA soon", rows).status_code == 302
    )
    dpo = signed_in(world.user("A", "dpo"))
    assert sign(dpo, csrf(dpo, "/procurement/"), assessment_id).status_code == 302
    condition = db.session.execute(select(Condition)).scalar_one()
    return manager, token, assessment_id, condition


def test_a_condition_is_marked_met_with_a_note_and_evidence_and_audited(
    world, signed_in, csrf, monkeypatch
):
    set_clock(monkeypatch, NOW)
    manager, token, assessment_id, condition = _decided_with_condition(world, signed_in, csrf)
    url = f"/procurement/conditions/{condition.id}/met"
    refused = manager.post(url, data={"csrf_token": token, "note": "", "evidence": "not a link"})
    page = refused.get_data(as_text=True)
    assert "Say how the condition was met" in page and "Enter a full web address" in page
    assert "not a link" in page
    response = manager.post(url, data={"csrf_token": token, "note": "Screenshot of the setting",
                                       "evidence": "https://acme.example/mfa"})  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(condition)
    assert condition.met_on == NOW.date() and condition.met_evidence == "https://acme.example/mfa"
    assert condition.met_by_id == world.user("A", "business_manager").id
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "condition_met")
    ).scalar_one()
    assert event.object_id == str(condition.id)
    review = manager.get(f"/procurement/assessments/{assessment_id}/review").get_data(as_text=True)
    assert f"Met {NOW.date().day}" in review and "Screenshot of the setting" in review


def test_an_overdue_condition_shows_everywhere_and_is_emailed_once(
    app, world, signed_in, csrf, monkeypatch
):
    set_clock(monkeypatch, NOW)
    manager, token, assessment_id, condition = _decided_with_condition(world, signed_in, csrf)
    later = NOW + timedelta(days=25)  # five days past the due date
    set_clock(monkeypatch, later)
    reviews_page = manager.get("/procurement/reviews").get_data(as_text=True)
    assert "Conditions overdue (1)" in reviews_page and "5 days overdue" in reviews_page
    assert "Supplier turns on MFA for staff" in reviews_page
    register = manager.get("/procurement/").get_data(as_text=True)
    assert "1 condition overdue" in register
    assert "Phonics Stars" in manager.get("/procurement/?status=conditions_overdue").get_data(
        as_text=True
    )
    vendor_page = manager.get(
        f"/procurement/vendors/{db.session.get(Assessment, assessment_id).vendor_id}"
    ).get_data(as_text=True)
    assert ">Overdue<" in vendor_page and "1 condition overdue" in vendor_page
    dashboard = signed_in(world.user("A", "dpo")).get("/oversight/").get_data(as_text=True)
    panel = dashboard[dashboard.index("Conditions overdue") :]
    assert "Supplier turns on MFA for staff" in panel
    pdf = manager.get(f"/procurement/assessments/{assessment_id}/report.pdf").data
    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Approve with conditions; 1 condition overdue" in cover
    planned = [r for r in reminders.plan(db.session, {}, later) if r.kind == "reviews"]
    assert len(planned) == 1 and any("was due on" in line for line in planned[0].lines)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    overdue = select(OutboxEmail).where(OutboxEmail.subject.contains("conditions overdue"))
    emails = db.session.execute(overdue).scalars().all()
    assert len(emails) == 1 and "Supplier turns on MFA for staff" in emails[0].body
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0  # never twice
    assert len(db.session.execute(overdue).scalars().all()) == 1
    # Marked met: it is no longer overdue anywhere.
    manager.post(f"/procurement/conditions/{condition.id}/met",
                 data={"csrf_token": token, "note": "Done late"})  # fmt: skip
    assert "Conditions overdue (0)" in manager.get("/procurement/reviews").get_data(as_text=True)
    assert "condition overdue" not in manager.get("/procurement/").get_data(as_text=True)


def test_a_colleague_who_owns_an_overdue_condition_is_reminded_of_it(
    world, signed_in, csrf, monkeypatch
):
    set_clock(monkeypatch, NOW)
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/vendors/new")
    assessment_id = _amber(manager, token)
    dpo = world.user("A", "dpo")
    rows = [("DPO checks the deletion certificate", f"user:{dpo.id}", "", DUE)]
    assert propose(manager, token, assessment_id, "conditional", "Soon", rows).status_code == 302
    dpo_client = signed_in(dpo)
    assert sign(dpo_client, csrf(dpo_client, "/procurement/"), assessment_id).status_code == 302
    planned = reminders.plan(db.session, {}, NOW + timedelta(days=25))
    to = {r.email: r.lines for r in planned if r.kind == "reviews"}
    assert any("DPO checks the deletion certificate" in line for line in to[dpo.email])
    manager_lines = to[world.user("A", "business_manager").email]
    assert any("DPO checks the deletion certificate" in line for line in manager_lines)
    teacher = world.user("A", "teacher")
    assert teacher.email not in to  # not theirs, and not a business manager
    other_school_dpo = world.user("B", "dpo")
    assert other_school_dpo.email not in to
