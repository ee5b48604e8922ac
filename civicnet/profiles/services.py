"""Profile and skill-tag rules."""

from dataclasses import dataclass

from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError

from civicnet.accounts.models import ROLES, User
from civicnet.accounts.permissions import is_moderator, is_signed_in
from civicnet.accounts.services import find_user_by_username, is_suspended
from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.moderation import records
from civicnet.profiles.models import HELP, LEARN, PUBLIC, REGIONS, TAG_KINDS, VISIBILITIES, Profile, Tag, UserTag
from civicnet.profiles.tags import MAX_TAG_LENGTH, MAX_TAGS_PER_LIST, clean_tag_name, split_tag_list, tag_slug
from civicnet.search import changes as search_changes
from civicnet.search.models import PERSON, TAG
from civicnet.text import render_markdown

PEOPLE_PER_PAGE = 20


@dataclass
class ProfileChanges:
    display_name: str
    pronouns: str = ""
    organisation: str = ""
    job_title: str = ""
    region: str = ""
    bio: str = ""
    visibility: str = PUBLIC
    help_tags: str = ""
    learn_tags: str = ""


def can_view_profile(viewer, user: User) -> bool:
    """Members-only profiles need a signed-in viewer; suspended members are hidden except from moderators."""
    if is_signed_in(viewer) and viewer.id == user.id:
        return True
    if is_suspended(user) and not is_moderator(viewer):
        return False
    return user.profile.visibility == PUBLIC or is_signed_in(viewer)


def visible_people_filter(viewer) -> list:
    """SQL conditions matching can_view_profile, for listings."""
    now = utcnow()
    conditions = []
    if not is_moderator(viewer):
        conditions.append(
            (User.suspended_at.is_(None)) | (User.suspended_until.is_not(None) & (User.suspended_until <= now))
        )
    if not is_signed_in(viewer):
        conditions.append(Profile.visibility == PUBLIC)
    return conditions


def get_visible_profile(viewer, username: str) -> User:
    """The member behind /people/<username>; a profile the viewer may not see does not exist for them."""
    user = find_user_by_username(username)
    if user is None or not can_view_profile(viewer, user):
        raise NotFound("No member has that username")
    return user


def user_tags(user: User, kind: str) -> list[Tag]:
    rows = db.session.scalars(
        select(UserTag).where(UserTag.user_id == user.id, UserTag.kind == kind).order_by(UserTag.position)
    )
    return [row.tag for row in rows]


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


def replace_tags(user: User, kind: str, names: list[str]) -> None:
    db.session.execute(UserTag.__table__.delete().where(UserTag.user_id == user.id, UserTag.kind == kind))
    search_changes.mark(PERSON, user.id)  # a bulk DELETE: the search outbox's listener cannot see it
    for position, name in enumerate(names):
        db.session.add(UserTag(user_id=user.id, tag_id=get_or_create_tag(name).id, kind=kind, position=position))


def update_profile(actor: User, user: User, changes: ProfileChanges) -> User:
    """Save a member's profile and both tag lists."""
    if actor.id != user.id:
        raise Forbidden("You can only edit your own profile")
    display_name = " ".join(changes.display_name.split())
    if not display_name:
        raise Invalid("display_name", "Enter a display name")
    if changes.region and changes.region not in REGIONS:
        raise Invalid("region", "Choose a region from the list")
    if changes.visibility not in VISIBILITIES:
        raise Invalid("visibility", "Choose who can see your profile")
    help_names = check_tag_names("help_tags", changes.help_tags)
    learn_names = check_tag_names("learn_tags", changes.learn_tags)
    profile = user.profile
    organisation = changes.organisation.strip() or None
    if user.is_verified_public_servant and (display_name, organisation) != (user.display_name, profile.organisation):
        # A verified tick must not travel to another name or organisation.
        field = "display_name" if display_name != user.display_name else "organisation"
        raise Invalid(
            field,
            "Your name and organisation are locked while you are verified. End your verification to change them, then verify again",
        )

    user.display_name = display_name
    profile.pronouns = changes.pronouns.strip() or None
    profile.organisation = organisation
    profile.job_title = changes.job_title.strip() or None
    profile.region = changes.region or None
    profile.bio_markdown = changes.bio.strip()
    profile.bio_html = render_markdown(profile.bio_markdown)
    profile.visibility = changes.visibility
    replace_tags(user, HELP, help_names)
    replace_tags(user, LEARN, learn_names)
    db.session.commit()
    return user


