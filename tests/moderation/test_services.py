"""Moderation rules, called directly: reports, auto-hide, the word filter, new-member limits, actions,
mutes, suspensions, appeals, the append-only audit log and the transparency counts."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from civicnet.accounts.services import is_suspended, set_role
from civicnet.audit import AuditEntry
from civicnet.db_types import AppendOnlyError, utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.moderation import appeals, filters, reports, transparency
from civicnet.moderation import records as tag_records
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.moderation.models import OPEN, ModerationAction, Report
from civicnet.moderation.queue import pending_count, queue
from civicnet.moderation.restrictions import Muted
from civicnet.notifications.models import Notification
from civicnet.ratelimit import RateLimited
from civicnet.rooms import history, messages
from tests.factories import make_moderator, make_room, make_user


@pytest.fixture
def people(ctx):
    """An author, three other members in the author's room, two moderators and an admin."""
    author = make_user(username="author")
    others = [make_user(username=name) for name in ("bea", "cal", "dot")]
    room = make_room(author, name="Open data", members=others)
    return {
        "author": author,
        "others": others,
        "room": room,
        "mod": make_moderator(username="mod-one"),
        "mod2": make_moderator(username="mod-two"),
        "admin": make_user(username="boss", role="admin"),
    }


def post(people, body="Hello all", author=None):
    return messages.post_message(people["room"], author or people["author"], body)


def act(actor, **fields):
    fields.setdefault("reason", "respect")
    return take_action(actor, ActionRequest(**fields))


# Reports and auto-hide


def test_reports_need_a_known_reason_and_a_note_for_other_and_one_open_report_per_person(people):
    message, bea = post(people), people["others"][0]
    with pytest.raises(Invalid, match="Choose why"):
        reports.report(bea, "message", message.id, "because")
    with pytest.raises(Invalid, match="what the problem is"):
        reports.report(bea, "message", message.id, "other", "  ")
    with pytest.raises(Invalid, match="your own"):
        reports.report(people["author"], "message", message.id, "spam")
    with pytest.raises(NotFound):
        reports.report(bea, "message", 999999, "spam")
    with pytest.raises(Invalid):
        reports.report(bea, "tag", message.id, "spam")
    reports.report(bea, "message", message.id, "spam")
    with pytest.raises(Conflict, match="already reported"):
        reports.report(bea, "message", message.id, "harassment")
    assert db.session.scalar(select(db.func.count(Report.id))) == 1


def test_a_private_rooms_message_cannot_be_reported_by_an_outsider(people):
    secret = make_room(people["author"], name="Secret", kind="private")
    message = messages.post_message(secret, people["author"], "members only")
    with pytest.raises(NotFound):
        reports.report(people["others"][0], "message", message.id, "spam")


def test_three_different_reporters_hide_a_message_pending_review(people):
    message, (bea, cal, dot) = post(people, "You are all idiots"), people["others"]
    reports.report(bea, "message", message.id, "harassment")
    reports.report(cal, "message", message.id, "harassment")
    assert not message.is_hidden
    reports.report(dot, "message", message.id, "harassment")
    assert message.is_hidden and message.moderated_at is not None
    shown = history.page(bea, people["room"]).messages[-1]
    assert shown.id == message.id and shown.is_hidden  # keeps its place, not its text
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auto_hide")).one()
    assert entry.actor_id is None and entry.subject_id == people["author"].id and entry.item_id == message.id
    assert [e.item.id for e in queue()] == [message.id] and pending_count() == 1


def test_the_auto_hide_threshold_is_configurable(make_app):
    app = make_app(MODERATION_AUTO_HIDE_REPORTS=1)
    with app.app_context():
        author, reader = make_user(), make_user()
        room = make_room(author, members=[reader])
        message = messages.post_message(room, author, "one report is enough here")
        reports.report(reader, "message", message.id, "spam")
        assert message.is_hidden


# The word filter


def test_the_word_filter_blocks_holds_or_flags(people):
    mod, bea = people["mod"], people["others"][0]
    filters.add_word(mod, "Scam Link", "block")
    filters.add_word(mod, "crypto", "hold")
    filters.add_word(mod, "idiot", "flag")
    with pytest.raises(Conflict):
        filters.add_word(mod, "crypto", "flag")
    with pytest.raises(Forbidden):
        filters.add_word(bea, "anything", "block")

    with pytest.raises(Invalid, match="scam link"):
        post(people, "click this SCAM   link now")
    assert post(people, "a scammer linked this").moderation is None  # whole words only

    held = post(people, "buy crypto today")
    assert held.is_held
    assert held.id not in [m.id for m in history.page(bea, people["room"]).messages]
    assert held.id in [m.id for m in history.page(people["author"], people["room"]).messages]

    flagged = post(people, "what an idiot")
    assert flagged.moderation is None
    filed = db.session.scalars(select(Report).where(Report.reporter_id.is_(None)).order_by(Report.id)).all()
    assert [(r.item_id, r.reason) for r in filed] == [(held.id, "word_filter"), (flagged.id, "word_filter")]

    # Approving the held message shows it to everyone.
    act(mod, kind="restore_message", item_type="message", item_id=held.id, reason="no_breach")
    assert held.id in [m.id for m in history.page(bea, people["room"]).messages]


