"""Recording a moderator's edit made outside the queue (renaming or merging a skill tag)."""

from civicnet.errors import Invalid
from civicnet.extensions import db
from civicnet.moderation import audit
from civicnet.moderation.models import ModerationAction
from civicnet.moderation.rules import EDIT_TAG, TAG_REASONS

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
