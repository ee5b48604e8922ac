"""Moderation forms. The action form is one class; each action's section shows the fields it needs."""

from wtforms import HiddenField

from civicnet.accounts.models import ROLE_LABELS
from civicnet.forms import (
    FlaskForm,
    GovRadioInput,
    GovSelect,
    InputRequired,
    RadioField,
    SelectField,
    choices,
    note_field,
    submit,
    text_field,
)
from civicnet.moderation import actions, appeals, reports
from civicnet.moderation.rules import OUTCOMES, PERIODS, REASONS, REPORT_REASONS, TAG_REASONS, WORD_ACTIONS


class ReportForm(FlaskForm):
    reason = RadioField(
        "Why are you reporting it?",
        choices=choices(REPORT_REASONS.items()),
        validators=[InputRequired(message="Choose why you are reporting it")],
        widget=GovRadioInput(),
    )
    note = note_field("Anything the moderators should know? (optional)", reports.MAX_NOTE)
    submit = submit("Send report")


class ActionForm(FlaskForm):
    kind = HiddenField()
    item_type = HiddenField()
    item_id = HiddenField()
    username = HiddenField()
    seen = HiddenField()
    reason = SelectField(
        "Reason",
        choices=choices([("", "Choose the rule"), *REASONS.items()]),
        validators=[InputRequired(message="Choose the rule this decision applies")],
        widget=GovSelect(),
    )
    note = note_field("Note for the member (optional)", actions.MAX_NOTE)
    period = RadioField(
        "For how long?", choices=choices(PERIODS.items()), widget=GovRadioInput(), validate_choice=False
    )
    room = text_field("Only in this room (its web address name, or leave empty for everywhere)", max_length=60)
    name = text_field("New room name", max_length=80)
    description = note_field("New description", 500)
    submit = submit("Confirm")


class AppealForm(FlaskForm):
    note = note_field(
        "Why should the decision change?",
        appeals.MAX_NOTE,
        required="Tell the moderators why the decision should change",
    )
    submit = submit("Send appeal")


class DecideAppealForm(FlaskForm):
    outcome = RadioField(
        "Your decision",
        choices=choices(OUTCOMES.items()),
        validators=[InputRequired(message="Choose whether to uphold or reverse the decision")],
        widget=GovRadioInput(),
    )
    decision_note = note_field(
        "Reason (the member will read this)", appeals.MAX_NOTE, required="Give the reason for your decision"
    )
    submit = submit("Decide appeal")


class WordForm(FlaskForm):
    phrase = text_field("Word or phrase", required="Enter a word or phrase", max_length=100)
    action = RadioField(
        "What happens to a message that contains it?",
        choices=choices(WORD_ACTIONS.items()),
        validators=[InputRequired(message="Choose what happens to a message that contains it")],
        widget=GovRadioInput(),
    )
    submit = submit("Add to the list")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=choices(ROLE_LABELS.items()), widget=GovSelect())
    note = note_field("Why? (recorded in the audit log)", 500)
    submit = submit("Change role")


def _tag_reason() -> SelectField:
    return SelectField(
        "Reason (recorded in the audit log)",
        choices=choices([("", "Choose a reason"), *TAG_REASONS.items()]),
        validators=[InputRequired(message="Choose the reason for this change")],
        widget=GovSelect(),
    )


class RenameTagForm(FlaskForm):
    name = text_field("New name", required="Enter a new name for the tag", max_length=50)
    reason = _tag_reason()
    submit = submit("Rename tag")


class MergeTagForm(FlaskForm):
    target = text_field(
        "Merge into",
        required="Enter the tag to merge into",
        max_length=50,
        description="Everyone who holds this tag will hold that one instead. This tag will be deleted.",
    )
    reason = _tag_reason()
    submit = submit("Merge tags")
