"""Form building blocks shared by every capability: GOV.UK widgets and plain-English messages."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

__all__ = [
    "BooleanField",
    "CheckboxesField",
    "Email",
    "FlaskForm",
    "GovCharacterCount",
    "GovCheckboxInput",
    "GovDateField",
    "GovPasswordInput",
    "GovRadioInput",
    "GovSelect",
    "GovSubmitInput",
    "GovTextArea",
    "GovTextInput",
    "HiddenField",
    "InputRequired",
    "IntegerField",
    "Length",
    "Optional",
    "PasswordField",
    "RadioField",
    "SelectField",
    "StringField",
    "SubmitField",
    "TextAreaField",
    "email_field",
    "file_field",
    "note_field",
    "password_field",
    "strip",
    "submit",
    "text_field",
    "uploaded_bytes",
]


class CheckboxesField(SelectMultipleField):
    """Tick boxes (rendered by the template with GOV.UK markup)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    """Select and radio options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip(value):
    return value.strip() if isinstance(value, str) else value


def text_field(
    label: str, *, required: str | None = None, max_length: int, description: str = "", **kwargs
) -> StringField:
    """A text input with a required message (if any) and a length limit that says what to do."""
    validators = [InputRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"))
    return StringField(
        label, validators=validators, filters=[strip], widget=GovTextInput(), description=description, **kwargs
    )


def email_field(label: str = "Email address", **kwargs) -> StringField:
    return StringField(
        label,
        validators=[
            InputRequired(message="Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
        filters=[strip],
        widget=GovTextInput(),
        **kwargs,
    )


def password_field(label: str, required: str, max_length: int = 256, description: str = "") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(message=required),
            Length(max=max_length, message=f"Password must be {max_length} characters or fewer"),
        ],
        widget=GovPasswordInput(),
        description=description,
    )


def note_field(label: str, max_length: int, required: str | None = None) -> TextAreaField:
    """A free-text box, optional unless `required` gives the message for leaving it empty."""
    validators = [InputRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return TextAreaField(label, validators=validators, widget=GovTextArea())


def file_field(label: str, description: str = "", multiple: bool = False) -> FileField:
    """A GOV.UK file upload. What the file may be is the service's to check, which says so in words."""
    return FileField(label, widget=GovFileInput(multiple=multiple), description=description)


def uploaded_bytes(upload, limit: int) -> bytes:
    """An uploaded file's content, read no further than one byte past limit (so the service can tell it is
    too large without holding all of it); empty when no file was chosen."""
    if upload is None or not getattr(upload, "filename", ""):
        return b""
    return upload.stream.read(limit + 1)


def submit(label: str) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


def apply_service_error(form: FlaskForm, error) -> None:
    """Show a service's Invalid on the field it names, or on the form as a whole."""
    name = getattr(error, "field", None)
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year) that says what a real date looks like."""

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a real date, for example 27 3 2026") from None

    def process(self, formdata, data=None, **kwargs) -> None:
        super().process(formdata, data, **kwargs)
        # The widget shows what was sent back in its three boxes: anything but three values (a field
        # left out of the post) shows empty boxes rather than failing to render.
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = None
