"""School and trust administration: staff accounts, roles, invitations, the development outbox."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import erase_views, import_views, two_step_views, views  # noqa: E402,F401
