"""Flask extensions, created unbound and attached to the app in `create_app()`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from app.models.base import db

# Batch mode lets Alembic alter tables on SQLite too.
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)

__all__ = ["db", "migrate", "csrf", "login_manager", "limiter"]