def test_editing_a_message_into_a_blocked_phrase_is_refused_and_keeps_the_old_text(people):
    filters.add_word(people["mod"], "forbidden words", "block")
    message = post(people, "fine text")
    with pytest.raises(Invalid):
        messages.edit_message(people["author"], message.id, "now with forbidden words")
    db.session.rollback()
    assert db.session.get(type(message), message.id).body == "fine text"


# New members


def test_new_members_get_one_link_per_message_and_a_harder_rate_limit(make_app):
    app = make_app(NEW_MEMBER_HOURS=24, NEW_MEMBER_MESSAGES=5, NEW_MEMBER_SEND_LIMIT="3 per 10 seconds")
    with app.app_context():
        newcomer, servant, mod = make_user(), make_user(role="public_servant"), make_moderator()
        room = make_room(servant, members=[newcomer, mod])
        two_links = "see https://example.org and https://example.com"
        with pytest.raises(Invalid, match="at most 1 link"):
            messages.post_message(room, newcomer, two_links)  # refused, but it counts towards the rate
        messages.post_message(room, newcomer, "one link: https://example.org and @" + servant.username)
        messages.post_message(room, newcomer, "second")
        with pytest.raises(RateLimited):
            messages.post_message(room, newcomer, "third, too fast")
        # Public servants and moderators are exempt from both.
        for exempt in (servant, mod):
            for n in range(3):
                messages.post_message(room, exempt, f"{two_links} {n}")


def test_members_stop_being_new_after_the_first_day_and_five_messages(make_app):
    app = make_app(NEW_MEMBER_HOURS=24, NEW_MEMBER_MESSAGES=5, NEW_MEMBER_SEND_LIMIT="100 per 10 seconds")
    with app.app_context():
        member = make_user()
        room = make_room(member)
        member.created_at = utcnow() - timedelta(days=2)
        db.session.commit()
        for n in range(5):
            messages.post_message(room, member, f"message {n}")
        messages.post_message(room, member, "https://example.org and https://example.com")


# Actions, permissions and stale forms


def test_only_moderators_act_never_on_themselves_and_only_admins_act_on_admins(people):
    message = post(people)
    bea, mod, admin = people["others"][0], people["mod"], people["admin"]
    with pytest.raises(Forbidden, match="Only moderators"):
        act(bea, kind="hide_message", item_type="message", item_id=message.id)
    with pytest.raises(Forbidden, match="yourself"):
        act(mod, kind="warn", username=mod.username)
    with pytest.raises(Forbidden, match="admins"):
        act(mod, kind="warn", username=admin.username)
    act(admin, kind="warn", username=people["mod2"].username)  # admins may act on moderators
    with pytest.raises(Forbidden):
        act(admin, kind="warn", username=admin.username)


def test_only_admins_grant_roles_and_every_change_is_audited(people):
    bea, mod, admin = people["others"][0], people["mod"], people["admin"]
    with pytest.raises(Forbidden):
        set_role(mod, bea, "moderator")
    with pytest.raises(Forbidden):
        set_role(admin, admin, "citizen")
    set_role(admin, bea, "public_servant", "Verified by the council")
    with pytest.raises(Conflict):
        set_role(admin, bea, "public_servant")
    assert bea.role == "public_servant"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "set_role")).one()
    assert (entry.actor_username, entry.subject_username, entry.reason) == ("boss", "bea", "public_servant")


def test_an_action_needs_a_rule_and_harsh_actions_cannot_cite_no_breach(people):
    bea = people["others"][0]
    with pytest.raises(Invalid, match="rule"):
        act(people["mod"], kind="warn", username=bea.username, reason="")
    with pytest.raises(Invalid, match="rule that was broken"):
        act(people["mod"], kind="warn", username=bea.username, reason="no_breach")
    with pytest.raises(Invalid, match="how long"):
        act(people["mod"], kind="suspend", username=bea.username, period="forever")
    assert not db.session.scalars(select(ModerationAction)).all()


