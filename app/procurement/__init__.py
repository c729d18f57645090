"""Procurement: vendor register, assessments, decisions and reports."""

from flask import Blueprint

bp = Blueprint("procurement", __name__)
