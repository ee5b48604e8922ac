"""The register's rules: drafts from room messages (a private room's with consent), sign-off by both kinds
of reviewer after the comment period, edits that conflict instead of overwriting, revisions and diffs,
review dates, and the supplier's right of reply."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from civicnet.datarights import leaving
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.notifications.models import Notification
from civicnet.personal_data import sections as registered
from civicnet.register import entries, reviews
from civicnet.register import evidence as evidence_rules
from civicnet.register.models import CONSENT_ASKED, CONSENT_GIVEN, PUBLISHED, EntryFollow
from civicnet.rooms.messages import post_message
from tests.factories import make_moderator, make_room, make_user, make_verified
from tests.notifications.conftest import START, clock  # noqa: F401  (the frozen clock fixture)


def details(**changes) -> entries.EntryDetails:
    base = {
        "name": "FaceMatch Pro",
        "kind": "product",
        "summary": "Live facial recognition sold to councils for town centres.",
        "supplier": "Vizio Systems Ltd",
        "companies_house": "01234567",
        "verdict": "avoid",
        "reasoning": "Accuracy claims fail independent tests.",
        "tags": "Facial recognition, Surveillance",
        "answers": {"personal_data": "Faces of everyone passing"},
    }
    return entries.EntryDetails(**{**base, **changes})


@pytest.fixture
def people(ctx, clock):  # noqa: F811
    ada, bob = make_user(username="ada"), make_user(username="bob")
    pat = make_verified(username="pat")
    public = make_room(ada, "Town centre cameras", members=[bob, pat], open_to_public=True)
    private = make_room(ada, "Council staff", kind="private", members=[bob, pat])
    said = post_message(public, ada, "FaceMatch misidentified 8 in 10 people in the Cardiff trial")
    also = post_message(public, pat, "Our procurement team rejected it")
    secret = post_message(private, bob, "Internally we know it failed the DPIA")
    return {"ada": ada, "bob": bob, "pat": pat, "said": said, "also": also, "secret": secret}


def test_a_draft_from_two_room_messages_cites_them_as_evidence(people):
    entry = entries.create_draft(people["ada"], details(), [people["said"].id, people["also"].id])
    assert entry.status == "draft" and entry.revision == 1 and entry.slug == "facematch-pro"
    assert [e.message_id for e in entry.evidence] == [people["said"].id, people["also"].id]
    assert all(e.consent is None and e.kind == "discussion" for e in entry.evidence)
    assert entry.source_room_id == people["said"].room_id
    assert entry.comment_until == START + timedelta(days=7)
    assert [tag.name for tag in entry.tags] == ["Facial recognition", "Surveillance"]
    cited = evidence_rules.cited(entry.evidence[0])
    assert "misidentified 8 in 10" in cited["excerpt"] and cited["url"].endswith(f"#message-{people['said'].id}")


def test_a_private_rooms_message_waits_for_its_authors_consent(people):
    entry = entries.create_draft(people["ada"], details(), [people["secret"].id])
    [item] = entry.evidence
    assert item.consent == CONSENT_ASKED and evidence_rules.cited(item) is None
    asked = db.session.scalars(select(Notification).where(Notification.user_id == people["bob"].id)).all()
    assert [n.kind for n in asked] == ["register_consent"]
    with pytest.raises(Forbidden):
        evidence_rules.answer_consent(people["ada"], item.id, True)
    evidence_rules.answer_consent(people["bob"], item.id, True)
    assert item.consent == CONSENT_GIVEN and "failed the DPIA" in evidence_rules.cited(item)["excerpt"]


def test_a_message_only_members_can_read_needs_consent_too_and_a_room_closed_later_hides_it(people):
    lounge = make_room(people["ada"], "Members lounge", members=[people["bob"]])  # public, members only
    said = post_message(lounge, people["bob"], "Our council paid twice for it")
    entry = entries.create_draft(people["ada"], details(), [said.id, people["said"].id])
    lounge_item, open_item = entry.evidence
    assert lounge_item.consent == CONSENT_ASKED and evidence_rules.cited(lounge_item) is None
    assert lounge_item.summary == "A message in a room"  # no name or room until the author agrees
    assert evidence_rules.cited(open_item) is not None
    # The open room closes to visitors: the quote, given without consent, is no longer shown.
    open_item_room = people["said"].room
    open_item_room.open_to_public = False
    db.session.commit()
    assert evidence_rules.cited(open_item) is None


def test_nobody_cites_a_message_they_cannot_read(people):
    outsider = make_user(username="cyd")
    with pytest.raises(NotFound):
        entries.create_draft(outsider, details(), [people["secret"].id])


def test_publication_needs_a_citizen_and_a_verified_public_servant_after_the_comment_period(people, clock):  # noqa: F811
    entry = entries.create_draft(people["ada"], details(), [])
    reviews.sign_off(people["bob"], entry)
    with pytest.raises(Conflict):
        reviews.sign_off(people["bob"], entry)
    reviews.sign_off(people["pat"], entry)
    assert entry.status == "draft"  # both kinds, but still open for comment
    assert reviews.missing(entry) == [f"the comment period to end ({entry.comment_until:%-d %B %Y})"]
    clock.shift(timedelta(days=7))
    assert reviews.publish_due() == 1
    assert entry.status == PUBLISHED and entry.published_at is not None


def test_two_citizens_do_not_publish_it(people, clock):  # noqa: F811
    entry = entries.create_draft(people["ada"], details(), [])
    clock.shift(timedelta(days=8))
    reviews.sign_off(people["bob"], entry)
    reviews.sign_off(make_user(username="cyd"), entry)
    assert entry.status == "draft" and reviews.missing(entry) == ["a verified public servant's sign-off"]
    reviews.sign_off(people["pat"], entry)
    assert entry.status == PUBLISHED


def test_an_edit_from_an_old_version_is_a_conflict_never_an_overwrite(people):
    entry = entries.create_draft(people["ada"], details(), [])
    entries.update_entry(people["pat"], entry, details(reasoning="Failed the DPIA too."), 1, "Added the DPIA")
    assert entry.revision == 2
    with pytest.raises(Conflict) as raised:
        entries.update_entry(people["bob"], entry, details(verdict="mixed"), 1)
    assert "saved a new version of this entry while you were editing it (version 2)" in raised.value.message
    assert entry.verdict == "avoid" and entry.reasoning == "Failed the DPIA too."
    entries.update_entry(people["bob"], entry, details(verdict="mixed", reasoning="Failed the DPIA too."), 2)
    revision, changes = entries.diff(entry, 3)
    assert revision.editor_id == people["bob"].id
    assert dict(changes)["Verdict"] == ["-avoid", "+mixed"]
    assert [r.number for r in entries.revisions(entry)] == [1, 2, 3]


def test_bad_details_are_refused_field_by_field(people):
    for changes, field in (
        ({"kind": "magic"}, "kind"),
        ({"verdict": "great"}, "verdict"),
        ({"companies_house": "12"}, "companies_house"),
        ({"name": " "}, "name"),
        ({"summary": ""}, "summary"),
        ({"review_by": utcnow().date()}, "review_by"),
    ):
        with pytest.raises(Invalid) as raised:
            entries.create_draft(people["ada"], details(**changes), [])
        assert raised.value.field == field, changes


def test_a_published_entry_past_its_review_date_needs_review(people, clock):  # noqa: F811
    entry = entries.create_draft(people["ada"], details(review_by=(START + timedelta(days=30)).date()), [])
    clock.shift(timedelta(days=8))
    reviews.sign_off(people["bob"], entry)
    reviews.sign_off(people["pat"], entry)
    assert not reviews.needs_review(entry) and entry not in [e for e in reviews.review_queue() if e.is_published]
    clock.shift(timedelta(days=30))
    assert reviews.needs_review(entry) and entry in reviews.review_queue()
    with pytest.raises(Forbidden):
        reviews.mark_reviewed(people["bob"], entry, 12)  # a citizen
    reviews.mark_reviewed(people["pat"], entry, 12)
    assert not reviews.needs_review(entry) and entry.revision == 2


def test_the_supplier_has_a_right_of_reply_never_a_vote(people):
    vendor = make_user(username="vizio")
    entry = entries.create_draft(people["ada"], details(), [])
    with pytest.raises(Forbidden):
        reviews.write_reply(vendor, entry, "Our accuracy is 99%")
    with pytest.raises(Forbidden):
        reviews.give_right_of_reply(people["ada"], entry, "vizio")  # moderators give it
    reviews.give_right_of_reply(make_moderator(), entry, "vizio")
    reviews.write_reply(vendor, entry, "Our accuracy is 99% in good light")
    assert entry.supplier_reply == "Our accuracy is 99% in good light"
    with pytest.raises(Forbidden):
        reviews.sign_off(vendor, entry)
    with pytest.raises(Forbidden):
        entries.update_entry(vendor, entry, details(verdict="real"), entry.revision)


def test_followers_hear_of_changes_and_publication(people, clock):  # noqa: F811
    entry = entries.create_draft(people["ada"], details(), [])  # the proposer follows it
    entries.update_entry(people["pat"], entry, details(reasoning="More"), 1)
    clock.shift(timedelta(days=8))
    reviews.sign_off(people["bob"], entry)
    reviews.sign_off(people["pat"], entry)
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == people["ada"].id).order_by(Notification.id)
    ).all()
    assert kinds == ["register_updated", "register_published"]


def test_the_export_carries_a_members_part_and_erasure_keeps_the_record(people):
    entry = entries.create_draft(people["ada"], details(), [people["secret"].id])
    reviews.sign_off(people["bob"], entry)
    [section] = [s for s in registered() if s.name == "technology_register"]
    tables = {table.name: table.rows for table in section.collect(people["bob"])}
    assert tables["register_sign_offs"][0]["entry"] == "FaceMatch Pro"
    assert tables["register_evidence"] == [
        {"entry": "FaceMatch Pro", "summary": entry.evidence[0].summary, "added_by_you": "no", "consent": "asked"}
    ]
    assert {t.name: t.rows for t in section.collect(people["ada"])}["register_follows"] == [{"entry": "FaceMatch Pro"}]
    leaving.erase(people["ada"])
    assert db.session.scalars(select(EntryFollow)).all() == []
    assert entries.get_entry(people["bob"], entry.slug).created_by.display_name == "Former member"


def test_a_sign_off_counts_for_the_version_signed_and_never_the_proposers_own(people, clock):  # noqa: F811
    entry = entries.create_draft(people["ada"], details(), [])
    with pytest.raises(Forbidden):
        reviews.sign_off(people["ada"], entry)  # the proposer
    clock.shift(timedelta(days=8))
    reviews.sign_off(people["bob"], entry)
    entries.update_entry(people["ada"], entry, details(verdict="mixed"), 1)  # changed after Bob signed
    reviews.sign_off(people["pat"], entry)
    assert entry.status == "draft" and reviews.missing(entry) == ["a citizen's sign-off"]
    reviews.sign_off(people["bob"], entry)  # Bob signs the new version
    assert entry.status == PUBLISHED and not reviews.changed_since_review(entry)
    # Edited after publication: it says so and goes to the review queue until someone confirms it.
    entries.update_entry(people["ada"], entry, details(verdict="real"), entry.revision)
    assert reviews.changed_since_review(entry) and reviews.needs_review(entry) and entry in reviews.review_queue()
    reviews.mark_reviewed(people["pat"], entry, 12)
    assert not reviews.changed_since_review(entry) and not reviews.needs_review(entry)
