"""Forms for assignments, exemptions, school settings and the audit log filters."""

from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from app import clock
from app.form_fields import DateInput, MaxLength, MultiCheckboxField, SelectChoice
from app.services.oversight.manage import AssignmentTarget
from app.util.dates import long_date
from app.util.i18n import _, lazy_gettext

TARGETS = [
    (
        AssignmentTarget.EVERYONE.value,
        lazy_gettext("Everyone in the school, including people who join later"),
    ),
    (
        AssignmentTarget.ROLE.value,
        lazy_gettext("Everyone with a role, including people who join later"),
    ),
    (AssignmentTarget.PEOPLE.value, lazy_gettext("Named people")),
]


class AssignmentForm(FlaskForm):
    module_id = SelectField(
        lazy_gettext("Module"), validators=[DataRequired(lazy_gettext("Choose a module"))]
    )
    target = RadioField(
        lazy_gettext("Who must complete it"), default=AssignmentTarget.EVERYONE.value,
        validators=[DataRequired(lazy_gettext("Choose who must complete it"))],
    )  # fmt: skip
    role = SelectField(lazy_gettext("Role"), validate_choice=False)  # checked in validate_role
    people = MultiCheckboxField(lazy_gettext("People"), coerce=int)
    due_date = DateInput(
        lazy_gettext("Due date"),
        description=lazy_gettext("For example 2025-09-30. Leave empty for no due date."),
        validators=[Optional()],
    )
    refresher_months = IntegerField(
        lazy_gettext("Refresher every (months)"),
        description=lazy_gettext(
            "A completion then expires after this many months and the module is due "
            "again. Leave empty to use the certificate's validity (usually 12 months)."
        ),
        validators=[
            Optional(),
            NumberRange(1, 60, lazy_gettext("Enter a number of months from 1 to 60")),
        ],
    )

    def validate_role(self, field) -> None:
        if self.target.data != AssignmentTarget.ROLE:
            return
        if not field.data:
            raise ValidationError(_("Choose the role"))
        if field.data not in {value for value, __ in field.choices}:
            raise ValidationError(_("Choose one of the roles listed"))

    def validate_due_date(self, field) -> None:
        # A past date would make everyone overdue at once and the next reminder run say so.
        today = clock.today()
        if field.data and field.data < today:
            raise ValidationError(
                _(
                    "The due date must be today (%(today)s) or later, or leave it empty for no "
                    "due date",
                    today=long_date(today),
                )
            )

    def validate_people(self, field) -> None:
        if self.target.data == AssignmentTarget.PEOPLE and not field.data:
            raise ValidationError(_("Choose at least one person"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.target.choices = TARGETS  # set here: class-level tuples are deprecated in WTForms


class ExemptionForm(FlaskForm):
    module_id = SelectField(
        lazy_gettext("Module"), validators=[DataRequired(lazy_gettext("Choose a module"))]
    )
    reason = StringField(
        lazy_gettext("Reason"),
        description=lazy_gettext(
            "For example: completed equivalent training with the local authority."
        ),
        validators=[
            DataRequired(lazy_gettext("Give the reason for the exemption")),
            MaxLength(300),
        ],
    )


class SettingsForm(FlaskForm):
    reminders_enabled = RadioField(
        lazy_gettext("Email reminders"),
        validators=[DataRequired(lazy_gettext("Choose whether to send reminders"))],
    )
    erase_deactivated_after_months = IntegerField(
        lazy_gettext("Erase accounts deactivated for more than (months)"),
        description=lazy_gettext("Leave empty to keep them until an admin erases them."),
        validators=[
            Optional(),
            NumberRange(1, 120, lazy_gettext("Enter a number of months from 1 to 120")),
        ],
    )
    delete_audit_after_months = IntegerField(
        lazy_gettext("Delete audit log entries older than (months)"),
        description=lazy_gettext("Leave empty to keep them. We suggest at least 12 months."),
        validators=[
            Optional(),
            NumberRange(1, 120, lazy_gettext("Enter a number of months from 1 to 120")),
        ],
    )
    retake_wait_minutes = IntegerField(
        lazy_gettext("Wait before another try after a failed knowledge check (minutes)"),
        description=lazy_gettext(
            "For example 10, so staff go back over the lessons first. Leave empty for no wait."
        ),
        validators=[
            Optional(),
            NumberRange(1, 1440, lazy_gettext("Enter a number of minutes from 1 to 1440")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reminders_enabled.choices = REMINDER_CHOICES


REMINDER_CHOICES = [
    ("on", lazy_gettext("Send reminders")),
    ("off", lazy_gettext("Do not send reminders")),
]


class MfaSettingForm(SettingsForm):
    """The settings with two-step sign-in added (its own field, so settings stay separate)."""

    require_mfa = RadioField(
        "Two-step sign-in",
        description="DPOs, business managers and admins reach personal data across the school. "
        "When required, anyone with those roles who has not set it up is asked to the next time "
        "they sign in.",
        choices=[
            SelectChoice("on", "Require it for DPOs, business managers and admins"),
            SelectChoice("off", "Let each person choose"),
        ],
        validators=[Optional()],  # left out of a post: the setting stays as it is
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField(lazy_gettext("Event"), validators=[Optional()])
    person = SelectField(lazy_gettext("Person"), validators=[Optional()])
    date_from = DateInput(lazy_gettext("From"), validators=[Optional()])
    date_to = DateInput(lazy_gettext("To"), validators=[Optional()])
