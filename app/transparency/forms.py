"""Forms for the families' pages: settings, product notices, families' requests and statutory
returns (Flask-WTF with the shared field pieces)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, NumberRange, Optional, ValidationError

from app.form_fields import DateInput, MaxLength, SelectChoice
from app.models.transparency import (
    LawfulBasis,
    RequestKind,
    RequestOutcome,
    RequestSubject,
    StorageLocation,
)
from app.services.transparency.settings import slug_problem
from app.util.i18n import _, lazy_gettext


def _choices(enum) -> list[tuple[str, str]]:
    return [SelectChoice(member.value, member.label) for member in enum]


class SettingsForm(FlaskForm):
    public_slug = StringField(
        lazy_gettext("Page address"),
        description=lazy_gettext(
            "The end of your public page's address. Lower-case letters, digits and "
            "hyphens, like oakfield-primary."
        ),
        validators=[DataRequired(lazy_gettext("Enter the page address")), MaxLength(60)],
    )
    privacy_contact = StringField(
        lazy_gettext("Who families contact about privacy"),
        description=lazy_gettext(
            "A role, not a person's name, as it reads in a sentence: 'the school's data "
            "protection officer'. It is shown on the public page."
        ),
        validators=[DataRequired(lazy_gettext("Enter who families contact")), MaxLength(200)],
    )
    privacy_email = EmailField(
        lazy_gettext("Privacy contact email"),
        description=lazy_gettext(
            "A shared mailbox, for example privacy@school.example, not a personal address."
        ),
        validators=[
            DataRequired(lazy_gettext("Enter the privacy contact email")),
            Email(
                lazy_gettext(
                    "Enter an email address in the correct format, like privacy@school.example"
                )
            ),
            MaxLength(254),
        ],
    )
    privacy_postal = TextAreaField(
        lazy_gettext("Postal address for privacy requests"),
        validators=[Optional(), MaxLength(500)],
    )
    delete_requests_after_months = IntegerField(
        lazy_gettext("Delete closed families' requests after (months)"),
        description=lazy_gettext(
            "Counted from the later of the date received and the review date. Leave "
            "empty to keep them. Open requests are never deleted."
        ),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=240, message=lazy_gettext("Enter a number of months between 1 and 240")
            ),
        ],
    )

    def validate_public_slug(self, field):
        field.data = (field.data or "").strip().lower()
        problem = slug_problem(field.data)
        if problem:
            raise ValidationError(problem)


class NoticeForm(FlaskForm):
    purpose = TextAreaField(
        lazy_gettext("What the school uses it for"),
        description=lazy_gettext("In plain English, for families."),
        validators=[Optional(), MaxLength(1000)],
    )
    # Optional until the product is published (checked in the service), so no choice is fine.
    lawful_basis = RadioField(
        lazy_gettext("Lawful basis"), choices=_choices(LawfulBasis), validate_choice=False
    )
    storage = RadioField(
        lazy_gettext("Where the data is stored"),
        choices=_choices(StorageLocation),
        validate_choice=False,
    )
    storage_detail = StringField(
        lazy_gettext("Countries, if outside the UK"),
        validators=[Optional(), MaxLength(300)],
    )
    retention = TextAreaField(
        lazy_gettext("How long the data is kept"),
        description=lazy_gettext("For example: deleted within 30 days of the pupil leaving."),
        validators=[Optional(), MaxLength(1000)],
    )
    data_subjects = TextAreaField(
        lazy_gettext("Whose data (record of processing only)"),
        validators=[Optional(), MaxLength(1000)],
    )
    recipients = TextAreaField(
        lazy_gettext("Who receives the data (record of processing only)"),
        validators=[Optional(), MaxLength(1000)],
    )
    security = TextAreaField(
        lazy_gettext("Security measures (record of processing only)"),
        validators=[Optional(), MaxLength(2000)],
    )
    published = BooleanField(lazy_gettext("Show this product on the public page"))

    def validate_lawful_basis(self, field):
        if field.data and field.data not in set(LawfulBasis):
            raise ValidationError(_("Choose a lawful basis from the list"))

    def validate_storage(self, field):
        if field.data and field.data not in set(StorageLocation):
            raise ValidationError(_("Choose where the data is stored from the list"))


class RequestForm(FlaskForm):
    subject = RadioField(
        lazy_gettext("What is it about?"),
        choices=_choices(RequestSubject),
        validators=[DataRequired(lazy_gettext("Choose what the request is about"))],
    )
    vendor_id = SelectField(lazy_gettext("App or service"), coerce=int, validators=[Optional()])
    kind = RadioField(
        lazy_gettext("Kind of request"),
        choices=_choices(RequestKind),
        validators=[DataRequired(lazy_gettext("Choose the kind of request"))],
    )
    pupil_reference = StringField(
        lazy_gettext("Pupil reference"),
        description=lazy_gettext(
            "A reference the school chooses, such as an admission number. Do not enter a name."
        ),
        validators=[DataRequired(lazy_gettext("Enter the pupil reference")), MaxLength(60)],
    )
    received_on = DateInput(
        lazy_gettext("Date received"),
        validators=[DataRequired(lazy_gettext("Enter the date the request was received"))],
    )
    details = TextAreaField(
        lazy_gettext("What the family asked"), validators=[Optional(), MaxLength(2000)]
    )
    outcome = RadioField(
        lazy_gettext("Outcome"),
        choices=_choices(RequestOutcome),
        default=RequestOutcome.OPEN.value,
        validators=[DataRequired(lazy_gettext("Choose the outcome"))],
    )
    outcome_note = TextAreaField(
        lazy_gettext("Reasons for the outcome"), validators=[Optional(), MaxLength(2000)]
    )
    alternative = TextAreaField(
        lazy_gettext("Alternative offered without detriment"),
        description=lazy_gettext(
            "What the pupil uses instead, so they lose nothing by the family's choice."
        ),
        validators=[Optional(), MaxLength(2000)],
    )
    review_on = DateInput(lazy_gettext("Review date"), validators=[Optional()])

    def validate_vendor_id(self, field):
        if self.subject.data == RequestSubject.PRODUCT and not field.data:
            raise ValidationError(_("Choose the app or service the request is about"))


class ReturnForm(FlaskForm):
    name = StringField(
        lazy_gettext("Name of the return"),
        validators=[DataRequired(lazy_gettext("Enter the name")), MaxLength(200)],
    )
    purpose = TextAreaField(lazy_gettext("Purposes"), validators=[Optional(), MaxLength(2000)])
    lawful_basis = TextAreaField(
        lazy_gettext("Lawful basis"), validators=[Optional(), MaxLength(2000)]
    )
    data_subjects = TextAreaField(
        lazy_gettext("Whose data"), validators=[Optional(), MaxLength(2000)]
    )
    data_categories = TextAreaField(
        lazy_gettext("Categories of data"), validators=[Optional(), MaxLength(4000)]
    )
    recipients = TextAreaField(lazy_gettext("Recipients"), validators=[Optional(), MaxLength(2000)])
    transfers = TextAreaField(
        lazy_gettext("Transfers outside the UK"), validators=[Optional(), MaxLength(2000)]
    )
    retention = TextAreaField(
        lazy_gettext("How long it is kept"), validators=[Optional(), MaxLength(2000)]
    )
    security = TextAreaField(
        lazy_gettext("Security measures"), validators=[Optional(), MaxLength(2000)]
    )
