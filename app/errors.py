"""Friendly error pages; never a traceback. A lost database connection becomes a 503."""

from flask import Flask, render_template
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from app.models import db

ERROR_TITLES = {
    400: "There was a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = error.code or 500
        title = ERROR_TITLES.get(code, error.name)
        response = render_template("errors/error.html", code=code, title=title, error=error)
        return response, code

    @app.errorhandler(OperationalError)
    def database_unavailable(error: DBAPIError):  # type: ignore[no-untyped-def]
        app.logger.error("Database error: %s", error)
        db.session.rollback()
        return render_template("errors/error.html", code=503, title=ERROR_TITLES[503]), 503

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_template("errors/error.html", code=500, title=ERROR_TITLES[500]), 500