def test_hiding_twice_or_acting_on_a_stale_form_changes_nothing(people):
    message = post(people)
    mod, mod2 = people["mod"], people["mod2"]
    act(mod, kind="hide_message", item_type="message", item_id=message.id, seen=0)
    with pytest.raises(Conflict, match="already hidden"):
        act(mod2, kind="hide_message", item_type="message", item_id=message.id)
    with pytest.raises(Conflict, match="Someone else acted"):
        act(mod2, kind="restore_message", item_type="message", item_id=message.id, reason="no_breach", seen=0)
    assert message.is_hidden and len(db.session.scalars(select(ModerationAction)).all()) == 1


def test_an_action_resolves_the_items_reports_and_sends_a_statement_of_reasons(people, outbox):
    message, bea = post(people, "rude words"), people["others"][0]
    reports.report(bea, "message", message.id, "harassment", "Aimed at me")
    action = act(people["mod"], kind="hide_message", item_type="message", item_id=message.id, note="Please be kind")
    report = db.session.scalars(select(Report)).one()
    assert report.status != OPEN and report.resolved_by_action_id == action.id and pending_count() == 0
    notice = db.session.scalars(
        select(Notification).where(Notification.subject_id == action.id, Notification.kind == "moderation")
    ).one()
    assert notice.user_id == people["author"].id and notice.kind == "moderation"
    (email,) = outbox
    assert email.recipients == ["author@example.org"]
    assert "Your message was hidden" in email.body and "Be respectful" in email.body and "Please be kind" in email.body
    assert "/decisions/link/" in email.body and "within 14 days" in email.body


def test_dismissing_reports_restores_a_message_hidden_pending_review(people):
    message = post(people)
    for member in people["others"]:
        reports.report(member, "message", message.id, "spam")
    assert message.is_hidden
    act(people["mod"], kind="dismiss", item_type="message", item_id=message.id, reason="no_breach")
    assert not message.is_hidden and pending_count() == 0
    with pytest.raises(Conflict, match="no open reports"):
        act(people["mod2"], kind="dismiss", item_type="message", item_id=message.id, reason="no_breach")


def test_a_mute_stops_posting_in_its_room_until_it_ends_or_is_lifted(people):
    bea, mod = people["others"][0], people["mod"]
    elsewhere = make_room(people["author"], name="Elsewhere", members=[bea])
    act(mod, kind="mute", username=bea.username, room=people["room"].slug, period="24", note="Cool off")
    with pytest.raises(Muted, match="in Open data until"):
        post(people, "can I?", author=bea)
    messages.post_message(elsewhere, bea, "but here I can")
    with pytest.raises(Conflict, match="already muted"):
        act(people["mod2"], kind="mute", username=bea.username, room=people["room"].slug, period="24")
    act(mod, kind="lift_mute", username=bea.username, reason="no_breach")
    post(people, "back again", author=bea)
    with pytest.raises(Conflict, match="not muted"):
        act(mod, kind="lift_mute", username=bea.username, reason="no_breach")


def test_a_mute_everywhere_until_lifted(people):
    bea = people["others"][0]
    act(people["mod"], kind="mute", username=bea.username, period="indefinite")
    with pytest.raises(Muted, match="everywhere on civicnet until a moderator lifts it"):
        post(people, "hello?", author=bea)


def test_suspending_and_lifting(people):
    bea, mod = people["others"][0], people["mod"]
    action = act(mod, kind="suspend", username=bea.username, period="168")
    assert is_suspended(bea) and action.ends_at > utcnow() + timedelta(days=6)
    with pytest.raises(Conflict, match="already suspended"):
        act(people["mod2"], kind="suspend", username=bea.username, period="24")
    act(mod, kind="lift_suspension", username=bea.username, reason="no_breach")
    assert not is_suspended(bea)


def test_a_moderator_edits_a_reported_room_and_a_reversal_puts_it_back(people):
    room, bea = people["room"], people["others"][0]
    reports.report(bea, "room", room.id, "off_topic")
    action = act(
        people["mod"],
        kind="edit_room",
        item_type="room",
        item_id=room.id,
        name="Open data (moderated)",
        description="",
        reason="on_topic",
    )
    assert room.name == "Open data (moderated)"
    appeal = appeals.appeal(people["author"], action.id, "The old name was fine")
    appeals.decide(people["mod2"], appeal.id, "reversed", "Agreed")
    assert room.name == "Open data"


# Appeals