def tag_counts() -> Select:
    """Tags with how many members hold each, most held first."""
    uses = func.count(func.distinct(UserTag.user_id)).label("uses")
    return select(Tag, uses).join(UserTag, UserTag.tag_id == Tag.id).group_by(Tag.id).order_by(uses.desc(), Tag.name)


def popular_tags() -> list[tuple[Tag, int]]:
    return [(tag, uses) for tag, uses in db.session.execute(tag_counts())]


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


def people_query(
    viewer, *, tag: Tag | None = None, kind: str | None = None, role: str = "", region: str = ""
) -> Select:
    """Members the viewer may see, narrowed by tag, role and region."""
    query = select(User).join(Profile).where(*visible_people_filter(viewer))
    if tag is not None:
        holds = select(UserTag.user_id).where(UserTag.user_id == User.id, UserTag.tag_id == tag.id)
        if kind:
            holds = holds.where(UserTag.kind == kind)
        query = query.where(exists(holds))
    if role:
        if role not in ROLES:
            raise Invalid("role", "Choose a role from the list")
        query = query.where(User.role == role)
    if region:
        if region not in REGIONS:
            raise Invalid("region", "Choose a region from the list")
        query = query.where(Profile.region == region)
    return query.order_by(User.display_name, User.id)


def people_page(viewer, page: int, **filters):
    """One page of the people directory."""
    return db.paginate(people_query(viewer, **filters), page=page, per_page=PEOPLE_PER_PAGE, error_out=False)


def tag_holders(viewer, tag: Tag) -> dict[str, list[User]]:
    """Who can help with a tag and who wants to learn it, as far as the viewer may see."""
    return {kind: list(db.session.scalars(people_query(viewer, tag=tag, kind=kind))) for kind in (HELP, LEARN)}


def rename_tag(actor: User, tag: Tag, new_name: str, reason: str, note: str = "") -> Tag:
    """Give a tag a new display name (and slug); moderators only, with a reason, in the audit log."""
    if not is_moderator(actor):
        raise Forbidden("Only moderators can rename skill tags")
    note = records.check_tag_reason(reason, note)
    name = clean_tag_name(new_name)
    slug = tag_slug(name)
    if not slug or len(name) > MAX_TAG_LENGTH:
        raise Invalid("name", f"Enter a tag name of up to {MAX_TAG_LENGTH} characters, with letters or numbers")
    other = db.session.scalar(select(Tag).where(Tag.slug == slug, Tag.id != tag.id))
    if other is not None:
        raise Invalid("name", f"A tag called “{other.name}” already exists. Merge this tag into it instead")
    records.record_tag_edit(actor, tag.id, reason, note, {"renamed_from": tag.name})
    tag.name, tag.slug = name, slug
    db.session.commit()
    return tag


def _move_tag_uses(table, owner: str, source: Tag, target: Tag, *where) -> None:
    """Point every use of source at target, dropping uses whose owner already has target."""
    owners_of_target = select(table.c[owner]).where(table.c.tag_id == target.id, *where)
    db.session.execute(table.delete().where(table.c.tag_id == source.id, table.c[owner].in_(owners_of_target), *where))
    db.session.execute(table.update().where(table.c.tag_id == source.id, *where).values(tag_id=target.id))


def merge_tags(actor: User, source: Tag, target: Tag, reason: str, note: str = "") -> Tag:
    """Move every use of source to target, without duplicates, then delete source; moderators only, with a reason."""
    if not is_moderator(actor):
        raise Forbidden("Only moderators can merge skill tags")
    note = records.check_tag_reason(reason, note)
    if source.id == target.id:
        raise Invalid("target", "Choose a different tag to merge into")
    records.record_tag_edit(actor, target.id, reason, note, {"merged_from": source.name})
    from civicnet.mentoring.models import OfferTag  # mentoring builds on profiles, not the other way round
    from civicnet.rooms.models import RoomTag

    for kind in TAG_KINDS:
        _move_tag_uses(UserTag.__table__, "user_id", source, target, UserTag.kind == kind)
    # Rooms and mentoring offers keep the merged tag too, rather than losing it with the source.
    _move_tag_uses(RoomTag.__table__, "room_id", source, target)
    _move_tag_uses(OfferTag.__table__, "offer_id", source, target)
    search_changes.mark(TAG, target.id)  # re-index everyone and every room that now holds the target
    db.session.delete(source)
    db.session.commit()
    return target
