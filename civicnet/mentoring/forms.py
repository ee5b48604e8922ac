"""Mentoring forms."""

from civicnet.forms import (
    CheckboxesField,
    FlaskForm,
    GovRadioInput,
    GovTextInput,
    InputRequired,
    RadioField,
    StringField,
    choices,
    note_field,
    submit,
    text_field,
)
from civicnet.mentoring.offers import MAX_CAPACITY, MAX_DESCRIPTION, MAX_NOTE
from civicnet.mentoring.requests import MAX_TEXT


class OfferForm(FlaskForm):
    tags = CheckboxesField(
        "Skill tags you offer help with",
        validators=[InputRequired(message="Choose at least one skill tag from your “I can help with” list")],
        validate_choice=False,
    )
    description = note_field("How you can help", MAX_DESCRIPTION, required="Describe how you can help")
    calls_note = text_field(
        "Calls (optional)",
        max_length=MAX_NOTE,
        description="Mentoring happens in a private civicnet room. Say here if you also offer calls.",
    )
    availability = text_field(
        "Availability (optional)", max_length=MAX_NOTE, description="For example: replies within 2 working days"
    )
    capacity = StringField(
        "How many mentees at once?", widget=GovTextInput(), description=f"A whole number from 1 to {MAX_CAPACITY}"
    )
    submit = submit("Save offer")


class GoalForm(FlaskForm):
    learn_tags = text_field(
        "Skill tags you want to learn about",
        required="Enter at least one skill tag",
        max_length=600,
        description="Separated by commas, for example: data protection, AI ethics",
    )
    description = note_field("What would you like to learn? (optional)", MAX_DESCRIPTION)
    submit = submit("Find mentors")


class RequestForm(FlaskForm):
    message = note_field(
        "What would you like help with?", MAX_TEXT, required="Tell the mentor what you would like help with"
    )
    submit = submit("Ask for mentoring")


class DeclineForm(FlaskForm):
    reason = note_field("Reason (optional, the member will read it)", MAX_TEXT)
    submit = submit("Decline request")


class FeedbackForm(FlaskForm):
    helpful = RadioField(
        "Did the mentoring help?",
        choices=choices([("yes", "Yes"), ("no", "No")]),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    feedback = note_field("Anything else? (only your mentor and admins will see it)", MAX_TEXT)
    submit = submit("Send feedback")


class SummaryForm(FlaskForm):
    summary = note_field("Closing summary", MAX_TEXT, required="Write a short summary")
    submit = submit("Save summary")
