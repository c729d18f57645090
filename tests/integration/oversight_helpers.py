"""Helpers for the oversight tests: a movable clock, certificates and many staff quickly."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from app.models import User, UserRole, db
from app.models.training import Assignment, Certificate
from app.services.training.certificates import new_code

MODULE = "why-data-protection-matters"
OTHER_MODULE = "principles-and-lawful-bases"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def set_clock(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr("app.clock.now", lambda: when)


def assign(school, module_id=MODULE, due: date | None = None, role=None, user=None, months=None):
    assignment = Assignment(
        school_id=school.id, module_id=module_id, due_date=due, role=role,
        user_id=user.id if user else None, refresher_months=months,
    )  # fmt: skip
    db.session.add(assignment)
    db.session.commit()
    return assignment


def certify(user, module_id=MODULE, issued: datetime = NOW - timedelta(days=10), months=12):
    certificate = Certificate(
        school_id=user.school_id, user_id=user.id, code=new_code(), module_id=module_id,
        module_version="1.0.0", module_title="Module title", learner_name=user.display_name,
        score=90, cpd_minutes=30, issued_at=issued,
        expires_at=issued + timedelta(days=30 * months + 5),
    )  # fmt: skip
    db.session.add(certificate)
    db.session.commit()
    return certificate


def bulk_staff(school, count: int, prefix: str = "staff") -> list[int]:
    """`count` active teachers without passwords, inserted in two statements."""
    rows = [
        {
            "school_id": school.id,
            "email": f"{prefix}{i}@{school.id}.bulk.example",
            "display_name": f"{prefix.title()} {i}",
            "active": True,
            "session_epoch": 0,
            "created_at": NOW,
        }  # fmt: skip
        for i in range(count)
    ]
    ids = list(db.session.execute(insert(User).returning(User.id), rows).scalars())
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "teacher"} for i in ids])
    db.session.commit()
    return ids
