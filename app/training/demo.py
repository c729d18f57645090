"""Demo records for the training half (idempotent: runs on every `make run`).

The demo teacher gets the first module assigned with a due date, and every Oakfield member of
staff the second one, so "My training" shows due dates straight away. Nothing else is needed:
the modules themselves come from modules/.
"""

from datetime import timedelta

from sqlalchemy import select

from app.content.registry import content
from app.models import Role, School, User, db
from app.models.base import utcnow
from app.models.training import Assignment


def _ensure(school_id: int, module_id: str, user_id: int | None, days: int) -> None:
    existing = db.session.execute(
        select(Assignment.id).where(
            Assignment.school_id == school_id,
            Assignment.module_id == module_id,
            Assignment.user_id.is_(None) if user_id is None else Assignment.user_id == user_id,
        )
    ).first()
    if existing is None:
        db.session.add(
            Assignment(
                school_id=school_id,
                module_id=module_id,
                user_id=user_id,
                due_date=utcnow().date() + timedelta(days=days),
            )
        )


def seed(schools: list[School], users: list[User]) -> None:
    """Assign the first module to the demo teacher and the second to all staff at the first
    demo school."""
    modules = list(content().modules.values())
    if not schools or not modules:
        return
    school = schools[0]
    teacher = next(
        (u for u in users if u.school_id == school.id and u.has_role(Role.TEACHER)), None
    )
    if teacher is not None:
        _ensure(school.id, modules[0].id, teacher.id, days=30)
    if len(modules) > 1:
        _ensure(school.id, modules[1].id, None, days=60)
    db.session.flush()
