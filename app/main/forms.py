"""The language switch's form: which language, and the page to return to."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from app.util.i18n import SUPPORTED_LOCALES


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(SUPPORTED_LOCALES)])
    next = HiddenField()


def local_path(target: str | None) -> str:
    """`target` when it is a path on this site, else the home page (never another site).

    Browsers drop tabs and line breaks from addresses and read a backslash as a slash, so
    "/\t/evil.example" would become "//evil.example", another site: those are refused too."""
    if not target or not target.startswith("/"):
        return "/"
    if target.startswith("//") or "\\" in target or any(ord(c) < 33 for c in target):
        return "/"
    return target
