"""A member's privacy settings beyond their profile's visibility: whether they appear in the people
directory and search, whether they are suggested to learners as a mentor, and who may notify them by
@mention. Rooms and mentoring read them from the member's profile; search and the directory filter."""

from dataclasses import dataclass

from civicnet.accounts.models import User
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from civicnet.profiles.models import MENTIONS_FROM, VISIBILITIES


@dataclass(frozen=True)
class PrivacySettings:
    visibility: str
    listed: bool
    suggest_as_mentor: bool
    mentions_from: str


def settings_of(user: User) -> PrivacySettings:
    profile = user.profile
    return PrivacySettings(profile.visibility, profile.listed, profile.suggest_as_mentor, profile.mentions_from)


def update_privacy(actor: User, user: User, settings: PrivacySettings) -> User:
    if actor.id != user.id:
        raise Forbidden("You can only change your own privacy settings")
    if settings.visibility not in VISIBILITIES:
        raise Invalid("visibility", "Choose who can see your profile")
    if settings.mentions_from not in MENTIONS_FROM:
        raise Invalid("mentions_from", "Choose who may mention you")
    profile = user.profile
    profile.visibility, profile.listed = settings.visibility, bool(settings.listed)
    profile.suggest_as_mentor, profile.mentions_from = bool(settings.suggest_as_mentor), settings.mentions_from
    db.session.commit()
    return user
