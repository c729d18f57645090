"""Forms for the vendor register, starting assessments, decisions and imports.

Section answers are a plain form (questions come from the checklist), parsed and validated in
app/services/procurement/assessments.py; everything else uses Flask-WTF forms with the shared
GOV.UK macros.
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.form_fields import DateInput, MaxLength, MultiCheckboxField
from app.models.procurement import Decision

DATA_CATEGORY_LABELS = [
    ("contact", "Names and contact details"),
    ("attainment", "Attainment, assessment or progress"),
    ("attendance", "Attendance"),
    ("behaviour", "Behaviour"),
    ("send", "Special educational needs and disabilities (SEND)"),
    ("health", "Health or medical information"),
    ("safeguarding", "Safeguarding records"),
    ("images", "Photos, audio or video"),
    ("staff", "Staff data only"),
]


class VendorForm(FlaskForm):
    product = StringField(
        "Product name",
        validators=[DataRequired("Enter the product's name"), MaxLength(200)],
    )
    name = StringField(
        "Supplier",
        description="The company that provides the product.",
        validators=[DataRequired("Enter the supplier's name"), MaxLength(200)],
    )
    website = URLField(
        "Website",
        validators=[
            Optional(),
            URL(message="Enter a full web address, like https://www.example.com"),
            MaxLength(500),
        ],
    )
    contact_name = StringField("Supplier contact name", validators=[Optional(), MaxLength(200)])
    contact_email = EmailField(
        "Supplier contact email",
        validators=[
            Optional(),
            Email("Enter an email address in the correct format, like name@example.com"),
            MaxLength(254),
        ],
    )
    purpose = TextAreaField(
        "What will the school use it for?",
        validators=[Optional(), Length(max=2000, message="Use 2,000 characters or fewer")],
    )
    data_categories = MultiCheckboxField(
        "Pupil data it will hold",
        choices=[SelectChoice(v, label) for v, label in DATA_CATEGORY_LABELS],
    )
    pupils_covered = IntegerField(
        "Number of pupils covered",
        validators=[
            Optional(),
            NumberRange(min=0, max=1_000_000, message="Enter a number between 0 and 1,000,000"),
        ],
    )
    contract_start = DateInput("Contract start date", validators=[Optional()])
    contract_end = DateInput("Contract end date", validators=[Optional()])

    def validate_contract_end(self, field):
        if field.data and self.contract_start.data and field.data < self.contract_start.data:
            raise ValidationError("The contract end date must be after the start date")


class StartAssessmentForm(FlaskForm):
    checklist_id = SelectField("Questionnaire", validators=[DataRequired("Choose a questionnaire")])


class ConditionForm(Form):
    text = StringField("Condition", validators=[Optional(), MaxLength(500)])
    owner = StringField("Owner", validators=[Optional(), MaxLength(200)])
    due_on = DateInput("Due date", validators=[Optional()])

    def validate_owner(self, field):
        if self.text.data and not field.data:
            raise ValidationError("Enter who owns this condition")

    def validate_due_on(self, field):
        if self.text.data and not field.data:
            raise ValidationError("Enter the date this condition is due")


class DecisionForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=[SelectChoice(decision.value, decision.label) for decision in Decision],
        validators=[DataRequired("Choose a decision")],
    )
    reason = TextAreaField(
        "Reason for the decision",
        validators=[DataRequired("Give the reason for the decision"), MaxLength(4000)],
    )
    conditions = FieldList(FormField(ConditionForm), min_entries=3, max_entries=6)
    signed_off_by = StringField(
        "Signed off by",
        description="The name of the DPO or business manager taking the decision.",
        validators=[DataRequired("Enter the name of the person signing off"), MaxLength(200)],
    )


class ImportForm(FlaskForm):
    document = FileField(
        "Assessment file (JSON)",
        validators=[FileRequired("Choose a JSON file exported from this service")],
    )
