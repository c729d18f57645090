"""The application factory: config, extensions, content, blueprints, CLI, errors, headers."""

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import CONFIGS


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build the app. `config_name` is development, testing or production (`FLASK_CONFIG`)."""
    name = config_name or os.environ.get("FLASK_CONFIG", "development")
    config_class = CONFIGS[name]
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    app.config.update(overrides)
    if hasattr(config_class, "check"):
        config_class.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    _init_request_guards(app)
    _init_extensions(app)

    from app.jobs import init_jobs
    from app.services.accounts import staff_list
    from app.services.oversight import tallies, tally_generations

    init_jobs(app)
    tally_generations.track_changes()
    app.extensions["tally_cache"] = tallies.cache_for(app.config["REDIS_URL"])
    app.extensions["staff_list_cache"] = staff_list.page_keys_cache()

    from app.content.registry import init_content

    init_content(app)

    from app import errors, security
    from app.i18n import init_i18n
    from app.navigation import init_navigation
    from app.templating import init_templating

    security.init_security(app)
    init_i18n(app)  # before anything renders: templates and messages go through Flask-Babel
    init_navigation(app)
    init_templating(app)
    errors.init_errors(app)
    _register_blueprints(app)

    from app.cli import register_cli

    register_cli(app)

    @app.context_processor
    def inject_globals() -> dict:
        from app.models.users import ROLE_LABELS

        return {"service_name": app.config["SERVICE_NAME"], "role_labels": ROLE_LABELS}

    return app


def _init_request_guards(app: Flask) -> None:
    """Before the extensions, so hostile input is refused before CSRF, rate limits or a view
    parse it, and every `<int:...>` rule only matches ids the database can hold."""
    from app.input_limits import BoundedIntegerConverter, refuse_hostile_request

    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_hostile_request)


def _init_extensions(app: Flask) -> None:
    from app import rate_limits  # noqa: F401 (registers the app-database:// limiter storage)
    from app.auth.session import init_login
    from app.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    init_login(app)


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.main import bp as main_bp
    from app.oversight import bp as oversight_bp
    from app.policies import bp as policies_bp
    from app.procurement import bp as procurement_bp
    from app.training import bp as training_bp
    from app.training import verify_bp
    from app.transparency import bp as transparency_bp
    from app.transparency import public_bp as families_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(training_bp, url_prefix="/training")
    app.register_blueprint(verify_bp)
    app.register_blueprint(procurement_bp, url_prefix="/procurement")
    app.register_blueprint(oversight_bp, url_prefix="/oversight")
    app.register_blueprint(transparency_bp, url_prefix="/families")
    app.register_blueprint(families_bp)
    app.register_blueprint(policies_bp, url_prefix="/policies")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL lets readers and one writer work at once; with WAL, synchronous=NORMAL stays safe
    against corruption and saves an fsync per commit; foreign keys are off in SQLite by default."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
