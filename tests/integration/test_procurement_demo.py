"""The demo school shows realistic decided assessments on the full UK bank straight away, seeded
from the export-format files in app/procurement/demo_products/ through the import service and
decided by two people (proposed by the business manager, signed off by the DPO)."""

import json
from datetime import date

from sqlalchemy import func, select

from app.models import db
from app.models.procurement import Assessment, Decision, Vendor
from app.procurement.demo import demo_files
from app.services.procurement.decisions import valid_until
from app.services.procurement.transfer import parse_import


def _decided_on_uk_bank():
    stmt = select(Assessment).where(Assessment.checklist_id == "uk-schools-edtech")
    return db.session.execute(stmt).scalars().all()


def test_demo_has_an_approved_a_conditional_and_a_knocked_out_product(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    outcomes = {a.decision: a.snapshot["result"] for a in _decided_on_uk_bank()}
    assert set(outcomes) == {"approve", "conditional", "reject"}
    assert outcomes["approve"]["band"] == "green"
    assert outcomes["conditional"]["band"] == "amber"
    rejected = outcomes["reject"]
    assert rejected["band"] == "red"
    assert {limit["question_id"] for limit in rejected["limits"] if limit["kind"] == "knockout"}
    assert rejected["score"] > 0  # the score is still shown after a knock-out


def test_demo_assessments_are_not_duplicated(runner):
    runner.invoke(args=["demo"])
    count = db.session.execute(select(func.count()).select_from(Assessment)).scalar_one()
    runner.invoke(args=["demo"])
    assert db.session.execute(select(func.count()).select_from(Assessment)).scalar_one() == count


def test_demo_products_ratings_and_decisions(runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    seeded = {
        a.vendor.product: a
        for a in db.session.execute(select(Assessment)).scalars()
    }  # fmt: skip
    summary = {
        product: (a.checklist_id, a.decision, a.snapshot["result"]["band"])
        for product, a in seeded.items()
    }
    assert summary == {
        "Spellbound Phonics": ("quick-edtech-check", Decision.CONDITIONAL, "amber"),
        "Numbers Garden": ("uk-schools-edtech", Decision.APPROVE, "green"),
        "ClassTalk Messenger": ("uk-schools-edtech", Decision.CONDITIONAL, "amber"),
        "BrightQuiz Free": ("uk-schools-edtech", Decision.REJECT, "red"),
    }
    limits = seeded["BrightQuiz Free"].snapshot["result"]["limits"]
    assert sorted(lim["question_id"] for lim in limits if lim["kind"] == "knockout") == [
        "B02",
        "B03",
    ]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _offset(day: str | None, base: date) -> int | None:
    return None if day is None else (date.fromisoformat(day) - base).days


def test_every_demo_file_imports_cleanly_and_its_decision_is_the_one_recorded(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    files = demo_files()
    assert len(files) == 4
    for path in files:
        document = json.loads(path.read_text())
        parsed, problems = parse_import(document, app.extensions["content"].checklists)
        assert (problems, parsed.notes, parsed.profile_complete) == ([], [], True), path.name
        assert len(parsed.document.answers) == len(document["answers"])
        product = document["vendor"]["product"]
        stored = db.session.execute(
            select(Assessment).join(Vendor).where(Vendor.product == product)
        ).scalar_one()
        assert {a.question_id: a.value for a in stored.answers} == {
            a["question_id"]: a["value"] for a in document["answers"]
        }
        # The file's decision, as an export shows it, is what the demo records (moved to today).
        expected, recorded = document["decision"], stored.snapshot["decision"]
        decided_on = date.fromisoformat(expected["decided_on"])
        for key in ("outcome", "label", "reason", "departs_from_rating"):
            assert recorded[key] == expected[key], (path.name, key)
        today = date.fromisoformat(recorded["decided_on"])
        # Valid-until follows the rule from each decision's own date (months, not days).
        outcome = Decision(expected["outcome"])
        assert _iso(valid_until(outcome, decided_on)) == expected["valid_until"], path.name
        assert _iso(valid_until(outcome, today)) == recorded["valid_until"]
        assert [
            (c["text"], c["owner"], c["owner_kind"], _offset(c["due_on"], today))
            for c in recorded["conditions"]
        ] == [
            (c["text"], c["owner"], c["owner_kind"], _offset(c["due_on"], decided_on))
            for c in expected["conditions"]
        ], path.name
        assert recorded["proposed_by"]["name"] == "Bilal Business"
        assert recorded["signed_off_by"]["name"] == "Dana Protection"
        assert stored.vendor.imported_from == document["export_id"]


def test_the_demo_shows_an_overdue_condition(runner):
    from app.models.base import utcnow
    from app.services.procurement.reviews import overdue_conditions, product_states

    assert runner.invoke(args=["demo"]).exit_code == 0
    today = utcnow().date()
    school_ids = [db.session.execute(select(Vendor.school_id)).scalars().first()]
    overdue = overdue_conditions(db.session, product_states(db.session, school_ids), today)
    assert [(c.product.product, c.days_overdue(today)) for c in overdue] == [
        ("ClassTalk Messenger", 15)
    ]
