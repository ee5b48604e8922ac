"""Direct messages' rules, in process: who may message whom under each setting, blocks, group size,
finding the conversation the same people already have, the room rules a direct conversation keeps,
and the notifications a direct message gives."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from civicnet.accounts import blocks
from civicnet.db_types import utcnow
from civicnet.direct import conversations, rules
from civicnet.direct.models import EVERYONE, NOBODY, SHARED_ROOM
from civicnet.direct.rules import NotAccepted
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.mentoring import offers, requests
from civicnet.mentoring.offers import OfferDetails
from civicnet.notifications.kinds import render
from civicnet.notifications.models import Notification
from civicnet.rooms import levels, messages, reactions
from civicnet.rooms import services as rooms
from civicnet.rooms.models import DIRECT, Membership
from civicnet.rooms.permissions import can_manage, can_read
from civicnet.rooms.titles import title_for
from civicnet.tags.follows import follow
from civicnet.tags.services import get_or_create_tag
from tests.factories import make_moderator, make_room, make_user, make_verified


class People:
    def __init__(self):
        self.ada = make_user(username="ada", display_name="Ada Lovelace")
        self.grace = make_user(username="grace", display_name="Grace Hopper")  # in a room with Ada
        self.bob = make_user(username="bob", display_name="Bob Okafor")  # in no room with anyone
        self.moe = make_moderator(username="moe", display_name="Moe Moderator")  # in no room either
        make_room(self.ada, "Open data", members=[self.grace])


@pytest.fixture
def people(ctx) -> People:
    return People()


def notified(user, kind: str = "direct_message") -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    return list(db.session.scalars(query))


# Who may start a conversation with Ada, for each of her settings: Grace shares a room with her, Bob does not.
@pytest.mark.parametrize(
    ("setting", "grace_may", "bob_may"),
    [(None, True, False), (EVERYONE, True, True), (SHARED_ROOM, True, False), (NOBODY, False, False)],
)
def test_who_may_start_a_conversation_under_each_setting(people, setting, grace_may, bob_may):
    if setting is not None:
        rules.set_allow_from(people.ada, setting)
    for sender, may in ((people.grace, grace_may), (people.bob, bob_may)):
        if may:
            room = conversations.start_conversation(sender, "ada")
            assert room.is_direct and can_read(people.ada, room) and can_read(sender, room)
        else:
            with pytest.raises(NotAccepted, match=r"^Ada Lovelace does not accept direct messages from you$"):
                conversations.start_conversation(sender, "ada")


def test_the_default_is_members_i_share_a_room_with(people):
    assert rules.allow_from(people.ada.id) == SHARED_ROOM
    with pytest.raises(Invalid):
        rules.set_allow_from(people.ada, "friends")


def test_moderators_follow_the_members_setting_too(people):
    with pytest.raises(NotAccepted):
        conversations.start_conversation(people.moe, "ada")
    rules.set_allow_from(people.ada, EVERYONE)
    assert conversations.start_conversation(people.moe, "ada").is_direct


def test_nobody_stops_new_messages_in_existing_conversations_but_leaving_the_shared_room_does_not(people):
    room = conversations.start_conversation(people.grace, "ada")
    messages.post_message(room, people.grace, "Hello Ada")
    rooms.leave_room(people.grace, rooms.get_readable_room(people.grace, "open-data"))
    # No room shared any more, but the conversation itself counts as one: it goes on.
    assert messages.post_message(room, people.grace, "Still here").id
    rules.set_allow_from(people.ada, NOBODY)
    with pytest.raises(NotAccepted, match="Ada Lovelace does not accept direct messages from you"):
        messages.post_message(room, people.grace, "Are you there?")
    # Ada herself may still write; Grace's setting is hers.
    assert messages.post_message(room, people.ada, "I am taking a break").id


def test_a_blocked_member_can_neither_start_nor_write_and_is_told_what_nobody_would_tell_them(people):
    room = conversations.start_conversation(people.grace, "ada")
    blocks.block(people.ada, people.grace)
    with pytest.raises(NotAccepted) as started:
        conversations.start_conversation(people.grace, "ada")
    with pytest.raises(NotAccepted) as posted:
        messages.post_message(room, people.grace, "Why?")
    # The same words as Ada's "Nobody" setting: the block is not announced.
    assert started.value.message == posted.value.message == "Ada Lovelace does not accept direct messages from you"
    with pytest.raises(NotAccepted, match="You blocked Grace Hopper"):
        messages.post_message(room, people.ada, "Bye")
    blocks.unblock(people.ada, people.grace)
    assert messages.post_message(room, people.grace, "Thank you").id


def test_a_blocked_member_can_neither_react_nor_be_seen_typing(people):
    room = conversations.start_conversation(people.grace, "ada")
    said = messages.post_message(room, people.ada, "Hello Grace")
    blocks.block(people.ada, people.grace)
    refusal = "Ada Lovelace does not accept direct messages from you"
    with pytest.raises(Forbidden, match=refusal):
        reactions.react(people.grace, said.id, "heart", True)
    with pytest.raises(Forbidden, match=refusal):
        messages.check_may_type(people.grace, room)
    assert messages.write_refusal(people.grace, room) == refusal
    blocks.unblock(people.ada, people.grace)
    assert reactions.react(people.grace, said.id, "heart", True)["reactions"]
    messages.check_may_type(people.grace, room)


def test_a_block_in_a_group_stops_the_blocked_member_writing_to_the_group(people):
    rules.set_allow_from(people.bob, EVERYONE)
    group = conversations.start_conversation(people.ada, "grace, bob")
    blocks.block(people.bob, people.grace)
    with pytest.raises(NotAccepted, match="Bob Okafor does not accept"):
        messages.post_message(group, people.grace, "Hello all")
    assert messages.post_message(group, people.ada, "Hello all").id


def test_blocking_yourself_is_refused_and_blocking_twice_is_harmless(people):
    with pytest.raises(Invalid, match="You cannot block yourself"):
        blocks.block(people.ada, people.ada)
    blocks.block(people.ada, people.bob)
    blocks.block(people.ada, people.bob)
    assert [user.username for user, _ in blocks.blocked_by(people.ada)] == ["bob"]


def test_the_blocker_is_not_notified_about_the_blocked_members_mentions_and_replies(people):
    room = rooms.get_readable_room(people.ada, "open-data")
    first = messages.post_message(room, people.ada, "Anyone around?")
    blocks.block(people.ada, people.grace)
    messages.post_message(room, people.grace, "@ada yes", reply_to_id=first.id)
    assert notified(people.ada, "reply") == [] and notified(people.ada, "mention") == []
    blocks.unblock(people.ada, people.grace)
    messages.post_message(room, people.grace, "here", reply_to_id=first.id)
    messages.post_message(room, people.grace, "@ada here")
    assert len(notified(people.ada, "reply")) == 1 and len(notified(people.ada, "mention")) == 1


def test_the_blocker_hears_of_no_new_room_or_mentoring_request_of_the_blocked_member(people):
    mentor = make_verified(username="pat", display_name="Pat Mentor", help_tags="Birds")
    follow(mentor, get_or_create_tag("Birds"))
    blocks.block(mentor, people.grace)
    make_room(people.grace, "Birds of Camden", tags="Birds")
    offers.save_offer(mentor, OfferDetails(tags=["birds"], description="Birding help", capacity=2))
    requests.ask(people.grace, offers.offer_of(mentor).id, "Teach me birding")
    assert db.session.scalars(select(Notification).where(Notification.user_id == mentor.id)).all() == []
    blocks.unblock(mentor, people.grace)
    make_room(people.grace, "More birds", tags="Birds")
    assert [n.kind for n in notified(mentor, "tag_room")] == ["tag_room"]


def test_a_group_holds_up_to_eight_people_with_the_one_starting_it(people):
    rules.set_allow_from(people.grace, EVERYONE)
    others = [make_user(username=f"guest{n}") for n in range(7)]
    for user in others:
        rules.set_allow_from(user, EVERYONE)
    names = ", ".join(user.username for user in others)
    room = conversations.start_conversation(people.ada, names)
    assert len(rooms.members(room)) == 8
    with pytest.raises(Invalid, match="up to 8 people, you included"):
        conversations.start_conversation(people.ada, names + ", grace")


@pytest.mark.parametrize(
    ("to", "error"),
    [
        ("", "Enter the username of the person you want to write to"),
        (" , @ ", "Enter the username of the person you want to write to"),
        ("nobody-here", "There is no member with the username nobody-here"),
        ("ada", "Enter someone else's username"),
        ("@ADA, ada", "Enter someone else's username"),
    ],
)
def test_the_people_named_must_be_real_and_someone_else(people, to, error):
    with pytest.raises(Invalid, match=error):
        conversations.start_conversation(people.ada, to)


def test_writing_to_the_same_people_again_finds_their_conversation(people):
    rules.set_allow_from(people.bob, EVERYONE)
    rules.set_allow_from(people.ada, EVERYONE)
    pair = conversations.start_conversation(people.ada, "grace")
    assert conversations.start_conversation(people.ada, "@Grace, ada grace") == pair
    assert conversations.start_conversation(people.grace, "ada") == pair  # from either side
    group = conversations.start_conversation(people.ada, "grace bob")
    assert group != pair and conversations.start_conversation(people.bob, "grace; ada") == group
    assert conversations.existing_with(people.grace, "ada") == pair
    count = db.session.scalar(select(db.func.count()).select_from(Membership).where(Membership.room_id == group.id))
    assert count == 3


def test_starting_new_conversations_is_limited_but_writing_to_existing_ones_is_not(people, app):
    app.config["DIRECT_START_LIMIT"] = "2 per hour"
    for user in (people.ada, people.bob, people.moe):
        rules.set_allow_from(user, EVERYONE)
    first = conversations.start_conversation(people.grace, "ada")
    conversations.start_conversation(people.grace, "bob")
    with pytest.raises(Invalid, match="too often"):
        conversations.start_conversation(people.grace, "moe")
    assert conversations.start_conversation(people.grace, "ada") == first
    assert messages.post_message(first, people.grace, "Still fine").id


def test_an_unconfirmed_member_cannot_start_a_conversation(people):
    newbie = make_user(username="newbie", verified=False)
    rules.set_allow_from(people.ada, EVERYONE)
    with pytest.raises(Forbidden, match="Confirm your email address"):
        conversations.start_conversation(newbie, "ada")


def test_a_conversation_is_a_private_room_nobody_lists_joins_leaves_or_manages(people):
    room = conversations.start_conversation(people.grace, "ada")
    assert room.kind == DIRECT and room.is_private
    for viewer in (people.ada, people.grace, people.bob, people.moe):
        assert room.id not in {listing.room.id for listing in rooms.list_rooms(viewer)}
    assert not can_read(people.bob, room) and not can_read(people.moe, room) and not can_read(None, room)
    with pytest.raises(NotFound):
        rooms.get_readable_room(people.bob, room.slug)
    with pytest.raises(Forbidden):
        rooms.join_room(people.bob, room)
    with pytest.raises(Forbidden, match="cannot leave a direct conversation"):
        rooms.leave_room(people.ada, room)
    assert not can_manage(people.grace, room) and not can_manage(people.moe, room)
    with pytest.raises(Forbidden):
        rooms.add_member(people.grace, room, "bob")


def test_each_person_sees_the_conversation_named_after_the_others(people):
    rules.set_allow_from(people.bob, EVERYONE)
    group = conversations.start_conversation(people.ada, "grace, bob")
    assert title_for(people.ada, group) == "Bob Okafor, Grace Hopper"
    assert title_for(people.grace, group) == "Ada Lovelace, Bob Okafor"
    assert title_for(people.moe, group) == "Ada Lovelace, Bob Okafor, Grace Hopper"  # not in it: everyone
    people.grace.display_name = "Grace B. Hopper"
    db.session.commit()
    assert title_for(people.ada, group) == "Bob Okafor, Grace B. Hopper"


def test_a_direct_message_notifies_every_other_participant_once_and_waits_like_a_mention(people, app):
    rules.set_allow_from(people.bob, EVERYONE)
    group = conversations.start_conversation(people.ada, "grace, bob")
    message = messages.post_message(group, people.ada, "Hello @grace")
    for user in (people.grace, people.bob):
        [notice] = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
        assert (notice.kind, notice.subject_id, notice.conversation) == (
            "direct_message",
            message.id,
            f"room:{group.id}",
        )
        # Emailed only if still unread after the conversation delay, as for mentions and replies.
        delay = timedelta(seconds=app.config["NOTIFY_EMAIL_DELAY"])
        assert notice.email_due_at is not None and notice.email_due_at > utcnow() + delay - timedelta(seconds=30)
    assert notified(people.ada) == []
    levels.set_notify_level(people.bob, group, "mute")
    messages.post_message(group, people.ada, "Second")
    assert len(notified(people.grace)) == 2 and len(notified(people.bob)) == 1
    # Reading the conversation reads its notifications.
    messages.mark_read(people.grace, group, message.id + 10)
    assert all(notice.read_at is not None for notice in notified(people.grace))


def test_a_direct_message_notification_reads_as_one_to_one_or_as_a_group(people):
    pair = conversations.start_conversation(people.grace, "ada")
    messages.post_message(pair, people.grace, "Hi Ada")
    rules.set_allow_from(people.bob, EVERYONE)
    group = conversations.start_conversation(people.ada, "grace, bob")
    messages.post_message(group, people.ada, "Hi both")
    one = render(notified(people.ada)[0])
    assert (one.lead, one.link_text, one.excerpt, one.private) == (
        "Direct message from",
        "Grace Hopper",
        "Hi Ada",
        True,
    )
    many = render(notified(people.bob)[0])
    assert (many.lead, many.link_text) == ("Ada Lovelace wrote in your conversation with", "Ada Lovelace, Grace Hopper")
    assert many.url.endswith(f"/rooms/{group.slug}#message-{many.fields['message_id']}")
