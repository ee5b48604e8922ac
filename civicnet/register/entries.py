"""Entry rules: drafting (from a room's messages or from nothing), editing with a version number so
that two editors never overwrite each other silently, and every revision kept whole for its diff."""

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from civicnet.accounts.models import User
from civicnet.accounts.permissions import is_moderator, is_signed_in
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.register import evidence as evidence_rules
from civicnet.register import notices
from civicnet.register.models import DRAFT, KINDS, PUBLISHED, QUESTIONS, VERDICTS, Entry, Revision
from civicnet.tags.names import tag_slug
from civicnet.tags.services import check_tag_names, get_or_create_tag
from civicnet.transactions import commit

MAX_NAME = 120
MAX_TEXT = 5000
COMPANY_NUMBER = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6})$")  # England and Wales, or SC/NI/OC... prefixes
LABELS = {
    "name": "Name",
    "kind": "Kind",
    "supplier": "Supplier",
    "companies_house": "Companies House number",
    "version_or_date": "Version or date",
    "summary": "Summary",
    "verdict": "Verdict",
    "reasoning": "Reasoning",
    "dissent": "Dissent",
    "tags": "Skill tags",
    "review_by": "Review by",
    "supplier_reply": "The supplier's reply",
    **QUESTIONS,
}


@dataclass
class EntryDetails:
    name: str
    kind: str
    summary: str = ""
    supplier: str = ""
    companies_house: str = ""
    version_or_date: str = ""
    verdict: str = "unknown"
    reasoning: str = ""
    dissent: str = ""
    tags: str = ""
    review_by: date | None = None
    answers: dict = field(default_factory=dict)


def get_entry(viewer, slug: str) -> Entry:
    """An entry anyone may read (published), or a draft for signed-in members, who review drafts."""
    entry = db.session.scalar(select(Entry).where(Entry.slug == slug)) if isinstance(slug, str) else None
    if entry is None or (entry.status == DRAFT and not is_signed_in(viewer)):
        raise NotFound("There is no entry at this address")
    return entry


def published(verdict: str = "", kind: str = "", tag: str = "") -> list[Entry]:
    """Published entries by name, narrowed by the list's filters (unknown values narrow nothing)."""
    query = select(Entry).where(Entry.status == PUBLISHED).order_by(Entry.name)
    if verdict in VERDICTS:
        query = query.where(Entry.verdict == verdict)
    if kind in KINDS:
        query = query.where(Entry.kind == kind)
    if tag:
        query = query.where(Entry.tags.any(slug=tag_slug(tag)))
    return list(db.session.scalars(query))


def published_from_room(room_id: int) -> list[Entry]:
    query = select(Entry).where(Entry.source_room_id == room_id, Entry.status == PUBLISHED).order_by(Entry.name)
    return list(db.session.scalars(query))


def _text(field_name: str, value, limit: int = MAX_TEXT, required: str | None = None) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(field_name, required)
    if len(text) > limit:
        raise Invalid(field_name, f"{LABELS[field_name]} must be {limit:,} characters or fewer")
    return text


def _checked(details: EntryDetails) -> dict:
    """The details as stored, or Invalid naming the first field that is wrong."""
    if details.kind not in KINDS:
        raise Invalid("kind", "Choose what kind of technology it is")
    if details.verdict not in VERDICTS:
        raise Invalid("verdict", "Choose a verdict")
    number = str(details.companies_house or "").strip().upper()
    if number and not COMPANY_NUMBER.match(number):
        raise Invalid("companies_house", "Enter a Companies House number of 8 characters, like 01234567 or SC123456")
    today = utcnow().date()
    review_by = details.review_by or today + timedelta(days=current_app.config["REGISTER_REVIEW_DAYS"])
    if review_by <= today:
        raise Invalid("review_by", "The review date must be in the future")
    answers = {key: _text(key, (details.answers or {}).get(key)) for key in QUESTIONS}
    return {
        "name": _text("name", details.name, MAX_NAME, "Enter the technology's name"),
        "kind": details.kind,
        "supplier": _text("supplier", details.supplier, 120),
        "companies_house": number,
        "version_or_date": _text("version_or_date", details.version_or_date, 60),
        "summary": _text("summary", details.summary, required="Say in plain words what it is"),
        "verdict": details.verdict,
        "reasoning": _text("reasoning", details.reasoning),
        "dissent": _text("dissent", details.dissent),
        "answers": {key: value for key, value in answers.items() if value},
        "tags": check_tag_names("tags", details.tags or ""),
        "review_by": review_by,
    }


def _apply(entry: Entry, checked: dict) -> None:
    for name, value in checked.items():
        if name == "tags":
            entry.tags = [get_or_create_tag(tag) for tag in value]
        else:
            setattr(entry, name, value)
    entry.updated_at = utcnow()


# Addresses under /technology/ that are pages of their own, not entries.
RESERVED = {"new", "review", "data", "consent"}


