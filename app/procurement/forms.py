"""Forms for the vendor register, starting assessments, decisions (proposal, sign-off,
conditions) and imports.

Section answers are a plain form (questions come from the checklist), parsed and validated in
app/services/procurement/assessments.py; everything else uses Flask-WTF forms with the shared
GOV.UK macros.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.form_fields import DateInput, MaxLength, MultiCheckboxField, SelectChoice, add_error
from app.models.procurement import Decision
from app.services.procurement.conditions import EVIDENCE_MAX, NOTE_MAX, owner_of
from app.services.procurement.decisions import MAX_CONDITIONS, ConditionInput
from app.util.i18n import _, lazy_gettext

DATA_CATEGORY_LABELS = [
    ("contact", lazy_gettext("Names and contact details")),
    ("attainment", lazy_gettext("Attainment, assessment or progress")),
    ("attendance", lazy_gettext("Attendance")),
    ("behaviour", lazy_gettext("Behaviour")),
    ("send", lazy_gettext("Special educational needs and disabilities (SEND)")),
    ("health", lazy_gettext("Health or medical information")),
    ("safeguarding", lazy_gettext("Safeguarding records")),
    ("images", lazy_gettext("Photos, audio or video")),
    ("staff", lazy_gettext("Staff data only")),
]


class VendorForm(FlaskForm):
    # A one-time token per add-product page, so a second submit of it adds nothing more.
    submission_token = HiddenField()
    product = StringField(
        lazy_gettext("Product name"),
        validators=[DataRequired(lazy_gettext("Enter the product's name")), MaxLength(200)],
    )
    name = StringField(
        lazy_gettext("Supplier"),
        description=lazy_gettext("The company that provides the product."),
        validators=[DataRequired(lazy_gettext("Enter the supplier's name")), MaxLength(200)],
    )
    website = URLField(
        lazy_gettext("Website"),
        validators=[
            Optional(),
            URL(message=lazy_gettext("Enter a full web address, like https://www.example.com")),
            MaxLength(500),
        ],
    )
    contact_name = StringField(
        lazy_gettext("Supplier contact name"), validators=[Optional(), MaxLength(200)]
    )
    contact_email = EmailField(
        lazy_gettext("Supplier contact email"),
        validators=[
            Optional(),
            Email(
                lazy_gettext("Enter an email address in the correct format, like name@example.com")
            ),
            MaxLength(254),
        ],
    )
    purpose = TextAreaField(
        lazy_gettext("What will the school use it for?"),
        validators=[
            Optional(),
            Length(max=2000, message=lazy_gettext("Use 2,000 characters or fewer")),
        ],
    )
    data_categories = MultiCheckboxField(
        lazy_gettext("Pupil data it will hold"),
        choices=[SelectChoice(v, label) for v, label in DATA_CATEGORY_LABELS],
    )
    pupils_covered = IntegerField(
        lazy_gettext("Number of pupils covered"),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=1_000_000, message=lazy_gettext("Enter a number between 0 and 1,000,000")
            ),
        ],
    )
    contract_start = DateInput(lazy_gettext("Contract start date"), validators=[Optional()])
    contract_end = DateInput(lazy_gettext("Contract end date"), validators=[Optional()])

    def validate_contract_end(self, field):
        if field.data and self.contract_start.data and field.data < self.contract_start.data:
            raise ValidationError(_("The contract end date must be after the start date"))


class StartAssessmentForm(FlaskForm):
    checklist_id = SelectField(
        lazy_gettext("Questionnaire"),
        validators=[DataRequired(lazy_gettext("Choose a questionnaire"))],
    )


class ConditionForm(Form):
    """One condition row: empty, or text, owner and due date all given (a half-filled row is an
    error naming what is missing, and keeps what was typed)."""

    text = StringField(lazy_gettext("Condition"), validators=[Optional(), MaxLength(500)])
    owner = SelectField(lazy_gettext("Owner"), choices=[], validate_choice=False)
    supplier_contact = StringField(
        lazy_gettext("Supplier contact's name"),
        description=lazy_gettext("Only when the owner is a contact at the supplier."),
        validators=[Optional(), MaxLength(200)],
    )
    due_on = DateInput(lazy_gettext("Due date"), validators=[Optional()])

    def started(self) -> bool:
        typed_date = any(v.strip() for v in (self.due_on.raw_data or []) if v)
        return bool(
            (self.text.data or "").strip()
            or self.owner.data
            or (self.supplier_contact.data or "").strip()
            or typed_date
        )

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.started():
            return valid
        if not (self.text.data or "").strip():
            add_error(self.text, _("Describe the condition"))
        try:
            owner_of(self.owner.data or "", self.supplier_contact.data or "", self.owners())
        except ValueError as problem:
            target = self.supplier_contact if self.owner.data == "supplier" else self.owner
            add_error(target, str(problem).capitalize())
        if self.due_on.data is None and not self.due_on.errors:
            add_error(self.due_on, _("Enter the date it is due"))
        return valid and not any(f.errors for f in self)

    def owners(self) -> dict[str, str]:
        choices = cast(list[tuple[str, str]], self.owner.choices)  # set by DecisionForm.offer
        return {value: label for value, label in choices if value.startswith("user:")}

    def condition(self) -> ConditionInput | None:
        if not self.started():
            return None
        kind, name, user_id = owner_of(
            self.owner.data or "", self.supplier_contact.data or "", self.owners()
        )
        if self.due_on.data is None:
            raise ValueError("condition() reads a validated form, which has a due date")
        text = (self.text.data or "").strip()
        return ConditionInput(text, kind, name, self.due_on.data, user_id)


class DecisionForm(FlaskForm):
    """Proposing a decision; the outcomes offered are the ones the rules allow for the result."""

    # Any value is passed on: the decision rules answer "not allowed" in their own words.
    outcome = RadioField(
        lazy_gettext("Decision"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(lazy_gettext("Choose a decision"))],
    )
    reason = TextAreaField(
        lazy_gettext("Reason for the decision"),
        validators=[
            DataRequired(lazy_gettext("Give the reason for the decision")),
            MaxLength(4000),
        ],
    )
    departure_reason = TextAreaField(
        lazy_gettext("Reason for departing from the rating"),
        description=lazy_gettext(
            "Needed to approve a product rated in the bottom band. It is printed on the "
            "report's cover, and a DPO must accept it."
        ),
        validators=[Optional(), MaxLength(2000)],
    )
    conditions = FieldList(FormField(ConditionForm), min_entries=4, max_entries=MAX_CONDITIONS)

    def offer(self, outcomes: Iterable[Decision], owners: list[tuple[str, str]]) -> None:
        self.outcome.choices = [SelectChoice(o.value, o.label) for o in outcomes]
        for entry in self.conditions:
            entry.form.owner.choices = [("", _("Choose an owner")), *owners]

    def chosen_conditions(self) -> list[ConditionInput]:
        return [c for entry in self.conditions if (c := entry.form.condition()) is not None]


class SignOffForm(FlaskForm):
    action = RadioField(
        lazy_gettext("Your decision"),
        choices=[
            SelectChoice("sign", lazy_gettext("Sign it off")),
            SelectChoice("send_back", lazy_gettext("Send it back to the proposer")),
        ],
        validators=[DataRequired(lazy_gettext("Choose whether to sign it off or send it back"))],
    )
    accept_departure = BooleanField(lazy_gettext("I accept this departure from the rating"))
    note = TextAreaField(
        lazy_gettext("Note for the proposer"),
        description=lazy_gettext("Needed when you send the decision back: say what to change."),
        validators=[Optional(), MaxLength(2000)],
    )


class ConditionMetForm(FlaskForm):
    note = TextAreaField(
        lazy_gettext("How was it met?"),
        validators=[
            DataRequired(lazy_gettext("Say how the condition was met")),
            MaxLength(NOTE_MAX),
        ],
    )
    evidence = URLField(
        lazy_gettext("Evidence link (optional)"),
        description=lazy_gettext(
            "For example the signed contract clause or the supplier's confirmation."
        ),
        validators=[
            Optional(),
            URL(message=lazy_gettext("Enter a full web address, like https://www.example.com")),
            MaxLength(EVIDENCE_MAX),
        ],
    )


class ImportForm(FlaskForm):
    document = FileField(
        lazy_gettext("Assessment file (JSON)"),
        validators=[FileRequired(lazy_gettext("Choose a JSON file exported from this service"))],
    )


class EvidenceForm(FlaskForm):
    """One evidence file for one answer, with the date the evidence speaks for (its "as of"
    date, not the upload date). The questions offered are set by the view."""

    question_id = SelectField(lazy_gettext("Question the file is evidence for"), choices=[])
    evidence_file = FileField(
        lazy_gettext("File (PDF, PNG or JPEG image, Word, Excel or OpenDocument text)"),
        validators=[FileRequired(lazy_gettext("Choose a file to attach"))],
    )
    as_of = DateInput(
        lazy_gettext("Date the evidence is as of"),
        description=lazy_gettext(
            "For example the date of the certificate, the policy or the audit report"
        ),
        validators=[DataRequired(lazy_gettext("Enter the date the evidence is as of"))],
    )
