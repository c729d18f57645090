"""The language switch's form: which language, and the page to return to."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from app.util.i18n import SUPPORTED_LOCALES


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(SUPPORTED_LOCALES)])
    next = HiddenField()