def _unique_slug(name: str) -> str:
    base = tag_slug(name)[:80] or "entry"
    slug, number = (base, 2) if base not in RESERVED else (f"{base}-2", 3)
    while db.session.scalar(select(Entry.id).where(Entry.slug == slug)) is not None:
        slug, number = f"{base}-{number}", number + 1
    return slug


def check_may_draft(actor) -> None:
    evidence_rules.check_may_contribute(actor)


def create_draft(actor: User, details: EntryDetails, message_ids: list[int] = ()) -> Entry:
    """A draft, open for comment for REGISTER_COMMENT_DAYS; the cited messages become its evidence."""
    check_may_draft(actor)
    checked = _checked(details)
    citations = evidence_rules.citations(actor, message_ids)
    entry = Entry(
        slug=_unique_slug(checked["name"]),
        status=DRAFT,
        revision=1,
        created_by_id=actor.id,
        comment_until=utcnow() + timedelta(days=current_app.config["REGISTER_COMMENT_DAYS"]),
        source_room_id=citations[0]["room_id"] if citations else None,
    )
    _apply(entry, checked)
    db.session.add(entry)
    db.session.flush()
    for citation in citations:
        evidence_rules.cite(actor, entry, citation)
    _keep_revision(entry, actor, "Proposed")
    notices.follow(actor, entry)
    commit()
    return entry


def update_entry(actor: User, entry: Entry, details: EntryDetails, base_revision, note: str = "") -> Entry:
    """Save an edit made from revision `base_revision`; a conflict if someone saved since."""
    check_may_draft(actor)
    if entry.supplier_member_id == actor.id and not is_moderator(actor):
        raise Forbidden("As the supplier you may write your reply, not edit the entry")
    checked = _checked(details)
    if not isinstance(base_revision, int) or base_revision != entry.revision:
        raise Conflict(conflict_message(entry))
    # The version moves only if it is still the one the editor started from (two saves at once).
    _move_revision(entry, base_revision)
    _apply(entry, checked)
    _keep_revision(entry, actor, _text("note", note, 200) if note else "")
    notices.tell_followers(entry, actor, notices.UPDATED)
    commit()
    return entry


def conflict_message(entry: Entry) -> str:
    last = latest_revision(entry)
    who = last.editor.display_name if last and last.editor else "Someone"
    return (
        f"{who} saved a new version of this entry while you were editing it (version {entry.revision}). "
        "Your changes are below: compare them with the current version, then save again."
    )


def snapshot(entry: Entry) -> dict:
    """The entry's fields as a revision keeps them (and open data shows them)."""
    return {
        "name": entry.name,
        "kind": entry.kind,
        "supplier": entry.supplier,
        "companies_house": entry.companies_house,
        "version_or_date": entry.version_or_date,
        "summary": entry.summary,
        "verdict": entry.verdict,
        "reasoning": entry.reasoning,
        "dissent": entry.dissent,
        "tags": ", ".join(tag.name for tag in entry.tags),
        "review_by": entry.review_by.isoformat(),
        "supplier_reply": entry.supplier_reply,
        **{key: (entry.answers or {}).get(key, "") for key in QUESTIONS},
    }


def _keep_revision(entry: Entry, actor: User | None, note: str) -> None:
    db.session.add(
        Revision(
            entry_id=entry.id,
            number=entry.revision,
            editor_id=actor.id if actor else None,
            note=note,
            fields=snapshot(entry),
        )
    )


def keep_revision_after(entry: Entry, actor: User | None, note: str) -> None:
    """A change made outside the edit form (a supplier's reply, a review date): a new version too,
    moved on only from the version it was read at, like an edit."""
    _move_revision(entry, entry.revision)
    entry.updated_at = utcnow()
    _keep_revision(entry, actor, note)


def _move_revision(entry: Entry, base: int) -> None:
    """Version base + 1, if the entry is still at base; a conflict if someone saved meanwhile."""
    moved = db.session.execute(
        update(Entry)
        .where(Entry.id == entry.id, Entry.revision == base)
        .values(revision=base + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        db.session.rollback()
        raise Conflict(conflict_message(db.session.get(Entry, entry.id)))
    set_committed_value(entry, "revision", base + 1)


def revisions(entry: Entry) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(Revision.entry_id == entry.id).order_by(Revision.number)))


def latest_revision(entry: Entry) -> Revision | None:
    query = select(Revision).where(Revision.entry_id == entry.id).order_by(Revision.number.desc()).limit(1)
    return db.session.scalar(query)


def diff(entry: Entry, number) -> tuple[Revision, list[tuple[str, list[str]]]]:
    """A revision and, field by field, the lines that changed since the one before it."""
    found = {revision.number: revision for revision in revisions(entry)}
    if not isinstance(number, int) or number not in found:
        raise NotFound("There is no such version of this entry")
    before = found.get(number - 1).fields if number - 1 in found else {}
    after = found[number].fields
    changes = []
    for key, label in LABELS.items():
        old, new = str(before.get(key, "")), str(after.get(key, ""))
        if old != new:
            lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
            changes.append((label, [line for line in lines if not line.startswith(("---", "+++", "@@"))]))
    return found[number], changes
