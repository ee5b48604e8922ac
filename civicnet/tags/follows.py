"""Following a tag: a member hears of new rooms and mentors on it (in their digest, by default).

Who follows what is private: it is shown to the member alone and never searched."""

from datetime import datetime

from sqlalchemy import ForeignKey, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from civicnet import signals
from civicnet.db_types import UTCDateTime, utcnow
from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.personal_data import Table, register
from civicnet.tags.models import Tag
from civicnet.tags.names import split_tag_list, tag_slug
from civicnet.tags.services import register_tag_use


class TagFollow(db.Model):
    __tablename__ = "tag_follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


register_tag_use(TagFollow.__table__, "user_id")  # a merge moves followers to the tag that stays


def follows(user, tag: Tag) -> bool:
    return db.session.get(TagFollow, (user.id, tag.id)) is not None


def follow(user, tag: Tag) -> None:
    """In the caller's transaction; following twice is following."""
    if not follows(user, tag):
        db.session.add(TagFollow(user_id=user.id, tag_id=tag.id))


def unfollow(user, tag: Tag) -> None:
    db.session.execute(delete(TagFollow).where(TagFollow.user_id == user.id, TagFollow.tag_id == tag.id))


def followed_tags(user) -> list[Tag]:
    query = select(Tag).join(TagFollow, TagFollow.tag_id == Tag.id).where(TagFollow.user_id == user.id)
    return list(db.session.scalars(query.order_by(Tag.name)))


def checked_follows(field: str, text: str) -> list[Tag]:
    """The existing tags a comma-separated list names (one can follow only a tag that exists)."""
    names = split_tag_list(text or "")
    found = {tag.slug: tag for tag in db.session.scalars(select(Tag).where(Tag.slug.in_([tag_slug(n) for n in names])))}
    missing = [name for name in names if tag_slug(name) not in found]
    if missing:
        raise Invalid(
            field, f"There is no skill tag called “{missing[0]}”. Check the spelling, or follow tags from their pages"
        )
    return list({tag_slug(name): found[tag_slug(name)] for name in names}.values())


def replace_follows(user, tags: list[Tag]) -> None:
    """Follow exactly these tags (in the caller's transaction)."""
    db.session.execute(delete(TagFollow).where(TagFollow.user_id == user.id))
    for tag in tags:
        db.session.add(TagFollow(user_id=user.id, tag_id=tag.id))


def followers(tag_ids: list[int]) -> dict[int, list[int]]:
    """For each member following any of these tags: the ids of the tags they follow among them."""
    found: dict[int, list[int]] = {}
    query = select(TagFollow.user_id, TagFollow.tag_id).where(TagFollow.tag_id.in_(tag_ids))
    for user_id, tag_id in db.session.execute(query):
        found.setdefault(user_id, []).append(tag_id)
    return found


@signals.member_erased.connect
def _erase(user, **_) -> None:
    db.session.execute(delete(TagFollow).where(TagFollow.user_id == user.id))


@register("followed_tags", "Tags you follow", order=25)
def _personal_data(user) -> list[Table]:
    rows = [{"tag": tag.name} for tag in followed_tags(user)]
    return [Table("followed_tags", "The skill tags you follow.", {"tag": "Tag"}, rows)]
