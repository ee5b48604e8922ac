"""The purpose form staff fill in before a screen shows a member's data."""

from civicnet.access_log import PURPOSES
from civicnet.forms import (
    FlaskForm,
    GovRadioInput,
    GovSelect,
    InputRequired,
    RadioField,
    SelectField,
    choices,
    note_field,
    password_field,
    submit,
    text_field,
)


class PurposeForm(FlaskForm):
    purpose = RadioField(
        "Why do you need to see this member's data?",
        choices=choices(PURPOSES.items()),
        validators=[InputRequired(message="Choose why you need to see it")],
        widget=GovRadioInput(),
    )
    case_ref = text_field(
        "Case reference (optional)",
        max_length=60,
        description="For example a report, ticket or request number. Never a person's name: the member reads it.",
    )
    note = note_field("Note (needed for “Other”; the member reads it)", 500)
    hold_days = SelectField(
        "Keep this look from the member for a while? (administrators, security investigations and legal requests)",
        choices=choices([("0", "No: they see it now"), ("7", "7 days"), ("30", "30 days"), ("90", "90 days")]),
        default="0",
        description="A second administrator must approve it within a day, or the member sees it.",
        widget=GovSelect(),
    )
    submit = submit("Continue")


class ApproveHoldForm(FlaskForm):
    submit = submit("Approve")


class ExportForm(FlaskForm):
    password = password_field("Your password", "Enter your password")
    submit = submit("Export your data")
