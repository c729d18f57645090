"""Home (a start page for each role), accessibility statement, privacy notice, health check."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import text

from app.main import bp
from app.models import db


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
