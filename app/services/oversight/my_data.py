"""A person's own data, for the "download your data" links (UK GDPR Article 15 and 20):
profile, roles, training record (lessons, knowledge checks, certificates, assigned modules
and their status), the school policies they acknowledged and the audit events by or about
them. No Flask imports."""

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, User
from app.models.policies import Policy, PolicyAcknowledgement, PolicyVersion
from app.models.training import Certificate, LessonProgress, QuizAttempt
from app.services.oversight.compliance import compliance_items


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def collect(session: Session, user: User, titles: Mapping[str, str], now: datetime) -> dict:
    """Everything held about `user`, as JSON-safe data."""
    lessons = session.execute(
        select(LessonProgress)
        .where(LessonProgress.user_id == user.id)
        .order_by(LessonProgress.completed_at)
    ).scalars()
    attempts = session.execute(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.started_at)
    ).scalars()
    certificates = session.execute(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at)
    ).scalars()
    events = session.execute(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user.id,
                (AuditEvent.object_type == "user") & (AuditEvent.object_id == str(user.id)),
            )
        )
        .order_by(AuditEvent.created_at)
    ).scalars()
    acknowledged = session.execute(
        select(PolicyAcknowledgement.acknowledged_at, Policy.title, PolicyVersion)
        .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.version_id)
        .join(Policy, Policy.id == PolicyAcknowledgement.policy_id)
        .where(PolicyAcknowledgement.user_id == user.id)
        .order_by(PolicyAcknowledgement.acknowledged_at)
    ).all()
    __, items = compliance_items(session, [user.school_id], titles, now, detail=True)
    return {
        "exported_at": now.isoformat(),
        "profile": {
            "name": user.display_name,
            "email": user.email,
            "school": user.school.name,
            "roles": sorted(user.roles),
            "active": user.active,
            "created_at": _iso(user.created_at),
            "last_sign_in_at": _iso(user.last_sign_in_at),
        },
        "assigned_training": [
            {
                "module": titles.get(i.module_id, i.module_id),
                "status": i.status.value,
                "due_date": _iso(i.due_date),
                "completed_at": _iso(i.completed_at),
                "expires_at": _iso(i.refresh_at),
            }
            for i in items
            if i.person.user_id == user.id
        ],
        "lessons_read": [
            {
                "module": r.module_id,
                "version": r.module_version,
                "lesson": r.lesson_slug,
                "read_at": _iso(r.completed_at),
            }  # fmt: skip
            for r in lessons
        ],
        "knowledge_checks": [
            {
                "module": a.module_title,
                "version": a.module_version,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "score": a.score,
                "passed": a.passed,
                "answers": a.answers,
            }  # fmt: skip
            for a in attempts
        ],
        "certificates": [
            {
                "code": c.code,
                "module": c.module_title,
                "version": c.module_version,
                "name_shown": c.learner_name,
                "score": c.score,
                "cpd_minutes": c.cpd_minutes,
                "issued_at": _iso(c.issued_at),
                "expires_at": _iso(c.expires_at),
            }  # fmt: skip
            for c in certificates
        ],
        "policies_acknowledged": [
            {"policy": title, "version": version.name, "acknowledged_at": _iso(when)}
            for when, title, version in acknowledged
        ],
        "audit_events": [
            {
                "when": _iso(e.created_at),
                "event": e.action,
                "by_you": e.actor_id == user.id,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "detail": e.detail,
                "ip_address": e.ip_address,
            }  # fmt: skip
            for e in events
        ],
    }


def as_rows(data: dict) -> list[list[object]]:
    """The same data flattened for CSV: (section, item number, field, value)."""
    rows: list[list[object]] = [["export", 1, "exported_at", data["exported_at"]]]
    for key, value in data["profile"].items():
        rows.append(["profile", 1, key, ", ".join(value) if isinstance(value, list) else value])
    for section in ("assigned_training", "lessons_read", "knowledge_checks", "certificates",
                    "policies_acknowledged", "audit_events"):  # fmt: skip
        for number, entry in enumerate(data[section], start=1):
            for key, value in entry.items():
                rows.append([section, number, key, "" if value is None else value])
    return rows
