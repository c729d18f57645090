"""Friendly error pages; never a traceback. A lost database connection becomes a 503.

An error page never needs the database: for a 5xx the signed-in user is forgotten before the
page is rendered (loading them may be exactly what failed), and if the template itself fails a
plain page is sent instead, still through the security headers.
"""

from contextlib import suppress

from flask import Flask, Response, g, render_template
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.models import db
from app.util.i18n import lazy_gettext

ERROR_TITLES = {
    400: lazy_gettext("There was a problem with your request"),
    403: lazy_gettext("You do not have permission to see this page"),
    404: lazy_gettext("Page not found"),
    405: lazy_gettext("That action is not allowed here"),
    409: lazy_gettext("That was sent twice at the same moment"),
    413: lazy_gettext("The file you sent is too large"),
    429: lazy_gettext("Too many attempts"),
    500: lazy_gettext("Sorry, there is a problem with the service"),
    503: lazy_gettext("Sorry, the service is unavailable"),
}

FALLBACK_PAGE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><main><h1>{title}</h1><p>Try again in a few minutes.</p></main></body></html>"
)


def _forget_user() -> None:
    """Render as if signed out, so the page does not ask the database who is signed in."""
    g._login_user = AnonymousUserMixin()


def _rollback() -> None:
    with suppress(DBAPIError):  # the connection may already be gone: nothing to undo
        db.session.rollback()


def error_page(code: int, error: HTTPException | None = None) -> tuple[Response | str, int]:
    title = ERROR_TITLES.get(code, error.name if error else "Error")
    if code >= 500:
        _forget_user()
    try:
        return render_template("errors/error.html", code=code, title=title, error=error), code
    except Exception:  # the page must not fail in turn: send it without the template
        _forget_user()
        return Response(FALLBACK_PAGE.format(title=title), mimetype="text/html"), code


def _database_lost(error: BaseException) -> bool:
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Flask hands an error no handler took (or one raised inside a handler) over as an
        # InternalServerError that carries it.
        original = getattr(error, "original_exception", None)
        if original is not None and _database_lost(original):
            return unexpected(original)
        return error_page(error.code or 500, error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        _rollback()
        if isinstance(error, IntegrityError):
            # Two submits of the same thing racing each other: the first one won. Idempotent
            # writes use INSERT ... ON CONFLICT; this is the safety net for any other.
            app.logger.warning("Conflicting write, most likely a double submit: %s", error)
            return error_page(409)
        if _database_lost(error):
            app.logger.error("Database error: %s", error)
            return error_page(503)
        app.logger.exception("Unhandled error")
        return error_page(500)
