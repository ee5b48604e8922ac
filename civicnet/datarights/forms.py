"""The purpose form staff fill in before a screen shows a member's data."""

from civicnet.access_log import PURPOSES
from civicnet.forms import FlaskForm, GovRadioInput, InputRequired, RadioField, choices, note_field, submit, text_field


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
    submit = submit("Continue")
