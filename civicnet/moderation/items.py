"""What can be reported and acted on, loaded and described the same way through civicnet.reportables."""

from dataclasses import dataclass

from sqlalchemy import select

from civicnet import reportables
from civicnet.accounts.models import User
from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id, is_whole_number

EXCERPT = 280
# What a list or a notification says instead of words only a private conversation's people may read.
PRIVATE_EXCERPT = "Written in a private conversation: open the item to read it (your look is recorded for its author)."


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
    def is_private(self) -> bool:
        """Words only a private conversation's people may read (a private room's or direct message, a
        mentoring request). A moderator reads them on the item page, where the look is recorded in the
        author's access log, never in the queue or a notice (which may go by email).
        The member who reported them, and their author, read them as before."""
        return "private_messages" in self.kind.data(self.obj)

    @property
    def listed_excerpt(self) -> str:
        """The excerpt for the queue and moderators' notices, which record no look."""
        return PRIVATE_EXCERPT if self.is_private else self.excerpt

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

    @property
    def files(self) -> list[reportables.ItemFile]:
        return self.kind.files(self.obj)

    def file(self, file_id: int) -> reportables.ItemFile:
        """One of its files, or NotFound."""
        found = next((f for f in self.files if f.id == file_id), None)
        if found is None:
            raise NotFound("This item has no such file")
        return found


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
