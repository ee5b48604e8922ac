"""Skill-tag rules: names, finding and creating tags, a member's tags, and where tags are used."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from civicnet.errors import Invalid, NotFound
from civicnet.extensions import db
from civicnet.tags.models import TAG_KINDS, Tag, UserTag
from civicnet.tags.names import MAX_TAG_LENGTH, MAX_TAGS_PER_LIST, clean_tag_name, split_tag_list, tag_slug


@dataclass(frozen=True)
class TagUse:
    """A table that points at tags: its owner column, and a condition that splits it into lists."""

    table: object
    owner: str
    where: tuple = ()


_USES: list[TagUse] = [TagUse(UserTag.__table__, "user_id", (UserTag.kind == kind,)) for kind in TAG_KINDS]


def register_tag_use(table, owner: str) -> None:
    """A capability whose records hold tags (rooms, mentoring offers) registers the table, so a merge
    moves its uses too, without this package knowing the capability."""
    _USES.append(TagUse(table, owner))


def move_tag_uses(source: Tag, target: Tag) -> None:
    """Point every use of source, in every registered table, at target, dropping the uses whose owner
    already holds target (in the caller's transaction: a moderator's merge)."""
    for use in _USES:
        table, owner = use.table, use.table.c[use.owner]
        owners_of_target = select(owner).where(table.c.tag_id == target.id, *use.where)
        db.session.execute(table.delete().where(table.c.tag_id == source.id, owner.in_(owners_of_target), *use.where))
        db.session.execute(table.update().where(table.c.tag_id == source.id, *use.where).values(tag_id=target.id))


def check_tag_names(field: str, text: str) -> list[str]:
    """Split a tag field into names, or raise Invalid on `field` saying which tag is wrong."""
    names = split_tag_list(text)
    if len(names) > MAX_TAGS_PER_LIST:
        raise Invalid(field, f"Choose up to {MAX_TAGS_PER_LIST} skill tags")
    for name in names:
        if len(name) > MAX_TAG_LENGTH:
            raise Invalid(field, f"Skill tag “{name[:20]}…” must be {MAX_TAG_LENGTH} characters or fewer")
        if not tag_slug(name):
            raise Invalid(field, f"Skill tag “{name}” must contain letters or numbers")
    return names


def get_or_create_tag(name: str) -> Tag:
    """The tag with this name's slug, created with this spelling if it is new."""
    slug = tag_slug(name)
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is not None:
        return tag
    try:
        with db.session.begin_nested():
            tag = Tag(slug=slug, name=clean_tag_name(name))
            db.session.add(tag)
    except IntegrityError:
        # Someone else created it a moment ago: use theirs.
        tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
    return tag


def get_tag(slug: str) -> Tag:
    tag = db.session.scalar(select(Tag).where(Tag.slug == tag_slug(slug)))
    if tag is None:
        raise NotFound("There is no skill tag with that name")
    return tag


def suggest_tags(prefix: str, limit: int = 8) -> list[Tag]:
    """Existing tags starting with what the member has typed, most used first."""
    slug = tag_slug(prefix)[:MAX_TAG_LENGTH]
    if not slug:
        return []
    uses = select(func.count(UserTag.user_id)).where(UserTag.tag_id == Tag.id).scalar_subquery()
    query = select(Tag).where(Tag.slug.like(f"{slug}%")).order_by(uses.desc(), Tag.name).limit(limit)
    return list(db.session.scalars(query))


def tag_counts() -> Select:
    """Tags with how many members hold each, most held first."""
    uses = func.count(func.distinct(UserTag.user_id)).label("uses")
    return select(Tag, uses).join(UserTag, UserTag.tag_id == Tag.id).group_by(Tag.id).order_by(uses.desc(), Tag.name)


def popular_tags() -> list[tuple[Tag, int]]:
    return [(tag, uses) for tag, uses in db.session.execute(tag_counts())]


def user_tags(user, kind: str) -> list[Tag]:
    rows = db.session.scalars(
        select(UserTag).where(UserTag.user_id == user.id, UserTag.kind == kind).order_by(UserTag.position)
    )
    return [row.tag for row in rows]


def replace_tags(user, kind: str, names: list[str]) -> None:
    # Deleted one by one, not in bulk, so that flush listeners (the search outbox) see each removal.
    for held in db.session.scalars(select(UserTag).where(UserTag.user_id == user.id, UserTag.kind == kind)):
        db.session.delete(held)
    db.session.flush()
    for position, name in enumerate(names):
        db.session.add(UserTag(user_id=user.id, tag_id=get_or_create_tag(name).id, kind=kind, position=position))
