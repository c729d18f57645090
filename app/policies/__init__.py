"""School policies under /policies: staff read and acknowledge each new version; the school's
DPO and admins publish them and see who has acknowledged which version (page and CSV)."""

from flask import Blueprint

bp = Blueprint("policies", __name__)

from app.policies import oversight_views, publish_views, views  # noqa: E402,F401
