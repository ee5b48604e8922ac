"""A moderator's edits outside the queue: renaming and merging skill tags, each recorded with its reason."""

from sqlalchemy import select

from civicnet import audit, signals
from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_moderator
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from civicnet.moderation.models import ModerationAction
from civicnet.moderation.rules import EDIT_TAG, TAG_REASONS
from civicnet.tags.models import Tag
from civicnet.tags.names import MAX_TAG_LENGTH, clean_tag_name, tag_slug
from civicnet.tags.services import move_tag_uses

MAX_NOTE = 2000


def check_tag_reason(reason, note) -> str:
    """The cleaned note, once the reason is one of the tag reasons."""
    if reason not in TAG_REASONS:
        raise Invalid("reason", "Choose the reason for this change")
    note = " ".join(str(note or "").split())
    if len(note) > MAX_NOTE:
        raise Invalid("note", f"The note must be {MAX_NOTE:,} characters or fewer")
    return note


def record_tag_edit(actor, tag_id: int, reason: str, note: str, before: dict) -> ModerationAction:
    """Add the action and its audit entry to the caller's transaction."""
    action = ModerationAction(
        kind=EDIT_TAG, moderator_id=actor.id, item_type="tag", item_id=tag_id, reason=reason, note=note, before=before
    )
    db.session.add(action)
    audit.record(actor, EDIT_TAG, item_type="tag", item_id=tag_id, reason=reason, note=f"{note} ({before})".strip())
    return action


def rename_tag(actor: User, tag: Tag, new_name: str, reason: str, note: str = "") -> Tag:
    """Give a tag a new display name (and slug); moderators only, with a reason, in the audit log."""
    if not is_moderator(actor):
        raise Forbidden("Only moderators can rename skill tags")
    note = check_tag_reason(reason, note)
    name = clean_tag_name(new_name)
    slug = tag_slug(name)
    if not slug or len(name) > MAX_TAG_LENGTH:
        raise Invalid("name", f"Enter a tag name of up to {MAX_TAG_LENGTH} characters, with letters or numbers")
    other = db.session.scalar(select(Tag).where(Tag.slug == slug, Tag.id != tag.id))
    if other is not None:
        raise Invalid("name", f"A tag called “{other.name}” already exists. Merge this tag into it instead")
    record_tag_edit(actor, tag.id, reason, note, {"renamed_from": tag.name})
    tag.name, tag.slug = name, slug
    db.session.commit()
    return tag


def merge_tags(actor: User, source: Tag, target: Tag, reason: str, note: str = "") -> Tag:
    """Move every use of source to target, without duplicates, then delete source; moderators only, with a reason."""
    if not is_moderator(actor):
        raise Forbidden("Only moderators can merge skill tags")
    note = check_tag_reason(reason, note)
    if source.id == target.id:
        raise Invalid("target", "Choose a different tag to merge into")
    record_tag_edit(actor, target.id, reason, note, {"merged_from": source.name})
    # Members' lists, rooms and mentoring offers keep the merged tag, rather than losing it with the source.
    move_tag_uses(source, target)
    # Sent inside the transaction: bulk changes no flush listener sees, so search marks whoever now
    # holds the target for re-indexing, and its mark commits with the merge.
    signals.tags_merged.send(target)
    db.session.delete(source)
    db.session.commit()
    return target
