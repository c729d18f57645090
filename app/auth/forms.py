"""Sign-in, join, reset and change-password forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo

from app.form_fields import MaxLength
from app.services.accounts.passwords import MAX_LENGTH


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address"), MaxLength(254)]
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password"), MaxLength(MAX_LENGTH)]
    )


class NewPasswordMixin:
    password = PasswordField(
        "Create a password",
        description="At least 12 characters. A few unrelated words make a strong password.",
        validators=[DataRequired("Enter a password")],
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired("Enter the password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class JoinForm(NewPasswordMixin, FlaskForm):
    display_name = StringField(
        "Your name",
        description="As it should appear on your certificates.",
        validators=[DataRequired("Enter your name"), MaxLength(120)],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@school.org.uk"),
            MaxLength(254),
        ],
    )


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )


class TwoStepForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        description="The 6-digit code the app shows now, for example 123456.",
        validators=[DataRequired("Enter the 6-digit code from your authenticator app"),
                    MaxLength(12)],
    )  # fmt: skip


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        "Recovery code",
        description="One of the codes you saved when you set up two-step sign-in, "
        "for example abcde-fghij. Each code works once.",
        validators=[DataRequired("Enter one of your recovery codes"), MaxLength(40)],
    )


class PasswordCheckForm(FlaskForm):
    """Asks for the current password again before a change to how the account signs in."""

    password = PasswordField(
        "Your password", validators=[DataRequired("Enter your password"), MaxLength(MAX_LENGTH)]
    )


class FindSchoolForm(FlaskForm):
    """The first step of signing in with the school's Microsoft or Google account."""

    email = EmailField(
        "Your school email address",
        description="For example, name@school.sch.uk. We use it to find your school's sign-in.",
        validators=[
            DataRequired("Enter your school email address"),
            Email("Enter an email address in the correct format, like name@school.sch.uk"),
            MaxLength(254),
        ],
    )
