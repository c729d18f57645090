"""Sign-in, sign-out, invitations, password reset and the user's own account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import sso_views, two_step, views  # noqa: E402,F401
