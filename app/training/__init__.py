"""Training: the learner's modules, lessons, knowledge checks and certificates, and the DPO's
page of modules superseded by a new major version (`bp`, under /training); the public
certificate check (`verify_bp`, at /verify)."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("training", __name__)
verify_bp = Blueprint("verify", __name__)


def _register_globals(state: BlueprintSetupState) -> None:
    from app.training.cards import module_card_parts

    state.app.jinja_env.globals["module_card_parts"] = module_card_parts


bp.record_once(_register_globals)

from app.training import retraining_views, views  # noqa: E402,F401  (registers the routes)
