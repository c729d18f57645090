"""School and trust administration: staff accounts, roles, invitations, the development outbox."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import (  # noqa: E402,F401
    erase_views,
    import_views,
    invitation_views,
    sso_views,
    two_step_views,
    views,
)
