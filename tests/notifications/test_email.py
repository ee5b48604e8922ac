"""Missed-message emails: after the delay, only if still unread, one per conversation, within the daily
cap; every one with a plain-text and an HTML part and a one-click unsubscribe (RFC 8058)."""

from datetime import timedelta

from sqlalchemy import select

from civicnet.accounts import credentials
from civicnet.accounts.services import find_user_by_username
from civicnet.emails import Email
from civicnet.extensions import db
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.notifications import preferences, services
from civicnet.notifications.models import Notification
from civicnet.rooms import messages
from civicnet.rooms import services as rooms
from tests.factories import DEFAULT_PASSWORD, make_moderator, make_room, make_user
from tests.notifications.conftest import send_due

DELAY = 120


def post(author: str, room: str, body: str):
    user = find_user_by_username(author)
    return messages.post_message(rooms.get_readable_room(user, room), user, body)


def notices(username: str) -> list[Notification]:
    """The member's notifications as stored now (bulk updates leave loaded objects as they were)."""
    db.session.expire_all()
    user = find_user_by_username(username)
    return list(
        db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def test_a_mention_read_within_the_delay_sends_no_email(town, clock, outbox):
    post("ada", "open-data", "@bob can you look at the tender?")
    [notice] = notices("bob")
    assert notice.channel == preferences.EMAIL
    assert notice.email_due_at == notice.created_at + timedelta(seconds=DELAY)
    clock.shift(DELAY - 1)
    assert send_due() == 0  # not yet due
    services.open_notification(find_user_by_username("bob"), notice.id)
    clock.shift(2)
    assert send_due() == 0
    assert outbox == []
    assert notices("bob")[0].email_state == "read"


def test_a_mention_left_unread_sends_exactly_one_email_with_both_parts(town, clock, outbox):
    message = post("ada", "open-data", "@bob can you look at the **tender**?")
    clock.shift(DELAY)
    assert send_due() == 1
    clock.shift(600)
    assert send_due() == 0  # never twice
    [email] = outbox
    assert email.recipients == [find_user_by_username("bob").email]
    assert email.subject.startswith("civicnet: ") and email.subject.endswith("mentioned you in Open data")
    assert '"@bob can you look at the tender?"' in email.body  # the words, not the Markdown
    assert f"/rooms/open-data#message-{message.id}" in email.body
    assert "because you chose to be emailed when: someone mentions me" in email.body
    assert '<html lang="en">' in email.html and f"#message-{message.id}" in email.html
    unsubscribe = dict(email.extra_headers)
    assert unsubscribe["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe["List-Unsubscribe"].startswith("<http") and "/unsubscribe/" in unsubscribe["List-Unsubscribe"]


def test_one_email_per_conversation(town, clock, outbox):
    post("ada", "open-data", "@bob first")
    clock.shift(30)
    post("cyd", "open-data", "@bob second")
    post("ada", "budget", "@bob the figures")
    clock.shift(DELAY)
    assert send_due() == 2
    by_subject = {email.subject: email for email in outbox}
    assert len(by_subject) == 2
    [room_email] = [email for email in outbox if "Open data" in email.subject]
    assert "2 new notifications in Open data" in room_email.subject
    assert '"@bob first"' in room_email.body and '"@bob second"' in room_email.body


def test_a_member_may_keep_private_room_text_out_of_emails(town, clock, outbox):
    preferences.email_settings(find_user_by_username("bob").id).private_text = False
    db.session.commit()
    post("ada", "budget", "@bob the deficit is 4 million")
    post("ada", "open-data", "@bob the open tender")
    clock.shift(DELAY)
    send_due()
    [private] = [email for email in outbox if "Budget" in email.subject]
    [public] = [email for email in outbox if "Open data" in email.subject]
    assert "mentioned you in Budget" in private.body and "deficit" not in private.body + private.html
    assert "the open tender" in public.body


def test_the_daily_cap_folds_the_rest_into_the_digest(town, clock, outbox, app):
    app.config["EMAIL_DAILY_CAP"] = 2
    ada, bob = find_user_by_username("ada"), find_user_by_username("bob")
    make_room(ada, "Transport", members=[bob])
    for room in ("open-data", "budget", "transport"):
        post("ada", room, f"@bob about {room}")
        clock.shift(DELAY + 1)
        send_due()
    assert len(outbox) == 2
    assert [n.email_state for n in notices("bob")] == ["sent", "sent", "folded"]
    # A security email still goes, and counts for nothing.
    credentials.change_password(bob, DEFAULT_PASSWORD, "another long passphrase")
    assert len(outbox) == 3
    # The cap is for 24 hours.
    clock.shift(timedelta(days=1))
    post("ada", "open-data", "@bob the next day")
    clock.shift(DELAY)
    assert send_due() == 1


def test_other_events_are_emailed_at_once_unless_turned_off(town, clock, outbox):
    """A statement of reasons is not a conversation: it is emailed straight away (and may not be turned off)."""
    take_action(make_moderator(), ActionRequest(kind="mute", reason="respect", username="bob", period="24"))
    assert [email.subject for email in outbox] == ["civicnet: a moderation decision about you"]
    assert "/decisions/link/" in outbox[0].body  # opens without signing in: a suspended member cannot
    decision = preferences.event("moderation_decision")
    assert preferences.OFF not in decision.channels and decision.default == preferences.EMAIL


def test_a_choice_of_site_only_never_emails_and_off_stores_nothing(town, clock, outbox):
    bob = find_user_by_username("bob")
    preferences.set_channel(bob, "mention", preferences.SITE)
    preferences.set_channel(bob, "reply", preferences.OFF)
    db.session.commit()
    post("ada", "open-data", "@bob mentioned")
    answer = messages.post_message(rooms.get_readable_room(bob, "open-data"), bob, "my answer")
    ada = find_user_by_username("ada")
    messages.post_message(rooms.get_readable_room(ada, "open-data"), ada, "a reply", reply_to_id=answer.id)
    clock.shift(DELAY + 1)
    assert send_due() == 0 and outbox == []
    assert [(n.kind, n.channel) for n in notices("bob")] == [("mention", "site")]


def test_emails_are_stored_with_their_member_and_counted(town, clock):
    post("ada", "open-data", "@bob look")
    clock.shift(DELAY)
    send_due()
    [email] = db.session.scalars(select(Email)).all()
    assert email.user_id == find_user_by_username("bob").id and email.counted and email.sent_at is not None


def test_flask_sweep_sends_what_is_due(town, clock, outbox, app):
    post("ada", "open-data", "@bob look")
    clock.shift(DELAY)
    output = app.test_cli_runner().invoke(args=["sweep"]).output
    assert "Notification emails sent: 1. Digests sent: 0." in output
    assert len(outbox) == 1


def test_reading_the_room_counts_as_reading_its_mentions(town, clock, outbox):
    message = post("ada", "open-data", "@bob look at this")
    bob = find_user_by_username("bob")
    messages.mark_read(bob, rooms.get_readable_room(bob, "open-data"), message.id)
    clock.shift(DELAY)
    assert send_due() == 0 and outbox == []
    assert notices("bob")[0].read_at is not None


def test_no_email_to_an_address_its_owner_has_not_confirmed(town, clock, outbox):
    make_user(username="newbie", verified=False)
    bob = find_user_by_username("bob")
    room = rooms.get_readable_room(bob, "open-data")
    rooms.join_room(find_user_by_username("newbie"), room)
    post("ada", "open-data", "@newbie welcome")
    clock.shift(DELAY)
    assert send_due() == 0
    assert not [email for email in outbox if "mentioned you" in email.subject]


def test_a_decision_about_a_member_is_emailed_beyond_the_cap(town, clock, outbox, app):
    app.config["EMAIL_DAILY_CAP"] = 0
    take_action(make_moderator(), ActionRequest(kind="suspend", reason="respect", username="bob", period="24"))
    assert [email.subject for email in outbox] == ["civicnet: a moderation decision about you"]
    assert db.session.scalars(select(Email.counted)).all() == [False]
