"""The notification settings form: a channel per event the member can receive, and email settings."""

from civicnet.forms import FlaskForm, GovRadioInput, InputRequired, RadioField, choices, submit
from civicnet.notifications import preferences

PRIVATE_TEXT = {
    "text": "Include the message",
    "hidden": "Only say where it was, for example “you were mentioned in Budget planning”",
}


def settings_form(user, channels: dict[str, str], settings, formdata=None) -> FlaskForm:
    """A form with one radio group per event (`event_<key>`), made for this member."""

    class SettingsForm(FlaskForm):
        digest = RadioField(
            "How often should civicnet send you a digest?",
            choices=choices(preferences.DIGEST_CHOICES.items()),
            default=settings.digest,
            validators=[InputRequired(message="Choose how often to get a digest")],
            widget=GovRadioInput(),
        )
        private_text = RadioField(
            "In emails about messages in private rooms",
            choices=choices(PRIVATE_TEXT.items()),
            default="text" if settings.private_text else "hidden",
            validators=[InputRequired(message="Choose what emails about private rooms say")],
            widget=GovRadioInput(),
        )
        save = submit("Save settings")

    for event in preferences.events_for(user):
        field = RadioField(
            event.label,
            choices=choices((channel, preferences.CHANNELS[channel]) for channel in event.channels),
            default=channels[event.key],
            validators=[InputRequired(message=f"Choose how to hear about: {event.label.lower()}")],
        )
        setattr(SettingsForm, f"event_{event.key}", field)
    return SettingsForm(formdata=formdata) if formdata is not None else SettingsForm()
