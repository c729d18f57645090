"""The demo school shows realistic decided assessments on the full UK bank straight away."""

from sqlalchemy import func, select

from app.models import db
from app.models.procurement import Assessment


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
