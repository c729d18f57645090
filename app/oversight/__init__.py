"""Oversight: the compliance dashboard and trust view, assignments, exemptions, the audit log,
school settings (reminders, retention) and each user's own data download, under /oversight."""

from flask import Blueprint

bp = Blueprint("oversight", __name__)

from app.oversight import audit_views, data_views, manage_views, views  # noqa: E402,F401
