"""A member's profile and skill tags in their export."""

from pathlib import PurePosixPath

from civicnet.personal_data import StoredFile, Table, register
from civicnet.tags.models import HELP, LEARN, TAG_KINDS
from civicnet.tags.services import user_tags

PROFILE_FIELDS = {
    "display_name": "Your name as others see it",
    "pronouns": "Your pronouns",
    "organisation": "Your organisation",
    "job_title": "Your job title",
    "region": "Your region",
    "bio": "Your bio, in Markdown as you wrote it",
    "visibility": "Who can see your profile: public or members",
    "listed": "Whether you appear in the people directory and search",
    "suggest_as_mentor": "Whether your mentoring offer is suggested to learners",
    "mentions_from": "Who can notify you by @mention: everyone, or people in rooms you joined",
    "first_steps_hidden_at": "When you hid the first steps on your home page, if you did",
    "photo": "Your photo, 256 pixels square, as others see it: its file in this archive",
}


def profile_row(user) -> dict:
    profile = user.profile
    return {
        "display_name": user.display_name,
        "pronouns": profile.pronouns if profile else None,
        "organisation": profile.organisation if profile else None,
        "job_title": profile.job_title if profile else None,
        "region": profile.region if profile else None,
        "bio": profile.bio_markdown if profile else "",
        "visibility": profile.visibility if profile else None,
        "listed": profile.listed if profile else None,
        "suggest_as_mentor": profile.suggest_as_mentor if profile else None,
        "mentions_from": profile.mentions_from if profile else None,
        "first_steps_hidden_at": profile.first_steps_hidden_at if profile else None,
        "photo": photo_path(user),
    }


def photo_path(user) -> str | None:
    return f"files/profile/photo{PurePosixPath(user.photo_key).suffix}" if user.photo_key else None


@register("profile", "Your profile and skill tags", order=20)
def profile(user) -> list[Table]:
    tags = [{"kind": TAG_KINDS[kind], "tag": tag.name} for kind in (HELP, LEARN) for tag in user_tags(user, kind)]
    return [
        Table(
            "profile",
            "Your profile as you last saved it.",
            PROFILE_FIELDS,
            [profile_row(user)],
            files=[StoredFile(photo_path(user), user.photo_key)] if user.photo_key else [],
        ),
        Table(
            "skill_tags",
            "Your skill tags, in the order you gave them.",
            {"kind": "I can help with, or I want to learn about", "tag": "The tag"},
            tags,
        ),
    ]
