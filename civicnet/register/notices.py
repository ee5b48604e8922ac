"""Who hears about an entry (its followers, and the authors asked for consent), how it reads, and the
entry as a reportable item."""

from sqlalchemy import select

from civicnet import reportables
from civicnet.accounts.permissions import is_signed_in
from civicnet.extensions import db
from civicnet.notifications import kinds, preferences
from civicnet.notifications.kinds import Shown
from civicnet.notifications.services import notify
from civicnet.register.models import DRAFT, VERDICTS, Entry, EntryFollow, Evidence
from civicnet.urls import external_url

UPDATED, PUBLISHED, CONSENT = "register_updated", "register_published", "register_consent"

preferences.register_event(
    "followed_entry",
    "An entry I follow in the technology register changes",
    "Edits, new evidence, and when it is published. You follow the entries you propose.",
    preferences.DIGEST,
    order=45,
)
preferences.register_event(
    "register_consent",
    "Someone asks to cite my message from a members-only room in the technology register",
    "It is shown only if you agree.",
    preferences.EMAIL,
    order=46,
    channels=(preferences.SITE, preferences.EMAIL, preferences.DIGEST),
)


def follows(user, entry: Entry) -> bool:
    return is_signed_in(user) and db.session.get(EntryFollow, (entry.id, user.id)) is not None


def follow(user, entry: Entry) -> None:
    if not follows(user, entry):
        db.session.add(EntryFollow(entry_id=entry.id, user_id=user.id))


def unfollow(user, entry: Entry) -> None:
    found = db.session.get(EntryFollow, (entry.id, user.id))
    if found is not None:
        db.session.delete(found)


def tell_followers(entry: Entry, actor, kind: str) -> None:
    """Every follower but the one who made the change (in the caller's transaction)."""
    db.session.flush()
    for user_id in db.session.scalars(select(EntryFollow.user_id).where(EntryFollow.entry_id == entry.id)):
        if actor is None or user_id != actor.id:
            notify(user_id, kind, entry.id, conversation=f"entry:{entry.id}", actor_id=actor.id if actor else None)


def ask_consent(item: Evidence) -> None:
    notify(item.consent_from_id, CONSENT, item.id, conversation=f"entry:{item.entry_id}", actor_id=item.added_by_id)


@kinds.register(UPDATED, PUBLISHED, event="followed_entry")
def _changed(notification) -> Shown | None:
    entry = db.session.get(Entry, notification.subject_id)
    if entry is None:
        return None
    lead = "Published in the technology register:" if notification.kind == PUBLISHED else "An entry you follow changed:"
    return Shown(
        lead=lead,
        link_text=entry.name,
        url=external_url("register.show", slug=entry.slug),
        excerpt=f"Verdict: {VERDICTS[entry.verdict]}",
        group="Technology register",
    )


@kinds.register(CONSENT, event="register_consent")
def _consent(notification) -> Shown | None:
    item = db.session.get(Evidence, notification.subject_id)
    if item is None:
        return None
    return Shown(
        lead="May your message from a members-only room be cited in",
        link_text=item.entry.name,
        url=external_url("register.consent", evidence_id=item.id),
        excerpt="It is shown on the entry only if you agree.",
    )


def _url(entry: Entry) -> str:
    return f"/technology/{entry.slug}"


reportables.register(
    reportables.ItemType(
        name="technology",
        load=lambda entry_id: db.session.get(Entry, entry_id),
        author=lambda entry: entry.created_by,
        label=lambda entry: f"Technology register entry {entry.name}",
        text=lambda entry: f"{entry.name}: {entry.summary}\n\n{entry.reasoning}",
        url=_url,
        visible_to=lambda member, entry: entry.status != DRAFT or is_signed_in(member),
    )
)
