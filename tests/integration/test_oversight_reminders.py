"""`flask reminders send`: one email per person with due, overdue or expiring training, and per
business manager with vendor reviews due; never the same twice; stops when done; per school."""

from datetime import date, timedelta

from sqlalchemy import select

from app.models import OutboxEmail, db
from app.models.oversight import SchoolSettings
from app.models.procurement import Assessment, AssessmentStatus, Decision, Vendor
from tests.factories import NOW, assign, certify, set_clock


def _outbox() -> list[OutboxEmail]:
    return list(db.session.execute(select(OutboxEmail).order_by(OutboxEmail.id)).scalars())


def test_reminders_once_per_stage_and_stop_when_done(world, runner, monkeypatch):
    set_clock(monkeypatch, NOW)
    db.session.add(SchoolSettings(school_id=world.school_b.id, reminders_enabled=False))
    db.session.commit()
    assign(world.school_a, due=NOW.date() + timedelta(days=30), role="teacher")
    assign(world.school_b, due=NOW.date() + timedelta(days=30))
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert [e.recipient for e in _outbox()] == [world.user("A", "teacher").email]
    assert "1 reminder email(s) sent." in result.output
    assert runner.invoke(args=["reminders", "send"]).output.startswith("0 reminder")

    set_clock(monkeypatch, NOW + timedelta(days=31))
    runner.invoke(args=["reminders", "send"])
    emails = _outbox()
    assert len(emails) == 2 and "Overdue" in emails[-1].body
    runner.invoke(args=["reminders", "send"])
    assert len(_outbox()) == 2

    certify(world.user("A", "teacher"), issued=NOW + timedelta(days=31))
    set_clock(monkeypatch, NOW + timedelta(days=40))
    runner.invoke(args=["reminders", "send"])
    assert len(_outbox()) == 2  # done: no more


def test_business_managers_hear_about_reviews_at_30_7_and_1_days(world, runner, monkeypatch):
    valid_until = date(2025, 6, 30)
    vendor = Vendor(school_id=world.school_a.id, name="Acme", product="ClassQuiz")
    db.session.add(vendor)
    db.session.flush()
    db.session.add(
        Assessment(
            school_id=world.school_a.id,
            vendor_id=vendor.id,
            checklist_id="c",
            checklist_version="1",
            checklist_definition={},
            status=AssessmentStatus.DECIDED,
            decision=Decision.APPROVE,
            decided_on=date(2024, 6, 30),
            valid_until=valid_until,
            snapshot={"result": {"band_label": "Low risk"}},
        )  # fmt: skip
    )
    db.session.commit()
    sent = []
    for days_before in (45, 30, 29, 7, 1, 0):
        set_clock(
            monkeypatch, NOW.replace(year=2025, month=6, day=30) - timedelta(days=days_before)
        )
        runner.invoke(args=["reminders", "send"])
        sent.append(len([e for e in _outbox() if "ClassQuiz" in e.body]))
    assert sent == [0, 1, 1, 2, 3, 3]
    assert {e.recipient for e in _outbox()} == {world.user("A", "business_manager").email}
