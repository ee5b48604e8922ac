"""Forms for starting a conversation and choosing who may message you."""

from civicnet.direct.models import ALLOW_FROM
from civicnet.forms import FlaskForm, GovCharacterCount, GovRadioInput, RadioField, choices, submit, text_field
from civicnet.rooms.forms import message_body


class StartForm(FlaskForm):
    to = text_field(
        "To",
        required="Enter the username of the person you want to write to",
        max_length=300,
        description="Their username, or up to 7 usernames separated by commas for a group",
    )
    body = message_body(GovCharacterCount(), "You can use Markdown. Only the people in the conversation can read it.")
    client_id = text_field("client_id", max_length=64)
    submit = submit("Send message")


class SettingsForm(FlaskForm):
    allow_from = RadioField(
        "Who can send you direct messages?",
        choices=choices(ALLOW_FROM.items()),
        widget=GovRadioInput(),
        validate_choice=False,  # the service says what is wrong, in words
    )
    submit = submit("Save")
