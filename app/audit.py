"""Writing security-relevant events to the audit log (the caller commits)."""

from flask import has_request_context, request
from flask_login import current_user

from app.models import AuditEvent, db


def record(
    action: str,
    *,
    school_id: int | None = None,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id: object = None,
    **detail: object,
) -> AuditEvent:
    """Add an audit event for `action`, defaulting actor and school to the signed-in user."""
    signed_in = has_request_context() and current_user.is_authenticated
    if actor_id is None and signed_in:
        actor_id = current_user.id
    if school_id is None and signed_in:
        school_id = current_user.school_id
    event = AuditEvent(
        action=action,
        school_id=school_id,
        actor_id=actor_id,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail={key: value for key, value in detail.items() if value is not None},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
