import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civicnet.db_types import utcnow
from civicnet.errors import Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.notifications import services as notifications
from civicnet.notifications.models import Notification
from civicnet.rooms import history, levels, messages, services
from civicnet.rooms.models import Message, MessageRevision
from tests.factories import make_moderator, make_room, make_user


def test_create_room_makes_a_unique_slug_and_the_creator_a_member(ctx):
    ada = make_user()
    first = make_room(ada, "Data & the Council!", tags="Open data, AI ethics")
    second = make_room(ada, "data and the council")
    assert first.slug == "data-the-council" and second.slug == "data-and-the-council"
    third = make_room(ada, "Data & the Council")
    assert third.slug == "data-the-council-2"
    assert [tag.name for tag in first.tags] == ["AI ethics", "Open data"]
    assert services.members(first) == [ada]


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "!!!"}, "name"),
        ({"name": "ok", "description": "d" * 501}, "description"),
        ({"name": "ok", "kind": "secret"}, "kind"),
        ({"name": "ok", "tags": ",".join(f"t{n}" for n in range(11))}, "tags"),
    ],
)
def test_bad_room_details_are_refused(ctx, details, field):
    with pytest.raises(Invalid) as error:
        services.create_room(make_user(), services.RoomDetails(**details))
    assert error.value.field == field


def test_unverified_members_cannot_create_rooms_or_post(ctx):
    pending = make_user(verified=False)
    with pytest.raises(Forbidden):
        make_room(pending)
    room = make_room(make_user())
    with pytest.raises(Forbidden, match="Confirm your email"):
        messages.post_message(room, pending, "hello")


def test_only_creator_and_moderators_manage_a_room(ctx):
    ada, bob, mod = make_user(), make_user(), make_moderator()
    room = make_room(ada)
    with pytest.raises(Forbidden):
        services.update_room(bob, room, services.RoomDetails(name="Taken over"))
    services.update_room(mod, room, services.RoomDetails(name="Renamed by a moderator"))
    assert room.name == "Renamed by a moderator"
    with pytest.raises(Forbidden):
        services.set_archived(bob, room, True)
    services.set_archived(ada, room, True)
    with pytest.raises(Forbidden, match="archived"):
        messages.post_message(room, ada, "still here?")


def test_private_rooms_are_invisible_to_outsiders_and_joined_by_invitation(ctx):
    ada, bob, eve = make_user(), make_user(), make_user()
    room = make_room(ada, "Private", kind="private")
    for action in (lambda: services.get_readable_room(eve, room.slug), lambda: history.page(eve, room)):
        with pytest.raises(NotFound):
            action()
    with pytest.raises(Forbidden):
        services.join_room(eve, room)
    with pytest.raises(Forbidden):
        services.add_member(bob, room, eve.username)
    with pytest.raises(NotFound):
        messages.post_message(room, eve, "let me in")
    services.add_member(ada, room, bob.username)
    with pytest.raises(Invalid, match="already a member"):
        services.add_member(ada, room, bob.username)
    assert messages.post_message(room, bob, "thanks").author == bob
    assert [listing.room for listing in services.list_rooms(eve)] == []
    assert [listing.room for listing in services.list_rooms(bob)] == [room]


def test_visitors_read_only_rooms_open_to_the_public(ctx):
    ada = make_user()
    open_room = make_room(ada, "Open", open_to_public=True)
    closed = make_room(ada, "Members")
    assert [listing.room for listing in services.list_rooms(None)] == [open_room]
    with pytest.raises(NotFound):
        services.get_readable_room(None, closed.slug)
    assert services.get_readable_room(None, open_room.slug) == open_room


def test_posting_in_a_public_room_joins_it_and_counts_unread_for_others(ctx):
    ada, bob = make_user(), make_user()
    room = make_room(ada)
    messages.post_message(room, bob, "hello")
    assert bob in services.members(room)
    for n in range(3):
        messages.post_message(room, bob, f"more {n}")
    assert levels.unread_counts(ada) == {room.id: 4}
    assert levels.unread_counts(bob) == {}
    latest = services.latest_message_id(room)
    messages.mark_read(ada, room, latest)
    assert levels.unread_counts(ada) == {}


