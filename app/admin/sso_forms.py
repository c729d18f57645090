"""The single sign-on settings form. Field names match `ConnectionSettings`, so the rules in
app/services/accounts/sso_settings.py can put each problem next to its field."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.validators import DataRequired

from app.form_fields import MaxLength, SelectChoice
from app.models import ROLE_LABELS
from app.models.sso import PROVIDER_LABELS
from app.services.accounts.sso import AUTO_ROLES
from app.util.i18n import lazy_gettext

ON_OFF = {"on": True, "off": False}


def _on_off(label: str, on: str, off: str, description: str = "") -> RadioField:
    return RadioField(
        label,
        description=description,
        choices=[SelectChoice("on", on), SelectChoice("off", off)],
        validators=[
            DataRequired(lazy_gettext("Choose an answer for “%(question)s”", question=label))
        ],
    )


class SsoSettingsForm(FlaskForm):
    provider = RadioField(
        lazy_gettext("Identity provider"),
        choices=[SelectChoice(value.value, label) for value, label in PROVIDER_LABELS.items()],
        validators=[DataRequired(lazy_gettext("Choose your identity provider"))],
    )
    tenant_id = StringField(
        lazy_gettext("Directory (tenant) ID (Microsoft only)"),
        description=lazy_gettext(
            "In the Microsoft Entra admin centre, on the Overview page, for example "
            "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0."
        ),
        validators=[MaxLength(64)],
    )
    issuer = StringField(
        lazy_gettext("Issuer (another provider only)"),
        description=lazy_gettext(
            "The address its discovery document lives under, for example "
            "https://idp.example.org. Microsoft and Google fill this in themselves."
        ),
        validators=[MaxLength(300)],
    )
    provider_name = StringField(
        lazy_gettext("Provider name (another provider only)"),
        description=lazy_gettext("Shown on the button: Sign in with …"),
        validators=[MaxLength(60)],
    )
    client_id = StringField(
        lazy_gettext("Client ID"),
        description=lazy_gettext(
            "Microsoft calls it the Application (client) ID; Google the Client ID."
        ),
        validators=[MaxLength(300)],
    )
    client_secret = PasswordField(
        lazy_gettext("Client secret"),
        description=lazy_gettext("Stored encrypted. Leave it empty to keep the one already saved."),
        validators=[MaxLength(500)],
    )
    allowed_domains = StringField(
        lazy_gettext("Staff email domains"),
        description=lazy_gettext(
            "Only addresses ending with one of these can sign in, for example "
            "school.sch.uk trust.org.uk (separate them with spaces or commas)."
        ),
        validators=[MaxLength(1000)],
    )
    slug = StringField(
        lazy_gettext("Sign-in address"),
        description=lazy_gettext(
            "Lower-case letters, digits and hyphens. Staff can bookmark the address."
        ),
        validators=[MaxLength(40)],
    )
    enabled = _on_off(lazy_gettext("Sign-in with your provider"),
                      lazy_gettext("On: staff see the sign-in button"),
                      lazy_gettext("Off: only admins can try it from this page"))  # fmt: skip
    password_sign_in = _on_off(
        lazy_gettext("Password sign-in"),
        lazy_gettext("Staff can also sign in with a password"),
        lazy_gettext("Staff sign in with your provider only"),
        lazy_gettext(
            "When passwords are off, the password form and password reset refuse your staff and "
            "send them to your provider."
        ),
    )
    create_accounts = _on_off(
        lazy_gettext("Accounts for new staff"),
        lazy_gettext(
            "Make an account when someone with one of your domains signs in for the first time"
        ),
        lazy_gettext("Only people we have invited or who already have an account can sign in"),
    )
    default_role = RadioField(
        lazy_gettext("Role for accounts made at first sign-in"),
        description=lazy_gettext("Invited staff get the roles in their invitation instead."),
        choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in AUTO_ROLES],
        validators=[DataRequired(lazy_gettext("Choose a role for new accounts"))],
    )
    idp_enforces_mfa = _on_off(
        lazy_gettext("Two-step sign-in at your provider"),
        lazy_gettext(
            "Our provider asks everyone for a second factor (MFA): do not ask for a code here too"
        ),
        lazy_gettext("Ask for the authenticator code here as well, for staff who have set it up"),
        lazy_gettext(
            "Turn this on only if your provider's policy requires MFA for every sign-in to this "
            "app (for example a Conditional Access policy). Staff who sign in with a password "
            "still use two-step sign-in here."
        ),
    )
