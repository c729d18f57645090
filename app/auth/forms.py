"""Sign-in, join, reset and change-password forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo

from app.form_fields import MaxLength
from app.services.accounts.passwords import MAX_LENGTH
from app.util.i18n import lazy_gettext


class SignInForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[DataRequired(lazy_gettext("Enter your email address")), MaxLength(254)],
    )
    password = PasswordField(
        lazy_gettext("Password"),
        validators=[DataRequired(lazy_gettext("Enter your password")), MaxLength(MAX_LENGTH)],
    )


class NewPasswordMixin:
    password = PasswordField(
        lazy_gettext("Create a password"),
        description=lazy_gettext(
            "At least 12 characters. A few unrelated words make a strong password."
        ),
        validators=[DataRequired(lazy_gettext("Enter a password"))],
    )
    confirm = PasswordField(
        lazy_gettext("Confirm password"),
        validators=[
            DataRequired(lazy_gettext("Enter the password again")),
            EqualTo("password", lazy_gettext("The passwords do not match")),
        ],
    )


class JoinForm(NewPasswordMixin, FlaskForm):
    display_name = StringField(
        lazy_gettext("Your name"),
        description=lazy_gettext("As it should appear on your certificates."),
        validators=[DataRequired(lazy_gettext("Enter your name")), MaxLength(120)],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[
            DataRequired(lazy_gettext("Enter your email address")),
            Email(
                lazy_gettext(
                    "Enter an email address in the correct format, like name@school.org.uk"
                )
            ),
            MaxLength(254),
        ],
    )


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        lazy_gettext("Current password"),
        validators=[DataRequired(lazy_gettext("Enter your current password"))],
    )


class TwoStepForm(FlaskForm):
    code = StringField(
        lazy_gettext("Code from your authenticator app"),
        description=lazy_gettext("The 6-digit code the app shows now, for example 123456."),
        validators=[
            DataRequired(lazy_gettext("Enter the 6-digit code from your authenticator app")),
            MaxLength(12),
        ],
    )  # fmt: skip


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        lazy_gettext("Recovery code"),
        description=lazy_gettext(
            "One of the codes you saved when you set up two-step sign-in, "
            "for example abcde-fghij. Each code works once."
        ),
        validators=[DataRequired(lazy_gettext("Enter one of your recovery codes")), MaxLength(40)],
    )


class PasswordCheckForm(FlaskForm):
    """Asks for the current password again before a change to how the account signs in."""

    password = PasswordField(
        lazy_gettext("Your password"),
        validators=[DataRequired(lazy_gettext("Enter your password")), MaxLength(MAX_LENGTH)],
    )


class FindSchoolForm(FlaskForm):
    """The first step of signing in with the school's Microsoft or Google account."""

    email = EmailField(
        lazy_gettext("Your school email address"),
        description=lazy_gettext(
            "For example, name@school.sch.uk. We use it to find your school's sign-in."
        ),
        validators=[
            DataRequired(lazy_gettext("Enter your school email address")),
            Email(
                lazy_gettext(
                    "Enter an email address in the correct format, like name@school.sch.uk"
                )
            ),
            MaxLength(254),
        ],
    )
