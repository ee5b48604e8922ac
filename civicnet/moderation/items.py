"""What can be reported and acted on: a message, a profile or a room, loaded and described the same way."""

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from civicnet.accounts.models import User
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id, is_whole_number
from civicnet.mentoring.models import MentoringRequest
from civicnet.moderation.models import ITEM_TYPES, MESSAGE, PROFILE, REQUEST, ROOM
from civicnet.rooms.models import Message, Room

EXCERPT = 280


@dataclass
class Item:
    type: str
    id: int
    obj: Message | User | Room
    subject: User | None  # whose content it is: the author, the profile's owner, the room's creator

    @property
    def label(self) -> str:
        if self.type == MESSAGE:
            return f"Message in {self.obj.room.name}"
        if self.type == PROFILE:
            return f"Profile of {self.obj.display_name} ({self.obj.username})"
        if self.type == REQUEST:
            return f"Mentoring request from {self.obj.mentee.display_name} to {self.obj.mentor.display_name}"
        return f"Room {self.obj.name}"

    @property
    def excerpt(self) -> str:
        if self.type == MESSAGE:
            text = self.obj.body
        elif self.type == PROFILE:
            text = self.obj.profile.bio if self.obj.profile else ""
        elif self.type == REQUEST:
            text = self.obj.message
        else:
            text = self.obj.description
        text = " ".join((text or "").split())
        return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"

    @property
    def url(self) -> str:
        if self.type == MESSAGE:
            return url_for("rooms.show", slug=self.obj.room.slug, _anchor=f"message-{self.obj.id}")
        if self.type == PROFILE:
            return url_for("profiles.show", username=self.obj.username)
        if self.type == REQUEST:
            return url_for("mentoring.request_page", request_id=self.obj.id)
        return url_for("rooms.show", slug=self.obj.slug)


def load_item(item_type, item_id) -> Item:
    """The item, or NotFound; item_type and item_id come straight from a form or a socket event."""
    if item_type not in ITEM_TYPES:
        raise Invalid("item_type", f"item_type must be one of: {', '.join(ITEM_TYPES)}")
    if not is_whole_number(item_id) or item_id < 1:
        raise Invalid("item_id", "item_id must be a whole number")
    model = {MESSAGE: Message, PROFILE: User, ROOM: Room, REQUEST: MentoringRequest}[item_type]
    obj = db.session.get(model, item_id) if is_id(item_id) else None
    if obj is None or (item_type == MESSAGE and obj.is_deleted):
        raise NotFound(f"There is no {item_type} with that id")
    if item_type == MESSAGE:
        subject = obj.author
    elif item_type == PROFILE:
        subject = obj
    elif item_type == REQUEST:
        subject = obj.mentee
    else:
        subject = obj.created_by
    return Item(item_type, item_id, obj, subject)


def find_member(username) -> User:
    user = db.session.scalar(select(User).where(User.username == str(username).strip().lower()))
    if user is None:
        raise NotFound("No member has that username")
    return user
