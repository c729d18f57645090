"""Home (a start page for each role), accessibility statement, privacy notice, health check and
the language switch."""

from flask import abort, redirect, render_template, session
from flask_login import current_user
from sqlalchemy import text

from app.i18n import SESSION_KEY
from app.main import bp
from app.main.forms import LanguageForm
from app.models import db
from app.security import safe_redirect_target


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/start.html")
    return render_template("main/home.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.get("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.post("/language")
def switch_language():
    """The language switch on every page: remember the choice (in the session, and for a
    signed-in user on their account) and go back to the page it was pressed on."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session[SESSION_KEY] = form.lang.data
    if current_user.is_authenticated:
        current_user.locale = form.lang.data
        db.session.commit()
    return redirect(safe_redirect_target(form.next.data))
