"""Procurement: vendor register, assessments, decisions and reports."""

from flask import Blueprint

bp = Blueprint("procurement", __name__)

from app.procurement import assessments, exports, review, vendors  # noqa: E402, F401
