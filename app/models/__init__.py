"""All models, imported here so Alembic and the app see every table."""

from app.models import (  # noqa: F401
    oversight,
    policies,
    procurement,
    security,
    sso,
    training,
    transparency,
)
from app.models.audit import AuditEvent, OutboxEmail
from app.models.base import db
from app.models.schools import School, Trust
from app.models.users import ROLE_LABELS, Invitation, Role, User, UserRole

__all__ = [
    "db",
    "AuditEvent",
    "OutboxEmail",
    "School",
    "Trust",
    "Invitation",
    "Role",
    "ROLE_LABELS",
    "User",
    "UserRole",
]
