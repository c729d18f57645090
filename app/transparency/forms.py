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
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, NumberRange, Optional, ValidationError

from app.form_fields import DateInput, MaxLength
from app.models.transparency import (
    LawfulBasis,
    RequestKind,
    RequestOutcome,
    RequestSubject,
    StorageLocation,
)
from app.services.transparency.settings import slug_problem


def _choices(enum) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in enum]


class SettingsForm(FlaskForm):
    public_slug = StringField(
        "Page address",
        description="The end of your public page's address. Lower-case letters, digits and "
        "hyphens, like oakfield-primary.",
        validators=[DataRequired("Enter the page address"), MaxLength(60)],
    )
    privacy_contact = StringField(
        "Who families contact about privacy",
        description="A role, not a person's name, as it reads in a sentence: 'the school's data "
        "protection officer'. It is shown on the public page.",
        validators=[DataRequired("Enter who families contact"), MaxLength(200)],
    )
    privacy_email = EmailField(
        "Privacy contact email",
        description="A shared mailbox, for example privacy@school.example, not a personal address.",
        validators=[
            DataRequired("Enter the privacy contact email"),
            Email("Enter an email address in the correct format, like privacy@school.example"),
            MaxLength(254),
        ],
    )
    privacy_postal = TextAreaField(
        "Postal address for privacy requests",
        validators=[Optional(), MaxLength(500)],
    )
    delete_requests_after_months = IntegerField(
        "Delete closed families' requests after (months)",
        description="Counted from the later of the date received and the review date. Leave "
        "empty to keep them. Open requests are never deleted.",
        validators=[
            Optional(),
            NumberRange(min=1, max=240, message="Enter a number of months between 1 and 240"),
        ],
    )

    def validate_public_slug(self, field):
        field.data = (field.data or "").strip().lower()
        problem = slug_problem(field.data)
        if problem:
            raise ValidationError(problem)


class NoticeForm(FlaskForm):
    purpose = TextAreaField(
        "What the school uses it for",
        description="In plain English, for families.",
        validators=[Optional(), MaxLength(1000)],
    )
    # Optional until the product is published (checked in the service), so no choice is fine.
    lawful_basis = RadioField("Lawful basis", choices=_choices(LawfulBasis), validate_choice=False)
    storage = RadioField(
        "Where the data is stored", choices=_choices(StorageLocation), validate_choice=False
    )
    storage_detail = StringField(
        "Countries, if outside the UK",
        validators=[Optional(), MaxLength(300)],
    )
    retention = TextAreaField(
        "How long the data is kept",
        description="For example: deleted within 30 days of the pupil leaving.",
        validators=[Optional(), MaxLength(1000)],
    )
    data_subjects = TextAreaField(
        "Whose data (record of processing only)",
        validators=[Optional(), MaxLength(1000)],
    )
    recipients = TextAreaField(
        "Who receives the data (record of processing only)",
        validators=[Optional(), MaxLength(1000)],
    )
    security = TextAreaField(
        "Security measures (record of processing only)",
        validators=[Optional(), MaxLength(2000)],
    )
    published = BooleanField("Show this product on the public page")

    def validate_lawful_basis(self, field):
        if field.data and field.data not in set(LawfulBasis):
            raise ValidationError("Choose a lawful basis from the list")

    def validate_storage(self, field):
        if field.data and field.data not in set(StorageLocation):
            raise ValidationError("Choose where the data is stored from the list")


class RequestForm(FlaskForm):
    subject = RadioField(
        "What is it about?",
        choices=_choices(RequestSubject),
        validators=[DataRequired("Choose what the request is about")],
    )
    vendor_id = SelectField("App or service", coerce=int, validators=[Optional()])
    kind = RadioField(
        "Kind of request",
        choices=_choices(RequestKind),
        validators=[DataRequired("Choose the kind of request")],
    )
    pupil_reference = StringField(
        "Pupil reference",
        description="A reference the school chooses, such as an admission number. Do not enter "
        "a name.",
        validators=[DataRequired("Enter the pupil reference"), MaxLength(60)],
    )
    received_on = DateInput(
        "Date received", validators=[DataRequired("Enter the date the request was received")]
    )
    details = TextAreaField("What the family asked", validators=[Optional(), MaxLength(2000)])
    outcome = RadioField(
        "Outcome",
        choices=_choices(RequestOutcome),
        default=RequestOutcome.OPEN.value,
        validators=[DataRequired("Choose the outcome")],
    )
    outcome_note = TextAreaField(
        "Reasons for the outcome", validators=[Optional(), MaxLength(2000)]
    )
    alternative = TextAreaField(
        "Alternative offered without detriment",
        description="What the pupil uses instead, so they lose nothing by the family's choice.",
        validators=[Optional(), MaxLength(2000)],
    )
    review_on = DateInput("Review date", validators=[Optional()])

    def validate_vendor_id(self, field):
        if self.subject.data == RequestSubject.PRODUCT and not field.data:
            raise ValidationError("Choose the app or service the request is about")


class ReturnForm(FlaskForm):
    name = StringField(
        "Name of the return", validators=[DataRequired("Enter the name"), MaxLength(200)]
    )
    purpose = TextAreaField("Purposes", validators=[Optional(), MaxLength(2000)])
    lawful_basis = TextAreaField("Lawful basis", validators=[Optional(), MaxLength(2000)])
    data_subjects = TextAreaField("Whose data", validators=[Optional(), MaxLength(2000)])
    data_categories = TextAreaField("Categories of data", validators=[Optional(), MaxLength(4000)])
    recipients = TextAreaField("Recipients", validators=[Optional(), MaxLength(2000)])
    transfers = TextAreaField("Transfers outside the UK", validators=[Optional(), MaxLength(2000)])
    retention = TextAreaField("How long it is kept", validators=[Optional(), MaxLength(2000)])
    security = TextAreaField("Security measures", validators=[Optional(), MaxLength(2000)])