def test_client_id_makes_posting_idempotent_and_is_scoped_to_a_room(ctx):
    ada = make_user()
    room, other = make_room(ada), make_room(ada, "Other")
    first = messages.post_message(room, ada, "once", "c-1")
    assert messages.post_message(room, ada, "once again", "c-1") == first
    with pytest.raises(Invalid, match="another room"):
        messages.post_message(other, ada, "elsewhere", "c-1")
    bob = make_user()
    assert messages.post_message(room, bob, "mine", "c-1") != first  # client ids belong to their author
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_mentions_link_profiles_and_notify_only_people_who_can_read_the_room(ctx):
    ada, bob = make_user(username="ada"), make_user(username="bob")
    make_user(username="eve")
    room = make_room(ada, "Private", kind="private", members=[bob])
    message = messages.post_message(room, ada, "Hi @bob and @eve and @nobody, see `@bob`")
    assert '<a href="/people/bob"' in message.body_html and "/people/nobody" not in message.body_html
    assert "<code>@bob</code>" in message.body_html  # code stays code
    notified = {n.user_id for n in db.session.scalars(select(Notification))}
    assert notified == {bob.id}
    reply = messages.post_message(room, bob, "Replying", reply_to_id=message.id)
    assert reply.reply_to == message
    assert [n.kind for n, _ in notifications.listed(ada)] == ["reply"]
    assert notifications.unread_count(ada.id) == 1
    notifications.mark_all_read(ada)
    assert notifications.unread_count(ada.id) == 0


def test_edits_keep_history_and_deletes_hide_messages(ctx):
    ada, bob = make_user(), make_user()
    room = make_room(ada)
    message = messages.post_message(room, ada, "frist")
    with pytest.raises(Forbidden):
        messages.edit_message(bob, message.id, "mine now")
    messages.edit_message(ada, message.id, "first")
    messages.edit_message(ada, message.id, "first!")
    assert [rev.body for rev in messages.revisions(message)] == ["frist", "first"]
    assert message.edited_at is not None and message.body_html == "<p>first!</p>\n"
    messages.delete_message(ada, message.id)
    assert history.page(ada, room).messages == []
    with pytest.raises(Invalid, match="deleted"):
        messages.delete_message(ada, message.id)
    assert db.session.scalar(select(func.count(MessageRevision.id))) == 2


def test_history_pages_forwards_and_backwards(ctx):
    ada = make_user()
    room = make_room(ada)
    ids = [messages.post_message(room, ada, f"m{n}").id for n in range(7)]
    latest = history.page(ada, room, limit=3)
    assert [m.id for m in latest.messages] == ids[-3:] and latest.has_more
    older = history.page(ada, room, before_id=ids[-3], limit=3)
    assert [m.id for m in older.messages] == ids[1:4] and older.has_more
    oldest = history.page(ada, room, before_id=ids[1], limit=3)
    assert [m.id for m in oldest.messages] == ids[:1] and not oldest.has_more
    after = history.page(ada, room, after_id=ids[2], limit=3)
    assert [m.id for m in after.messages] == ids[3:6] and after.has_more
    with pytest.raises(Invalid):
        history.page(ada, room, limit=0)


def test_suspended_members_lose_access_to_rooms(ctx):
    from civicnet.accounts.services import suspend_user

    ada, bob = make_user(), make_user()
    room = make_room(ada, "Private", kind="private", members=[bob])
    suspend_user(None, bob, "Spam", utcnow() + timedelta(days=1))
    from civicnet.accounts.loader import load_user

    # Membership stays (so a lifted suspension restores it); every session and socket is refused.
    assert bob in services.members(room)
    assert load_user(bob.get_id()) is None


@pytest.mark.commits  # its threads each use their own connection
def test_a_reader_catching_up_with_after_id_never_skips_a_message_while_others_post(make_app):
    """Writers race into one room while a reader polls with after_id = the last id it saw.
    If ids did not follow commit order (the room row lock), the reader would skip messages."""
    app = make_app()
    with app.app_context():
        ada = make_user()
        room_id, ada_id = make_room(ada).id, ada.id
    errors: list[Exception] = []
    writers_done = threading.Event()
    seen: list[int] = []

    def write(worker: int) -> None:
        with app.app_context():
            try:
                from civicnet.accounts.models import User
                from civicnet.rooms.models import Room

                room, author = db.session.get(Room, room_id), db.session.get(User, ada_id)
                for n in range(15):
                    messages.post_message(room, author, f"w{worker} m{n}", f"w{worker}-{n}")
            except Exception as error:
                errors.append(error)

    def read() -> None:
        with app.app_context():
            from civicnet.accounts.models import User
            from civicnet.rooms.models import Room

            room, reader = db.session.get(Room, room_id), db.session.get(User, ada_id)
            while True:
                finished = writers_done.is_set()
                db.session.rollback()  # a fresh snapshot each poll
                page = history.page(reader, room, after_id=seen[-1] if seen else 0, limit=200)
                seen.extend(message.id for message in page.messages)
                if finished:
                    return

    writers = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    writers_done.set()
    reader.join(timeout=30)
    assert errors == []
    with app.app_context():
        stored = list(db.session.scalars(select(Message.id).where(Message.room_id == room_id).order_by(Message.id)))
    assert len(stored) == 60
    assert seen == stored
