"""The signals capabilities listen to, declared in one place so that none imports another to react.

A capability sends a signal after the change it announces (most after the commit); another connects
a receiver where it registers (its module's import, as Indico does). A few signals are questions:
`answer()` returns what the one capability that knows replied (Indico's values_from_signal)."""

from blinker import Namespace

_signals = Namespace()

# People (sender: the member)
member_registered = _signals.signal("member-registered", doc="A member's account was created.")
member_email_changed = _signals.signal("member-email-changed", doc="A member confirmed a new address; old=...")
member_role_changed = _signals.signal("member-role-changed", doc="An admin changed a member's role; old=...")
member_suspended = _signals.signal("member-suspended", doc="A member was suspended (after the commit).")
member_suspension_lifted = _signals.signal("member-suspension-lifted", doc="A suspension was lifted.")
member_erased = _signals.signal("member-erased", doc="A member's account is being erased.")
data_accessed = _signals.signal(
    "data-accessed", doc="Someone acting in a role looked at a member's data (sender: the entry id; subject_id=...)."
)

# Rooms and messages (sender: the room or the message)
# (all after the commit)
membership_changed = _signals.signal(
    "membership-changed", doc="Someone joined, left, was added or removed; user_id=..., change=..."
)
message_posted = _signals.signal("message-posted", doc="A visible message was stored and broadcast.")
message_hidden = _signals.signal("message-hidden", doc="A message was hidden or held by moderation.")
message_restored = _signals.signal("message-restored", doc="A hidden or held message is visible again.")

# Tags (sender: the tag)
tags_merged = _signals.signal("tags-merged", doc="A moderator merged a tag into this one (bulk changes).")

# Questions one capability answers for others (answer() below)
open_private_room = _signals.signal(
    "open-private-room", doc="Open a private room for these members; answers the room's id (rooms)."
)
last_posted_at = _signals.signal("last-posted-at", doc="When a member last posted anywhere (rooms).")
is_reported = _signals.signal("is-reported", doc="The oldest open report's id on an item, or None (moderation).")
posting_check = _signals.signal(
    "posting-check", doc="May this member post in this room (room=...)? Receivers raise Forbidden (moderation)."
)
links_check = _signals.signal("links-check", doc="May this member post these links (html=...)? Raise Invalid.")
message_flagged = _signals.signal(
    "message-flagged", doc="The word filter matched a stored message (phrase=..., action=...), in its transaction."
)
screen_text = _signals.signal("screen-text", doc="The word filter's match for a text, or None (moderation).")
suspension_statement = _signals.signal(
    "suspension-statement", doc="The link to why a member is suspended, for the sign-in page (moderation)."
)
find_people = _signals.signal(
    "find-people", doc="The people directory's word search (words=, filters=, page=); may raise SearchUnavailable."
)
cite_message = _signals.signal(
    "cite-message",
    doc="A room message as a citation for a member (room, author, excerpt, permalink, private?), or None (rooms).",
)
mute_notice = _signals.signal("mute-notice", doc="Why a member may not post in a room now, or None (moderation).")
write_refusal = _signals.signal(
    "write-refusal",
    doc="Why a member may not write in a room now (post, react, show typing), or None (direct: who may message whom).",
)


def answer(signal, sender, **kwargs):
    """The one reply to a question signal (None if nobody answered, or every receiver said None)."""
    replies = [value for _, value in signal.send(sender, **kwargs) if value is not None]
    if len(replies) > 1:
        raise RuntimeError(f"{signal.name} has {len(replies)} answers; one capability answers it")
    return replies[0] if replies else None
