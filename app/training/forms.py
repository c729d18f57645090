"""Training forms. The knowledge check is a plain form (its questions come from the attempt's
stored paper), protected by the global CSRF check; these cover the certificate check and the
reassignment of a superseded module."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from app import clock
from app.form_fields import DateInput
from app.services.training.certificates import normalise_code
from app.util.i18n import _, lazy_gettext


class VerifyForm(FlaskForm):
    """The public certificate check: a GET form (bookmarkable, nothing changes), so no CSRF."""

    class Meta:
        csrf = False

    code = StringField(
        lazy_gettext("Certificate code"),
        description=lazy_gettext(
            "It is printed on the certificate, for example 7K3M-Q9XZ-0D4R-TT8B-M2QA."
        ),
        validators=[DataRequired(lazy_gettext("Enter the certificate code"))],
    )

    def validate_code(self, field: StringField) -> None:
        normalised = normalise_code(field.data or "")
        if normalised is None:
            raise ValidationError(
                _(
                    "Enter the code as it appears on the certificate: 20 letters and numbers, "
                    "for example 7K3M-Q9XZ-0D4R-TT8B-M2QA"
                )
            )
        else:
            field.data = normalised


class ReassignForm(FlaskForm):
    """Reassign a superseded module (one form per module on the page, told apart by prefix)."""

    due_date = DateInput(
        lazy_gettext("Due date"),
        description=lazy_gettext("For example 2027-03-31."),
        validators=[InputRequired(lazy_gettext("Enter the due date for the new version"))],
    )

    def validate_due_date(self, field: DateInput) -> None:
        if field.data is not None and field.data < clock.today():
            raise ValidationError(_("The due date must be today or in the future"))
