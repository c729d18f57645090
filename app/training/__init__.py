"""Training: the learner's modules, lessons, knowledge checks and certificates, and the DPO's
page of modules superseded by a new major version (`bp`, under /training); the public
certificate check (`verify_bp`, at /verify)."""

from flask import Blueprint

bp = Blueprint("training", __name__)
verify_bp = Blueprint("verify", __name__)

from app.training import retraining_views, views  # noqa: E402,F401  (registers the routes)
