"""Security headers, role decorators and the tenancy scoping helpers.

Every query for school-owned data goes through `school_scoped()` or `get_scoped_or_404()`, so a
user never sees another school's rows: they get a 404, as if the row did not exist.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

from flask import Flask, Response, abort, current_app, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, select
from sqlalchemy.sql.base import ExecutableOption
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.models import School, db
from app.util.text import has_control_character

ModelT = TypeVar("ModelT")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def add_security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not request.path.startswith("/static/"):
        # Pages can hold personal data: never keep them in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)


def safe_redirect_target(target: str | None) -> str:
    """Where to go after signing in: `target` if it is a page of this site, else home.

    The target is parsed, not pattern-matched. It must be a bare path (no scheme, no host),
    free of whitespace, control characters and backslashes (browsers drop tabs and newlines and
    read a backslash as a slash, so "/\t/evil.example" would become "//evil.example"), and one
    of the app's GET rules must match it. The redirect uses the path rebuilt from its parts."""
    home = url_for("main.home")
    if not target or "\\" in target or any(ch.isspace() for ch in target):
        return home
    if has_control_character(target) or has_control_character(unquote(target)):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return home
    if parts.path.startswith("//") or unquote(parts.path).startswith(("//", "/\\")):
        return home
    try:
        current_app.url_map.bind("localhost").match(unquote(parts.path), method="GET")
    except RequestRedirect:
        pass  # a known page asking for its canonical form (a trailing slash, say)
    except HTTPException:
        return home
    return urlunsplit(("", "", parts.path, parts.query, ""))


def roles_required(*roles: str) -> Callable:
    """Allow signed-in users holding at least one of `roles`; everyone else gets 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def managed_school_ids(user) -> list[int]:
    """Schools whose staff and records `user` may manage: their own, or their trust's."""
    if user.has_role("trust_admin") and user.school.trust_id is not None:
        rows = db.session.execute(
            select(School.id).where(School.trust_id == user.school.trust_id)
        ).scalars()
        return list(rows)
    return [user.school_id]


def school_scoped(model: type[ModelT], school_ids: Iterable[int] | None = None) -> Select:
    """`select(model)` limited to the current user's school (or the given schools)."""
    ids = list(school_ids) if school_ids is not None else [current_user.school_id]
    # Every model passed here mixes in SchoolOwned; the TypeVar keeps the caller's model type.
    return select(model).where(model.school_id.in_(ids))  # type: ignore[attr-defined]


def get_scoped_or_404(
    model: type[ModelT],
    object_id: int,
    school_ids: Iterable[int] | None = None,
    *,
    options: Sequence[ExecutableOption] = (),
) -> ModelT:
    """Load one school-owned row by id, or 404 when it is missing or belongs to another school.

    `options` are loader options (e.g. `selectinload(...)`) for what the page reads of it."""
    stmt = school_scoped(model, school_ids).where(model.id == object_id)  # type: ignore[attr-defined]  # as above
    stmt = stmt.options(*options)
    found = db.session.execute(stmt).scalar_one_or_none()
    if found is None:
        abort(404)
    return found
