"""The register's forms: an entry, evidence, a deployment, the supplier's reply."""

from wtforms import IntegerField, TextAreaField
from wtforms.validators import Length
from wtforms.widgets import HiddenInput

from civicnet.forms import (
    FlaskForm,
    GovDateField,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    InputRequired,
    Optional,
    RadioField,
    SelectField,
    choices,
    note_field,
    submit,
    text_field,
)
from civicnet.register.models import EVIDENCE_KINDS, KINDS, QUESTIONS, VERDICTS


def _area(label: str, limit: int = 5000, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")],
        widget=GovTextArea(),
        description=description,
    )


class EntryForm(FlaskForm):
    name = text_field("Name", required="Enter the technology's name", max_length=120)
    kind = RadioField(
        "What kind of technology is it?", choices=choices(KINDS.items()), widget=GovRadioInput(), validate_choice=False
    )
    supplier = text_field("Supplier (optional)", max_length=120)
    companies_house = text_field(
        "Companies House number (optional)", max_length=8, description="8 characters, for example 01234567 or SC123456"
    )
    version_or_date = text_field("Version or date (optional)", max_length=60)
    summary = _area("What is it, in plain words?")
    verdict = RadioField("Verdict", choices=choices(VERDICTS.items()), widget=GovRadioInput(), validate_choice=False)
    reasoning = _area("Reasoning", description="Why the evidence supports this verdict.")
    dissent = _area(
        "Dissent (optional)", description="Where reviewers disagree, in their words: it is shown, not hidden."
    )
    tags = text_field("Skill tags (optional)", max_length=600, description="Separate tags with commas.")
    messages = text_field(
        "Room messages to cite (optional)",
        max_length=600,
        description="Links to messages, separated by commas. A message from a room only members can read is shown once its author agrees.",
    )
    review_by = GovDateField(
        "Review by (optional)",
        validators=[Optional()],
        description="For example 27 3 2027. Within a year if you leave it empty.",
    )
    revision = IntegerField(widget=HiddenInput(), validators=[Optional()])
    note = text_field("What did you change? (optional)", max_length=200)
    save = submit("Save")


for _key, _question in QUESTIONS.items():
    setattr(EntryForm, f"answer_{_key}", _area(f"{_question} (optional)"))


class EvidenceForm(FlaskForm):
    kind = SelectField(
        "Kind of evidence", choices=choices(EVIDENCE_KINDS.items()), widget=GovSelect(), validate_choice=False
    )
    summary = note_field("What does it show?", 2000, required="Say what the evidence shows")
    url = text_field("Link (optional)", max_length=500)
    message = text_field("Or a room message's link (optional)", max_length=300)
    dated = GovDateField("Date (optional)", validators=[Optional()])
    conflict = text_field(
        "Conflict of interest",
        max_length=300,
        description="For example “I work for the supplier”. Leave empty if none.",
    )
    add = submit("Add evidence")


class CommentForm(FlaskForm):
    body = note_field("Your comment", 2000, required="Write your comment")
    post = submit("Add comment")


class DeploymentForm(FlaskForm):
    organisation = text_field("Organisation", required="Enter the organisation", max_length=120)
    started = GovDateField("Started (optional)", validators=[Optional()])
    ended = GovDateField("Ended (optional)", validators=[Optional()])
    outcome = note_field("Outcome (optional)", 2000)
    cost = text_field("Cost, where known (optional)", max_length=120)
    add = submit("Add deployment")


class ReplyForm(FlaskForm):
    reply = note_field("Your reply", 3000, required="Write your reply")
    save = submit("Save reply")


class SupplierForm(FlaskForm):
    username = text_field("The supplier's civicnet username", required="Enter their username", max_length=30)
    give = submit("Give the right of reply")


class ReviewedForm(FlaskForm):
    months = RadioField(
        "Review it again in",
        choices=choices([("6", "6 months"), ("12", "12 months"), ("24", "24 months")]),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose when to review it again")],
    )
    confirm = submit("Confirm it still holds")
