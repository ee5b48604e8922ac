"""Evidence: cited room messages (one only members can read, only once its author consents, asked by
notification), links, and what each item is, dated, with who added it and any conflict of interest."""

from datetime import date

from civicnet import signals
from civicnet.accounts.permissions import is_signed_in
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.register import notices
from civicnet.register.models import (
    CONSENT_ASKED,
    CONSENT_GIVEN,
    CONSENT_REFUSED,
    EVIDENCE_KINDS,
    Comment,
    Deployment,
    Entry,
    Evidence,
)
from civicnet.transactions import commit

MAX_CITED = 20


def check_may_contribute(actor) -> None:
    """Whatever goes into an entry (and so into open data) comes from a member with a confirmed address."""
    if not is_signed_in(actor):
        raise Forbidden("Sign in to add to an entry")
    if not actor.is_verified_email:
        raise Forbidden("Confirm your email address before adding to an entry")


def citations(reader, message_ids) -> list[dict]:
    """The messages a member cites, as they may read them now; NotFound for any they may not."""
    ids = list(dict.fromkeys(message_ids or ()))
    if len(ids) > MAX_CITED:
        raise Invalid("messages", f"Cite at most {MAX_CITED} messages")
    found = []
    for message_id in ids:
        citation = signals.answer(signals.cite_message, None, message_id=message_id, reader=reader)
        if citation is None:
            raise NotFound("One of those messages does not exist, or you may not read it")
        found.append(citation)
    return found


def cite(actor, entry: Entry, citation: dict) -> Evidence:
    """A cited message as evidence (in the caller's transaction). A message only members can read (a
    private room's, or a public room's not open to visitors) waits for its author's consent, unless the
    author is the one citing it: entries are public, and so is their open data."""
    restricted = citation["restricted"]
    asked = restricted and citation["author_id"] != actor.id
    item = Evidence(
        entry_id=entry.id,
        kind="discussion",
        # Who said it, and where, is shown from the message itself, and only once it may be.
        summary="A message in a room" if restricted else f"{citation['author']} in {citation['room_name']}",
        message_id=citation["id"],
        dated=citation["created_at"].date(),
        added_by_id=actor.id,
        consent=CONSENT_ASKED if asked else (CONSENT_GIVEN if restricted else None),
        consent_from_id=citation["author_id"] if restricted else None,
    )
    db.session.add(item)
    db.session.flush()
    if asked:
        notices.ask_consent(item)
    return item


def cited(item: Evidence) -> dict | None:
    """What a cited message shows on the entry: only with consent where it is needed (a room that has
    since closed to visitors needs it too)."""
    if item.message_id is None or not item.shown:
        return None
    citation = signals.answer(signals.cite_message, None, message_id=item.message_id, reader=None)
    if citation is not None and citation["restricted"] and item.consent != CONSENT_GIVEN:
        return None
    return citation


def for_its_author(item: Evidence) -> dict | None:
    """The cited message as its author sees it on the consent page, even if they left its room."""
    if item.message_id is None:
        return None
    return signals.answer(signals.cite_message, None, message_id=item.message_id, reader=None)


def add_evidence(actor, entry: Entry, kind, summary, url, dated, conflict: str = "", message_id=None) -> Evidence:
    check_may_contribute(actor)
    if kind not in EVIDENCE_KINDS:
        raise Invalid("kind", "Choose what kind of evidence it is")
    summary, url, conflict = (str(v or "").strip() for v in (summary, url, conflict))
    if not summary:
        raise Invalid("summary", "Say what the evidence shows")
    if len(summary) > 2000 or len(conflict) > 300:
        raise Invalid("summary", "The summary must be 2,000 characters or fewer, the conflict of interest 300")
    if (url and not url.startswith(("https://", "http://"))) or len(url) > 500:
        raise Invalid("url", "Enter a web address starting with https://")
    if dated is not None and not isinstance(dated, date):
        raise Invalid("dated", "Enter a real date")
    if message_id:
        [citation] = citations(actor, [message_id])
        item = cite(actor, entry, citation)
        item.kind, item.summary, item.conflict_of_interest = kind, summary, conflict
    else:
        item = Evidence(
            entry_id=entry.id,
            kind=kind,
            summary=summary,
            url=url,
            dated=dated,
            added_by_id=actor.id,
            conflict_of_interest=conflict,
        )
        db.session.add(item)
    notices.tell_followers(entry, actor, notices.UPDATED)
    commit()
    return item


def consent_request(actor, evidence_id) -> Evidence:
    """A request to cite one of the actor's messages; NotFound for anyone else (who need not know of it)."""
    item = db.session.get(Evidence, evidence_id) if is_id(evidence_id) else None
    if item is None or item.consent_from_id is None or item.consent_from_id != actor.id:
        raise NotFound("There is no such request")
    return item


def answer_consent(actor, evidence_id, give: bool) -> Evidence:
    """The author of a message only members can read says whether it may be cited."""
    item = db.session.get(Evidence, evidence_id) if is_id(evidence_id) else None
    if item is None or item.consent_from_id is None:
        raise NotFound("There is no such request")
    if item.consent_from_id != actor.id:
        raise Forbidden("Only the message's author can answer")
    item.consent = CONSENT_GIVEN if give else CONSENT_REFUSED
    commit()
    return item


def add_deployment(actor, entry: Entry, organisation, started, ended, outcome, cost) -> Deployment:
    check_may_contribute(actor)
    organisation = str(organisation or "").strip()
    if not organisation or len(organisation) > 120:
        raise Invalid("organisation", "Enter the organisation (120 characters or fewer)")
    if started and ended and ended < started:
        raise Invalid("ended", "The end must be after the start")
    deployment = Deployment(
        entry_id=entry.id,
        organisation=organisation,
        started=started,
        ended=ended,
        outcome=str(outcome or "").strip()[:2000],
        cost=str(cost or "").strip()[:120],
    )
    db.session.add(deployment)
    notices.tell_followers(entry, actor, notices.UPDATED)
    commit()
    return deployment


def add_comment(actor, entry: Entry, body) -> Comment:
    """A comment on the entry, for its reviewers and editors to weigh; its followers hear of it."""
    check_may_contribute(actor)
    body = str(body or "").strip()
    if not body:
        raise Invalid("body", "Write your comment")
    if len(body) > 2000:
        raise Invalid("body", "A comment must be 2,000 characters or fewer")
    comment = Comment(author_id=actor.id, body=body)
    entry.comments.append(comment)
    notices.follow(actor, entry)
    notices.tell_followers(entry, actor, notices.UPDATED)
    commit()
    return comment
