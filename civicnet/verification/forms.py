"""Verification forms."""

from civicnet.forms import FlaskForm, GovRadioInput, InputRequired, RadioField, choices, note_field, submit, text_field


class StartForm(FlaskForm):
    email = text_field(
        "Work email address",
        required="Enter your work email address",
        max_length=254,
        description="At your organisation's official domain, for example name@camden.gov.uk. We send a link to it.",
    )
    organisation = text_field("Organisation", required="Enter your organisation", max_length=100)
    job_title = text_field("Job title", required="Enter your job title", max_length=100)
    submit = submit("Send the link")


class DecideForm(FlaskForm):
    decision = RadioField(
        "Your decision",
        choices=choices([("approve", "Approve: they work there in this role"), ("decline", "Decline")]),
        validators=[InputRequired(message="Choose whether to approve or decline")],
        widget=GovRadioInput(),
    )
    reason = note_field("Reason (the member will read this)", 1000, required="Give a reason: the member will read it")
    submit = submit("Record decision")


class DomainForm(FlaskForm):
    domain = text_field("Domain", required="Enter a domain like camden.gov.uk", max_length=100)
    submit = submit("Add domain")
