"""The data rights forms: the purpose staff give before looking, the export, the rights request queue."""

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import HiddenField

from civicnet.access_log import PURPOSES
from civicnet.datarights.importer import PARTS
from civicnet.datarights.requests import CHANNELS, KINDS, OUTCOMES
from civicnet.forms import (
    CheckboxesField,
    FlaskForm,
    GovDateField,
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


class RightsRequestForm(FlaskForm):
    received_at = GovDateField("When did it arrive?", validators=[InputRequired(message="Enter the date it arrived")])
    channel = RadioField(
        "How did it come?",
        choices=choices(CHANNELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how the request came")],
    )
    kind = RadioField(
        "What do they ask for?",
        choices=choices(KINDS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose what they asked for")],
    )
    requester = text_field(
        "Who asked, and how to answer them", required="Enter who asked and how to answer them", max_length=200
    )
    username = text_field("Their civicnet username, if they are a member (optional)", max_length=30)
    details = note_field("Details (optional)", 2000)
    submit = submit("Record the request")


class ExtendForm(FlaskForm):
    months = RadioField(
        "Extend by",
        choices=choices([("1", "One month"), ("2", "Two months")]),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how long to extend by")],
    )
    reason = note_field("Why (tell the requester this within the first month)", 1000, required="Say why")
    submit = submit("Extend the deadline")


class CloseForm(FlaskForm):
    outcome = RadioField(
        "Outcome",
        choices=choices(OUTCOMES.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the outcome")],
    )
    note = note_field("Note (the reasons, if refused)", 2000)
    submit = submit("Close the request")


class ImportForm(FlaskForm):
    archive = FileField(
        "Your export from another civicnet (a zip file)",
        validators=[FileRequired(message="Choose the zip file to import")],
        widget=GovFileInput(),
    )
    submit = submit("Upload and preview")


class ConfirmImportForm(FlaskForm):
    preview = HiddenField()
    parts = CheckboxesField(
        "What to import", choices=choices(PARTS.items()), validators=[InputRequired(message="Choose what to import")]
    )
    submit = submit("Import")


class LeaveForm(FlaskForm):
    messages = RadioField(
        "What should happen to your messages?",
        choices=choices(
            [
                ("keep", "Keep them, shown as written by a former member"),
                ("remove", "Remove them: each is replaced by “Message removed at the author's request”"),
            ]
        ),
        validators=[InputRequired(message="Choose what happens to your messages")],
        widget=GovRadioInput(),
    )
    password = password_field("Your password", "Enter your password")
    submit = submit("Delete my account")
