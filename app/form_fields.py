"""Form field pieces shared by every blueprint, with messages that name the field.

WTForms' own defaults ("Field cannot be longer than 200 characters.", "Not a valid date value.")
do not say which answer is wrong; these do, in the GOV.UK error message style.
"""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, Field, SelectMultipleField
from wtforms.fields import choices as wtforms_choices
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.util.i18n import _

# One option of a select or radio field. WTForms 3.3 wants these (plain tuples are deprecated);
# the published type stubs stop at WTForms 3.2, which did not have it.
SelectChoice = wtforms_choices.SelectChoice  # type: ignore[attr-defined]


class MaxLength(Length):
    """At most `maximum` characters: "Product name must be 200 characters or fewer"."""

    def __init__(self, maximum: int) -> None:
        super().__init__(max=maximum)

    def __call__(self, form, field) -> None:
        if field.data and len(field.data) > self.max:
            raise ValidationError(
                _(
                    "%(field)s must be %(max)s characters or fewer",
                    field=field.label.text,
                    max=f"{self.max:,}",
                )
            )


class DateInput(DateField):
    """A date (the browser's date box sends YYYY-MM-DD) with a message naming the field, from
    1900 to 2999: a year like 9999 is a typing slip, and date arithmetic on it overflows."""

    EARLIEST = date(1900, 1, 1)
    LATEST = date(2999, 12, 31)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                _("%(field)s must be a real date, for example 2027-03-31", field=self.label.text)
            ) from error
        if self.data is not None and not self.EARLIEST <= self.data <= self.LATEST:
            self.data = None
            raise ValueError(f"{self.label.text} must be a date between 1900 and 2999")


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (GOV.UK checkboxes): the inputs are `<id>-0`, `<id>-1`, ..."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """An empty form: a button that changes something and carries only the CSRF token."""


def add_error(field: Field, *messages: str) -> None:
    """Show a problem found after the field's own validators (a wrong password, an email in use)
    beside the field and in the error summary, as theirs are. WTForms keeps a field's errors as
    a tuple until it is validated, so this makes a new list rather than appending."""
    field.errors = [*field.errors, *messages]
