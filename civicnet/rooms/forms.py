"""Room and message forms."""

from wtforms.validators import NumberRange

from civicnet.forms import (
    BooleanField,
    FlaskForm,
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovTextArea,
    IntegerField,
    Length,
    Optional,
    RadioField,
    TextAreaField,
    choices,
    file_field,
    submit,
    text_field,
)
from civicnet.ids import MAX_ID
from civicnet.rooms.messages import MAX_BODY
from civicnet.rooms.models import ROOM_KINDS
from civicnet.rooms.services import MAX_DESCRIPTION, MAX_NAME


class RoomForm(FlaskForm):
    name = text_field("Room name", required="Enter a room name", max_length=MAX_NAME)
    description = TextAreaField(
        "What is the room for? (optional)",
        validators=[Length(max=MAX_DESCRIPTION, message=f"Description must be {MAX_DESCRIPTION} characters or fewer")],
        widget=GovTextArea(),
    )
    kind = RadioField(
        "Who can take part?",
        choices=choices(ROOM_KINDS.items()),
        default="public",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    open_to_public = BooleanField(
        "Let people who are not signed in read this room (public rooms only)", widget=GovCheckboxInput()
    )
    tags = text_field("Skill tags (optional)", max_length=600, description="Up to 10, separated by commas")
    submit = submit("Save room")


def message_body(widget, description: str = "") -> TextAreaField:
    return TextAreaField(
        "Message",
        validators=[Length(max=MAX_BODY, message=f"Message must be {MAX_BODY:,} characters or fewer")],
        widget=widget,
        description=description,
    )


class MessageForm(FlaskForm):
    body = message_body(GovCharacterCount(), "You can use Markdown. Mention someone with @username.")
    reply_to = IntegerField(
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_ID, message="The message you are replying to is not in this room"),
        ]
    )
    client_id = text_field("client_id", max_length=64)
    # Shown to verified public servants only.
    speaking_for = RadioField(
        "Speaking",
        choices=choices([("personal", "Personally"), ("organisation", "For my organisation")]),
        default="personal",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    # The hint, which states the limits (settings), is given when the page is drawn.
    files = file_field("Attach files (optional)", multiple=True)
    submit = submit("Send message")


class EditMessageForm(FlaskForm):
    body = message_body(GovTextArea())
    submit = submit("Save changes")


class AddMemberForm(FlaskForm):
    username = text_field("Username", required="Enter the username of the person to add", max_length=30)
    submit = submit("Add member")
