"""Profiles as moderation sees them (registered in civicnet.reportables)."""

from flask import url_for

from civicnet import reportables
from civicnet.accounts.models import User
from civicnet.extensions import db
from civicnet.profiles.services import can_view_profile

reportables.register(
    reportables.ItemType(
        name="profile",
        load=lambda user_id: db.session.get(User, user_id),
        author=lambda user: user,
        label=lambda user: f"Profile of {user.display_name} ({user.username})",
        text=lambda user: user.profile.bio if user.profile else "",
        url=lambda user: url_for("profiles.show", username=user.username),
        visible_to=can_view_profile,
        data=lambda user: ("profile",),
    )
)
