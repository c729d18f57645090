"""Forms for assignments, exemptions, school settings and the audit log filters."""

from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from app import clock
from app.form_fields import DateInput, MaxLength, MultiCheckboxField
from app.services.oversight.manage import AssignmentTarget
from app.util.dates import long_date

TARGETS = [
    (AssignmentTarget.EVERYONE.value, "Everyone in the school, including people who join later"),
    (AssignmentTarget.ROLE.value, "Everyone with a role, including people who join later"),
    (AssignmentTarget.PEOPLE.value, "Named people"),
]


class AssignmentForm(FlaskForm):
    module_id = SelectField("Module", validators=[DataRequired("Choose a module")])
    target = RadioField(
        "Who must complete it", default=AssignmentTarget.EVERYONE.value,
        validators=[DataRequired("Choose who must complete it")],
    )  # fmt: skip
    role = SelectField("Role", validate_choice=False)  # checked in validate_role
    people = MultiCheckboxField("People", coerce=int)
    due_date = DateInput(
        "Due date",
        description="For example 2025-09-30. Leave empty for no due date.",
        validators=[Optional()],
    )
    refresher_months = IntegerField(
        "Refresher every (months)",
        description="A completion then expires after this many months and the module is due "
        "again. Leave empty to use the certificate's validity (usually 12 months).",
        validators=[Optional(), NumberRange(1, 60, "Enter a number of months from 1 to 60")],
    )

    def validate_role(self, field) -> None:  # type: ignore[no-untyped-def]
        if self.target.data != AssignmentTarget.ROLE:
            return
        if not field.data:
            raise ValidationError("Choose the role")
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose one of the roles listed")

    def validate_due_date(self, field) -> None:  # type: ignore[no-untyped-def]
        # A past date would make everyone overdue at once and the next reminder run say so.
        today = clock.today()
        if field.data and field.data < today:
            raise ValidationError(
                f"The due date must be today ({long_date(today)}) or later, "
                "or leave it empty for no due date"
            )

    def validate_people(self, field) -> None:  # type: ignore[no-untyped-def]
        if self.target.data == AssignmentTarget.PEOPLE and not field.data:
            raise ValidationError("Choose at least one person")

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.target.choices = TARGETS  # set here: class-level tuples are deprecated in WTForms


class ExemptionForm(FlaskForm):
    module_id = SelectField("Module", validators=[DataRequired("Choose a module")])
    reason = StringField(
        "Reason",
        description="For example: completed equivalent training with the local authority.",
        validators=[DataRequired("Give the reason for the exemption"), MaxLength(300)],
    )


class SettingsForm(FlaskForm):
    reminders_enabled = RadioField(
        "Email reminders",
        validators=[DataRequired("Choose whether to send reminders")],
    )
    erase_deactivated_after_months = IntegerField(
        "Erase accounts deactivated for more than (months)",
        description="Leave empty to keep them until an admin erases them.",
        validators=[Optional(), NumberRange(1, 120, "Enter a number of months from 1 to 120")],
    )
    delete_audit_after_months = IntegerField(
        "Delete audit log entries older than (months)",
        description="Leave empty to keep them. We suggest at least 12 months.",
        validators=[Optional(), NumberRange(1, 120, "Enter a number of months from 1 to 120")],
    )
    retake_wait_minutes = IntegerField(
        "Wait before another try after a failed knowledge check (minutes)",
        description="For example 10, so staff go back over the lessons first. Leave empty for "
        "no wait.",
        validators=[Optional(), NumberRange(1, 1440, "Enter a number of minutes from 1 to 1440")],
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.reminders_enabled.choices = REMINDER_CHOICES


REMINDER_CHOICES = [("on", "Send reminders"), ("off", "Do not send reminders")]


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

    action = SelectField("Event", validators=[Optional()])
    person = SelectField("Person", validators=[Optional()])
    date_from = DateInput("From", validators=[Optional()])
    date_to = DateInput("To", validators=[Optional()])