def test_appeals_once_within_fourteen_days_by_the_member_only(people):
    message, bea = post(people), people["others"][0]
    action = act(people["mod"], kind="hide_message", item_type="message", item_id=message.id)
    with pytest.raises(NotFound):
        appeals.appeal(bea, action.id, "not mine but still")
    with pytest.raises(Invalid):
        appeals.appeal(people["author"], action.id, "")
    appeals.appeal(people["author"], action.id, "It was a joke")
    with pytest.raises(Conflict, match="already appealed"):
        appeals.appeal(people["author"], action.id, "Again")
    late = act(people["mod"], kind="warn", username=people["author"].username)
    late.created_at = utcnow() - timedelta(days=15)
    db.session.commit()
    with pytest.raises(Conflict, match="14 days"):
        appeals.appeal(people["author"], late.id, "Too late?")


def test_a_different_moderator_decides_and_a_reversal_undoes_the_suspension_and_restores_the_message(people, outbox):
    message, author = post(people, "the reported words"), people["author"]
    for member in people["others"]:
        reports.report(member, "message", message.id, "harassment")
    action = act(people["mod"], kind="suspend", item_type="message", item_id=message.id, period="indefinite")
    assert is_suspended(author) and message.is_hidden
    appeal = appeals.appeal(author, action.id, "Read it again")
    with pytest.raises(Forbidden, match="different moderator"):
        appeals.decide(people["mod"], appeal.id, "reversed", "I changed my mind")
    with pytest.raises(Invalid):
        appeals.decide(people["mod2"], appeal.id, "maybe", "Hmm")
    appeals.decide(people["mod2"], appeal.id, "reversed", "It was a quotation, not an insult")
    assert not is_suspended(author) and not message.is_hidden and action.reversed_at is not None
    with pytest.raises(Conflict, match="already been decided"):
        appeals.decide(people["admin"], appeal.id, "upheld", "Second thoughts")
    assert "reversed" in outbox[-1].body and "It was a quotation" in outbox[-1].body
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["auto_hide", "suspend", "appeal", "appeal_reversed", "restore_message"]


def test_an_upheld_appeal_changes_nothing(people):
    bea = people["others"][0]
    action = act(people["mod"], kind="mute", username=bea.username, period="24")
    appeal = appeals.appeal(bea, action.id, "Unfair")
    appeals.decide(people["mod2"], appeal.id, "upheld", "The rule was broken")
    with pytest.raises(Muted):
        post(people, "still muted?", author=bea)
    assert action.reversed_at is None


# The audit log


def test_the_audit_log_cannot_be_changed_or_deleted_by_the_application_or_by_sql(people):
    act(people["mod"], kind="warn", username=people["others"][0].username, note="First warning")
    entry = db.session.scalars(select(AuditEntry)).one()
    entry.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    for statement in ("UPDATE audit_log SET note = 'rewritten'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalars(select(AuditEntry.note)).all() == ["First warning"]


# Transparency


def test_transparency_counts_per_month(people):
    message = post(people)
    for member, reason in zip(people["others"], ("spam", "spam", "harassment"), strict=True):
        reports.report(member, "message", message.id, reason)
    action = act(people["mod"], kind="suspend", item_type="message", item_id=message.id, period="24")
    appeals.decide(people["mod2"], appeals.appeal(people["author"], action.id, "please").id, "reversed", "ok")
    (month,) = transparency.monthly()
    assert month.key == f"{utcnow():%Y-%m}"
    assert month.reports == {"spam": 2, "harassment": 1}
    assert month.actions == {"auto_hide": 1, "suspend": 1}
    assert month.appeals == 1 and month.reversed == 1
    assert month.median_hours_to_first_action is not None and month.median_hours_to_first_action < 1


def test_renaming_or_merging_a_tag_needs_a_reason_and_is_audited(people):
    from civicnet.profiles import services as profiles
    from civicnet.tags.models import Tag

    profiles.update_profile(
        people["author"], people["author"], profiles.ProfileChanges(display_name="A", help_tags="opendata, open data")
    )
    source, target = db.session.scalars(select(Tag).order_by(Tag.id)).all()
    with pytest.raises(Invalid, match="reason"):
        tag_records.rename_tag(people["mod"], source, "Open-data", "")
    tag_records.rename_tag(people["mod"], source, "Opendata portal", "housekeeping", "Spelling")
    tag_records.merge_tags(people["mod"], source, target, "housekeeping")
    kinds = [(a.kind, a.item_type, a.reason) for a in db.session.scalars(select(ModerationAction))]
    assert kinds == [("edit_tag", "tag", "housekeeping")] * 2
    notes = [e.note for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert "renamed_from" in notes[0] and "opendata" in notes[0] and "merged_from" in notes[1]
