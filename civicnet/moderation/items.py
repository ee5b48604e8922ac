"""What can be reported and acted on, loaded and described the same way through civicnet.reportables."""

from dataclasses import dataclass

from sqlalchemy import select

from civicnet import reportables
from civicnet.accounts.models import User
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id, is_whole_number

EXCERPT = 280


@dataclass
class Item:
    """A reported item, whatever capability it comes from (see civicnet.reportables)."""

    type: str
    id: int
    obj: object
    subject: User | None  # whose content it is: the author, the profile's owner, the room's creator

    @property
    def kind(self) -> reportables.ItemType:
        return reportables.get(self.type)

    @property
    def label(self) -> str:
        return self.kind.label(self.obj)

    @property
    def excerpt(self) -> str:
        text = " ".join((self.kind.text(self.obj) or "").split())
        return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"

    @property
    def url(self) -> str:
        return self.kind.url(self.obj)

    def visible_to(self, member) -> bool:
        return self.kind.visible_to(member, self.obj)

    def context(self) -> list:
        return self.kind.context(self.obj)


def load_item(item_type, item_id) -> Item:
    """The item, or NotFound; item_type and item_id come straight from a form or a socket event."""
    kind = reportables.get(item_type)
    if kind is None:
        raise Invalid("item_type", f"item_type must be one of: {', '.join(reportables.names())}")
    if not is_whole_number(item_id) or item_id < 1:
        raise Invalid("item_id", "item_id must be a whole number")
    obj = kind.load(item_id) if is_id(item_id) else None
    if obj is None:
        raise NotFound(f"There is no {item_type} with that id")
    return Item(item_type, item_id, obj, kind.author(obj))


def find_item(item_type: str, item_id: int) -> Item | None:
    """A reported or decided item as it is now, or None if it has been deleted since."""
    try:
        return load_item(item_type, item_id)
    except NotFound:
        return None


def find_member(username) -> User:
    user = db.session.scalar(select(User).where(User.username == str(username).strip().lower()))
    if user is None:
        raise NotFound("No member has that username")
    return user
