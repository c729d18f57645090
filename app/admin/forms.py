"""Forms for inviting staff and changing their roles."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Optional

from app.form_fields import MaxLength, MultiCheckboxField
from app.models import ROLE_LABELS, Role
from app.util.i18n import lazy_gettext


def role_choices(include_trust_admin: bool) -> list[tuple[str, str]]:
    return [
        (role.value, ROLE_LABELS[role])
        for role in Role
        if include_trust_admin or role != Role.TRUST_ADMIN
    ]


class InviteForm(FlaskForm):
    display_name = StringField(
        lazy_gettext("Full name"),
        validators=[DataRequired(lazy_gettext("Enter the person's name")), MaxLength(120)],
    )
    email = EmailField(
        lazy_gettext("Email address"),
        description=lazy_gettext("Their school email address. The invitation link is sent here."),
        validators=[
            DataRequired(lazy_gettext("Enter an email address")),
            Email(
                lazy_gettext(
                    "Enter an email address in the correct format, like name@school.org.uk"
                )
            ),
            MaxLength(254),
        ],
    )
    roles = MultiCheckboxField(
        lazy_gettext("Roles"), validators=[DataRequired(lazy_gettext("Choose at least one role"))]
    )
    school_id = SelectField(lazy_gettext("School"), coerce=int)
    # "yes" once the admin has seen what a new invitation changes about a waiting one.
    replace_existing = HiddenField()


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(
        lazy_gettext("Roles"), validators=[DataRequired(lazy_gettext("Choose at least one role"))]
    )


class StaffFilterForm(FlaskForm):
    """The staff list's search and filters (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(
        lazy_gettext("Search by name or email"), validators=[Optional(), MaxLength(100)]
    )
    role = SelectField(lazy_gettext("Role"), validators=[Optional()])
    status = SelectField(lazy_gettext("Status"), validators=[Optional()])
