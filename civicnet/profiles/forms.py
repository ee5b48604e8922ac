"""Profile and tag forms."""

from civicnet.forms import (
    FlaskForm,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
    Length,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    choices,
    file_field,
    submit,
    text_field,
)
from civicnet.profiles.models import MENTIONS_FROM, REGIONS, VISIBILITIES
from civicnet.tags.models import TAG_KINDS

TAG_HINT = "Up to 10, separated by commas, for example: data protection, AI ethics"


class ProfileForm(FlaskForm):
    display_name = text_field("Display name", required="Enter a display name", max_length=60)
    pronouns = text_field("Pronouns (optional)", max_length=40, description="For example, she/her or they/them")
    organisation = text_field("Organisation (optional)", max_length=100)
    job_title = text_field("Job title (optional)", max_length=100)
    # Choices are checked by the service, which says what to do instead of "Not a valid choice".
    region = SelectField(
        "Region (optional)",
        choices=choices([("", "Choose a region")] + [(r, r) for r in REGIONS]),
        widget=GovSelect(),
        validate_choice=False,
    )
    bio = TextAreaField(
        "About you (optional)",
        validators=[Length(max=5000, message="About you must be 5,000 characters or fewer")],
        widget=GovTextArea(),
        description="You can use Markdown: *italic*, **bold**, [links](https://example.org) and lists.",
    )
    help_tags = text_field(TAG_KINDS["help"], max_length=600, description=TAG_HINT)
    learn_tags = text_field(TAG_KINDS["learn"], max_length=600, description=TAG_HINT)
    followed_tags = text_field(
        "Tags you follow (optional)",
        max_length=600,
        description="New rooms and mentors on these tags come in your digest. Only you see this list. Separate tags with commas.",
    )
    visibility = RadioField(
        "Who can see your profile?",
        choices=choices(VISIBILITIES.items()),
        default="public",
        widget=GovRadioInput(),
        validate_choice=False,
    )
    submit = submit("Save profile")


class PeopleFilterForm(FlaskForm):
    class Meta:
        csrf = False

    # Searched with the same index and rules as /search (no length limit here: search explains its own).
    q = StringField("Search people", widget=GovTextInput())
    tag = StringField(
        "Skill tag",
        validators=[Length(max=60, message="Skill tag must be 60 characters or fewer")],
        widget=GovTextInput(),
    )
    role = SelectField("Role", widget=GovSelect(), validate_choice=False)
    region = SelectField(
        "Region",
        choices=choices([("", "Any region")] + [(r, r) for r in REGIONS]),
        widget=GovSelect(),
        validate_choice=False,
    )
    submit = submit("Apply filters")


YES_NO = choices([("yes", "Yes"), ("no", "No")])


class PrivacyForm(FlaskForm):
    visibility = RadioField("Who can see your profile?", choices=choices(VISIBILITIES.items()), widget=GovRadioInput())
    listed = RadioField(
        "Show me in the people directory and in search results?", choices=YES_NO, widget=GovRadioInput()
    )
    suggest_as_mentor = RadioField(
        "If you offer mentoring, suggest you to members who want to learn what you offer?",
        choices=YES_NO,
        widget=GovRadioInput(),
    )
    mentions_from = RadioField(
        "Who can notify you by mentioning @you?", choices=choices(MENTIONS_FROM.items()), widget=GovRadioInput()
    )
    submit = submit("Save privacy settings")


class PhotoForm(FlaskForm):
    # The hint (which says the size limit, from a setting) is given when the page is drawn.
    photo = file_field("Upload a photo")
    upload = submit("Upload photo")
