"""The signals in civicnet.signals are sent where the change happens, once, after it is stored."""

from contextlib import contextmanager

from civicnet import signals
from civicnet.accounts import services as accounts
from civicnet.rooms import messages
from civicnet.rooms import services as rooms
from tests.factories import make_moderator, make_room, make_user


@contextmanager
def heard(signal):
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    with signal.connected_to(receiver):
        yield calls


def test_membership_changes_are_announced_with_who_and_how(ctx):
    ada, bob = make_user(), make_user(username="bobby")
    public, private = make_room(ada, "Open data"), make_room(ada, "Private", kind="private")
    with heard(signals.membership_changed) as calls:
        rooms.join_room(bob, public)
        rooms.leave_room(bob, public)
        rooms.add_member(ada, private, "bobby")
        rooms.remove_member(ada, private, bob)
    assert [(room.slug, kw["user_id"], kw["change"]) for room, kw in calls] == [
        (public.slug, bob.id, "joined"),
        (public.slug, bob.id, "left"),
        (private.slug, bob.id, "added"),
        (private.slug, bob.id, "removed"),
    ]


def test_a_posted_message_is_announced_once_and_a_held_one_not(ctx):
    from civicnet.moderation.filters import add_word

    ada = make_user()
    room = make_room(ada, "Open data")
    add_word(make_moderator(), "forbidden fruit", "hold")
    with heard(signals.message_posted) as posted, heard(signals.message_flagged) as flagged:
        shown = messages.post_message(room, ada, "hello")
        held = messages.post_message(room, ada, "some forbidden fruit")
    assert [message.id for message, _ in posted] == [shown.id]
    assert [(message.id, kw["action"]) for message, kw in flagged] == [(held.id, "hold")]


def test_suspensions_and_role_changes_are_announced_after_the_commit(ctx):
    admin, member = make_user(role="admin"), make_user()
    with (
        heard(signals.member_suspended) as suspended,
        heard(signals.member_suspension_lifted) as lifted,
        heard(signals.member_role_changed) as roles,
    ):
        accounts.suspend_user(None, member, "Spam")
        accounts.lift_suspension(None, member)
        accounts.set_role(admin, member, "moderator")
    assert [user.id for user, _ in suspended] == [member.id] and [user.id for user, _ in lifted] == [member.id]
    assert [(user.id, kw["old_role"]) for user, kw in roles] == [(member.id, "citizen")]


def test_a_question_has_one_answer_and_two_answers_are_a_mistake(ctx):
    assert signals.answer(signals.last_posted_at, make_user().id) is None  # rooms answers: never posted
    with signals.last_posted_at.connected_to(lambda sender, **_: "a second answer"):
        ada = make_user()
        messages.post_message(make_room(ada, "Open data"), ada, "hello")
        try:
            signals.answer(signals.last_posted_at, ada.id)
        except RuntimeError as error:
            assert "2 answers" in str(error)
        else:
            raise AssertionError("two answers were accepted")
