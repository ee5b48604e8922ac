"""Reporting: any signed-in member reports a message, profile or room; enough reports hide a message."""

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from civicnet import audit, signals
from civicnet.accounts.permissions import is_signed_in
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.moderation import queue
from civicnet.moderation.items import Item, load_item
from civicnet.moderation.models import MESSAGE, OPEN, ModerationAction, Report
from civicnet.moderation.queue_notices import tell_moderators
from civicnet.moderation.rules import AUTO_HIDE, NO_BREACH, REPORT_REASONS, WORD_FILTER
from civicnet.rooms import moderation_events
from civicnet.transactions import commit, on_commit

MAX_NOTE = 1000


def check_visible(actor, item: Item) -> None:
    """NotFound unless the member may see the item (the report form must not show what they cannot read)."""
    if not item.visible_to(actor):
        raise NotFound(f"There is no {item.type} with that id")


def report(actor, item_type, item_id, reason, note="") -> Report:
    """File a report; the item may then be hidden automatically. One open report per person per item."""
    if not is_signed_in(actor):
        raise Forbidden("Sign in to report something")
    item = load_item(item_type, item_id)
    check_visible(actor, item)
    if item.subject is not None and item.subject.id == actor.id and not item.kind.author_may_report:
        raise Invalid("item_id", "You cannot report your own content")
    if reason not in REPORT_REASONS:
        raise Invalid("reason", "Choose why you are reporting it")
    note = str(note or "").strip()
    if reason == "other" and not note:
        raise Invalid("note", "Tell the moderators what the problem is")
    if len(note) > MAX_NOTE:
        raise Invalid("note", f"The note must be {MAX_NOTE:,} characters or fewer")
    already = Conflict("You have already reported this. A moderator will review it")
    if any(r.reporter_id == actor.id for r in queue.open_reports(item.type, item.id)):
        raise already
    filed = Report(reporter_id=actor.id, item_type=item.type, item_id=item.id, reason=reason, note=note)
    db.session.add(filed)
    try:
        db.session.flush()
    except IntegrityError:  # the same member, reporting twice at the same moment
        db.session.rollback()
        raise already from None
    hid = _maybe_hide(item)
    tell_moderators(filed)
    commit()
    if hid:
        moderation_events.message_hidden(item.obj)
    queue.announce_pending()
    return filed


def _maybe_hide(item: Item) -> bool:
    """Hide a message pending review once enough different members have open reports on it."""
    if item.type != MESSAGE or item.obj.moderation is not None:
        return False
    reporters = db.session.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            Report.status == OPEN, Report.item_type == MESSAGE, Report.item_id == item.id
        )
    )
    if reporters < current_app.config["MODERATION_AUTO_HIDE_REPORTS"]:
        return False
    message = item.obj
    message.hide()
    action = ModerationAction(
        kind=AUTO_HIDE, subject_id=message.author_id, item_type=MESSAGE, item_id=message.id, reason=NO_BREACH
    )
    db.session.add(action)
    audit.record(
        None,
        AUTO_HIDE,
        subject=message.author,
        item_type=MESSAGE,
        item_id=message.id,
        note=f"{reporters} members reported it",
    )
    return True


@signals.message_flagged.connect
def file_word_filter_report(message, phrase: str, action: str, **_) -> None:
    """civicnet reports a message itself (in the poster's transaction) when it matches the word filter;
    moderators' counts update after the commit."""
    note = f"Contains “{phrase}” ({'held for review' if action == 'hold' else 'flagged'})"
    filed = Report(reporter_id=None, item_type=MESSAGE, item_id=message.id, reason=WORD_FILTER, note=note)
    db.session.add(filed)
    tell_moderators(filed)
    audit.record(
        None, f"word_filter_{action}", subject=message.author, item_type=MESSAGE, item_id=message.id, note=note
    )
    on_commit(queue.announce_pending)
