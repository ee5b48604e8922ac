"""Notifications: one record and one page for every kind, each kind rendered by the capability that owns it."""

from sqlalchemy import select

from civicnet.extensions import db
from civicnet.notifications import kinds, services
from civicnet.notifications.models import Notification
from civicnet.rooms import messages
from civicnet.rooms import services as rooms
from tests.factories import make_moderator, make_room, make_user


def notices_of(user) -> list[tuple[str, int]]:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return [(n.kind, n.subject_id) for n in db.session.scalars(query)]


def test_every_kind_in_use_has_a_renderer(ctx):
    for kind in ("mention", "reply", "moderation", "appeal_decided", "mentoring_requested", "mentoring_expiring"):
        assert kinds._RENDERERS.get(kind) is not None, kind


def test_a_kind_can_be_registered_once_only(ctx):
    try:
        kinds.register("mention")(lambda notification: None)
    except ValueError as error:
        assert "registered twice" in str(error)
    else:
        raise AssertionError("a second renderer for 'mention' was accepted")


def test_a_mention_reads_as_plain_text_with_a_link_to_the_message(ctx):
    ada, bob = make_user(display_name="Ada Lovelace"), make_user(username="bobby")
    room = make_room(ada, "Open data")
    message = messages.post_message(room, ada, "**Look** at [this](https://example.org) @bobby `now`")
    [(notification, shown)] = services.listed(bob)
    assert notices_of(bob) == [("mention", message.id)]
    assert shown.lead == "Ada Lovelace mentioned you in" and shown.link_text == "Open data"
    assert shown.excerpt == "Look at this @bobby now"  # the words, not the Markdown or the HTML
    assert shown.url.endswith(f"/rooms/{room.slug}#message-{message.id}")
    payload = services.payload(notification)
    assert payload["text"] == "Ada Lovelace mentioned you in Open data" and payload["unread"] == 1


def test_a_notification_is_not_shown_once_its_room_cannot_be_read(ctx):
    ada, bob = make_user(), make_user(username="bobby")
    room = make_room(ada, "Private", kind="private", members=[bob])
    messages.post_message(room, ada, "@bobby a secret")
    assert len(services.listed(bob)) == 1
    rooms.remove_member(ada, room, bob)
    assert services.listed(bob) == [] and services.payload(db.session.scalars(select(Notification)).one()) is None


def test_opening_a_notification_marks_it_read_and_mark_all_clears_the_rest(client, app, auth):
    with app.app_context():
        ada = make_user(username="ada")
        make_user(username="bob")
        room = make_room(ada, "Open data")
        for n in range(2):
            messages.post_message(room, ada, f"@bob number {n}")
        first, second = (n.id for n in db.session.scalars(select(Notification).order_by(Notification.id)))
    auth.sign_in("bob")
    opened = client.get(f"/notifications/{first}")
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/rooms/open-data#message-")
    with app.app_context():
        assert services.unread_count(db.session.get(Notification, first).user_id) == 1
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("New") == 1 and "Mark all as read" in page
    assert client.post("/notifications/read").status_code == 302
    assert "All your notifications are marked as read" in client.get("/notifications").get_data(as_text=True)
    with app.app_context():
        assert services.unread_count(db.session.get(Notification, second).user_id) == 0


def test_nobody_opens_another_members_notification(client, app, auth):
    with app.app_context():
        ada = make_user(username="ada")
        make_user(username="bob")
        make_user(username="eve")
        messages.post_message(make_room(ada, "Open data"), ada, "@bob hello")
        [notification_id] = db.session.scalars(select(Notification.id)).all()
    auth.sign_in("eve")
    assert client.get(f"/notifications/{notification_id}").status_code == 404
    assert client.get("/notifications/99999999999999999999").status_code == 404


def test_the_page_says_each_thing_once(client, app, auth):
    """A statement of reasons reads "...: you were muted" with a link; its excerpt says the same words,
    so the page shows them once. A mention's excerpt quotes the message, so it stays."""
    from civicnet.moderation.actions import ActionRequest, take_action

    with app.app_context():
        ada = make_user(username="ada")
        make_user(username="bob")
        messages.post_message(make_room(ada, "Open data"), ada, "@bob have a look at this")
        take_action(make_moderator(), ActionRequest(kind="mute", reason="respect", username="bob", period="24"))
    auth.sign_in("bob")
    page = client.get("/notifications").get_data(as_text=True).lower()
    assert page.count("you were muted") == 1
    assert "have a look at this" in page
