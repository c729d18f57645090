"""Training: the learner's modules, lessons, knowledge checks and certificates."""

from flask import Blueprint

bp = Blueprint("training", __name__)
