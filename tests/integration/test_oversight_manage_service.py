"""The manage services: assignments, exemptions and school settings, each recorded (SQLAlchemy
session only; the audit recorder is a list)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.models import db
from app.models.oversight import Exemption, SchoolSettings
from app.models.training import Assignment
from app.services.oversight import manage
from app.services.oversight.manage import AssignmentTarget
from app.services.oversight.retention import settings_for
from tests.factories import MODULE

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.fixture
def recorded():
    return []


def _record(recorded):
    return lambda action, **detail: recorded.append((action, detail))


def _assign(world, recorded, target, *, role="teacher", user_ids=(), due=None, months=None):
    return manage.create_assignments(
        db.session,
        school_id=world.school_a.id,
        module_id=MODULE,
        target=target,
        role=role,
        user_ids=user_ids,
        due_date=due,
        refresher_months=months,
        now=NOW,
        actor_id=world.user("A", "dpo").id,
        record=_record(recorded),
    )


def test_everyone_is_one_standing_assignment_whatever_else_the_form_sent(world, recorded):
    teacher = world.user("A", "teacher")
    (assignment,) = _assign(world, recorded, "everyone", user_ids=[teacher.id], months=6)
    assert (assignment.user_id, assignment.role, assignment.refresher_months) == (None, None, 6)
    assert assignment.school_id == world.school_a.id and assignment.created_at == NOW
    assert recorded == [
        (
            "assignment_created",
            {
                "school_id": world.school_a.id,
                "actor_id": world.user("A", "dpo").id,
                "object_type": "assignment",
                "object_id": assignment.id,
                "module_id": MODULE,
                "role": None,
                "user_id": None,
                "due_date": None,
            },
        )
    ]


def test_a_role_assignment_keeps_the_role_and_due_date(world, recorded):
    (assignment,) = _assign(world, recorded, AssignmentTarget.ROLE, due=date(2027, 1, 31))
    assert (assignment.user_id, assignment.role) == (None, "teacher")
    assert recorded[0][1]["role"] == "teacher" and recorded[0][1]["due_date"] == "2027-01-31"


def test_named_people_get_one_assignment_each(world, recorded):
    people = [world.user("A", "teacher").id, world.user("A", "business_manager").id]
    created = _assign(world, recorded, AssignmentTarget.PEOPLE, user_ids=people)
    assert [a.user_id for a in created] == people and {a.role for a in created} == {None}
    assert [detail["object_id"] for _, detail in recorded] == [a.id for a in created]
    assert db.session.execute(select(Assignment)).scalars().all() == created


def test_deleting_an_assignment_is_recorded(world, recorded):
    (assignment,) = _assign(world, recorded, AssignmentTarget.EVERYONE)
    assignment_id = assignment.id
    manage.delete_assignment(db.session, assignment, actor_id=None, record=_record(recorded))
    db.session.flush()
    assert db.session.get(Assignment, assignment_id) is None
    assert recorded[-1][0] == "assignment_deleted"
    assert recorded[-1][1]["object_id"] == assignment_id


def test_exempting_twice_keeps_the_first_reason(world, recorded):
    teacher = world.user("A", "teacher")
    admin = world.user("A", "school_admin")

    def exempt(reason):
        return manage.exempt(
            db.session,
            teacher,
            MODULE,
            reason,
            now=NOW,
            actor_id=admin.id,
            record=_record(recorded),
        )

    first = exempt("  Did the LA course ")
    db.session.flush()
    assert exempt("Something else") is first
    assert (first.reason, first.created_by_id, first.school_id) == (
        "Did the LA course",
        admin.id,
        teacher.school_id,
    )
    assert [action for action, _ in recorded] == ["exemption_added"]
    manage.remove_exemption(db.session, first, actor_id=admin.id, record=_record(recorded))
    db.session.flush()
    assert db.session.execute(select(Exemption)).first() is None
    assert recorded[-1] == (
        "exemption_removed",
        {
            "school_id": teacher.school_id,
            "actor_id": admin.id,
            "object_type": "user",
            "object_id": teacher.id,
            "module_id": MODULE,
        },
    )


def test_settings_are_made_once_then_updated(world, recorded):
    school_id = world.school_a.id

    def save(reminders, erase, delete):
        return manage.save_settings(
            db.session,
            settings_for(db.session, school_id),
            reminders_enabled=reminders,
            erase_deactivated_after_months=erase,
            delete_audit_after_months=delete,
            now=NOW,
            actor_id=None,
            record=_record(recorded),
        )

    save(False, None, 24)
    db.session.flush()
    saved = save(True, 12, None)
    db.session.flush()
    assert db.session.execute(select(SchoolSettings)).scalars().all() == [saved]
    assert (saved.reminders_enabled, saved.erase_deactivated_after_months) == (True, 12)
    assert saved.delete_audit_after_months is None and saved.updated_at == NOW
    assert [detail["reminders"] for _, detail in recorded] == ["off", "on"]
    assert recorded[0][1]["delete_audit_after_months"] == 24
