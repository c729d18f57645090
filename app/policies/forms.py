"""Forms for publishing a policy or a new version of one, and for acknowledging it."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from app.form_fields import MaxLength
from app.models.policies import POLICY_KIND_LABELS, PolicyKind
from app.services.policies.publishing import document_problems
from app.util.i18n import _, in_locale, lazy_gettext

MARKDOWN_HINT = lazy_gettext(
    "Write it here, or leave this empty and upload a PDF below. Start a heading with ## , a "
    "list item with - , and leave a blank line between paragraphs."
)


class _Naming(FlaskForm):
    """Which policy and its title: defined before the version fields so the page and the error
    summary list them first (WTForms orders fields by when they were made)."""

    kind = RadioField(
        lazy_gettext("Which policy is it?"),
        validators=[DataRequired(lazy_gettext("Choose which policy it is"))],
    )
    title = StringField(
        lazy_gettext("Title (optional)"),
        description=lazy_gettext(
            "As staff will see it. Leave it empty to use the name you chose above."
        ),
        validators=[Optional(), MaxLength(200)],
    )


class VersionForm(FlaskForm):
    label = StringField(
        lazy_gettext("Version name (optional)"),
        description=lazy_gettext(
            "Your school's own name or number for this version, for example “2025-26” "
            "or “3.1”. Leave it empty to number versions 1, 2, 3."
        ),
        validators=[Optional(), MaxLength(40)],
    )
    change_note = StringField(
        lazy_gettext("What has changed (optional)"),
        description=lazy_gettext("Staff see this when they are asked to read the new version."),
        validators=[Optional(), MaxLength(500)],
    )
    body = TextAreaField(
        lazy_gettext("Policy text"), description=MARKDOWN_HINT, validators=[Optional()]
    )
    pdf = FileField(lazy_gettext("Or upload the policy as a PDF"))

    max_pdf_bytes = 10 * 1024 * 1024  # set from POLICY_PDF_MAX_MB by the view
    pdf_bytes: bytes | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        upload = self.pdf.data
        self.pdf_bytes = upload.read() if upload and getattr(upload, "filename", "") else None
        problems = document_problems(self.body.data, self.pdf_bytes, self.max_pdf_bytes)
        if problems:
            field = self.pdf if self.pdf_bytes else self.body
            field.errors = [*field.errors, *problems]
            return False
        return valid


class PolicyForm(_Naming, VersionForm):
    """A new policy and its first version."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind.value, POLICY_KIND_LABELS[kind]) for kind in PolicyKind]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: the title's Optional() would stop an inline validator on an empty box.
        if self.kind.data == PolicyKind.OTHER and not (self.title.data or "").strip():
            self.title.errors = [*self.title.errors, _("Enter the policy's title")]
            return False
        return valid

    @property
    def chosen_title(self) -> str:
        given = (self.title.data or "").strip()
        if given:
            return given
        with in_locale(None):  # a stored title: the kind's English name (staff may type another)
            return str(POLICY_KIND_LABELS[PolicyKind(self.kind.data)])


class AcknowledgeForm(FlaskForm):
    version_id = HiddenField(validators=[DataRequired()])
