"""An erased member's profile, photo (its files once the erasure commits) and skill tags go."""

from sqlalchemy import delete

from civicnet import signals
from civicnet.extensions import db
from civicnet.profiles.models import MEMBERS
from civicnet.profiles.photos import clear_photo
from civicnet.tags.models import UserTag


@signals.member_erased.connect
def _erase(user, **_) -> None:
    profile = user.profile
    if profile is not None:
        profile.pronouns = profile.organisation = profile.job_title = profile.region = None
        profile.bio_markdown = profile.bio_html = ""
        profile.visibility = MEMBERS
    clear_photo(user)
    db.session.execute(delete(UserTag).where(UserTag.user_id == user.id))
