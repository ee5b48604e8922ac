"""The purpose asked for before a screen shows a member's non-public data to someone acting in a role.

A screen whose route implies the purpose (the item page of an open report, an appeal, a verification
request) records it at once. Any other sends the person to the purpose form first (its route belongs
to civicnet.datarights); what they chose is kept in their session for that member for SAME_VISIT, so
the screens of one piece of work ask once, and each screen still writes its own entry."""

from datetime import timedelta

from flask import abort, redirect, request, session, url_for

from civicnet import access_log
from civicnet.access_log import SAME_VISIT, Look
from civicnet.db_types import utcnow
from civicnet.transactions import commit

SESSION_KEY = "access_purposes"


def remember(subject_id: int, purpose: str, case_ref: str = "", note: str = "", hold_days: int = 0) -> None:
    """Keep the purpose someone gave for looking at this member, for this visit (and, for an entry to be
    held back, for how many days)."""
    given = {k: v for k, v in session.get(SESSION_KEY, {}).items() if _fresh(v)}
    given[str(subject_id)] = [purpose, case_ref, note, hold_days, utcnow().timestamp()]
    session[SESSION_KEY] = given


def _fresh(given) -> bool:
    return isinstance(given, list) and len(given) == 5 and utcnow().timestamp() - given[4] < SAME_VISIT.total_seconds()


def given_for(subject_id: int) -> tuple[Look, int] | None:
    """The purpose given for this member this visit, and the days its entries are to be held back."""
    given = session.get(SESSION_KEY, {}).get(str(subject_id))
    if not _fresh(given):
        return None
    purpose, case_ref, note, hold_days, _ = given
    return Look(purpose, ("account",), case_ref=case_ref, note=note), hold_days


def look_at(actor, subject, categories: tuple[str, ...], implied: Look | None = None) -> None:
    """Record this screen's look at `subject`, with the implied purpose or the one given this visit;
    with neither, send the person to say why first (and back here after)."""
    given = (implied, 0) if implied else given_for(subject.id)
    if given is None:
        abort(redirect(url_for("datarights.purpose", member=subject.username, next=request.full_path)))
    why, hold_days = given
    look = Look(why.purpose, tuple(categories), case_ref=why.case_ref, note=why.note)
    access_log.record(actor, subject.id, look, hold_until=utcnow() + timedelta(days=hold_days) if hold_days else None)
    commit()
