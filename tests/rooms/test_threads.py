"""Threads: replies gather under the message that starts their thread; the room lists only those, with
how many replies each has; a thread has its own page (without JavaScript) and opens live under its
first message (open_thread); links to a reply lead to its thread."""

import pytest
from sqlalchemy import select

from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.notifications.models import Notification
from civicnet.rooms import history, messages, services, threads
from civicnet.rooms.links import message_url
from tests.factories import make_moderator, make_room, make_user


@pytest.fixture
def talk(app):
    """Ada's public room with a thread: her question, Bob's answer and Ada's answer to him; Eve is
    in no room, and Secret is private to Ada."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Brown")
        make_user(username="eve")
        room = make_room(ada, "Open data", members=[bob])
        secret = make_room(ada, "Secret", kind="private")
        question = messages.post_message(room, ada, "Who publishes **spending** data?")
        answer = messages.post_message(room, bob, "We do, monthly", reply_to_id=question.id)
        again = messages.post_message(room, ada, "Thanks, which format?", reply_to_id=answer.id)
        messages.post_message(room, bob, "Unrelated news")
        hidden = messages.post_message(secret, ada, "Private question")
        messages.post_message(secret, ada, "Private answer", reply_to_id=hidden.id)
        return {"question": question.id, "answer": answer.id, "again": again.id, "secret": hidden.id}


def test_a_reply_to_a_reply_joins_the_same_thread(app, talk):
    with app.app_context():
        ada = find_user_by_username("ada")
        room = services.get_readable_room(ada, "open-data")
        root = threads.get_thread(ada, room, talk["again"])
        assert root.id == talk["question"]
        assert [m.id for m in threads.replies(ada, room, root)] == [talk["answer"], talk["again"]]


def test_the_room_lists_thread_starts_with_their_reply_counts(client, auth, talk):
    auth.sign_in("eve")
    page = client.get("/rooms/open-data").get_data(as_text=True)
    assert "Who publishes" in page and "Unrelated news" in page
    listed = page.split('id="messages"')[1].split("</ol>")[0]
    assert "We do, monthly" not in listed and "which format" not in listed
    assert "2 replies" in listed and f'href="/rooms/open-data/messages/{talk["question"]}/thread"' in listed


def test_deleted_and_removed_replies_are_not_counted(app, client, auth, talk):
    with app.app_context():
        ada, bob = find_user_by_username("ada"), find_user_by_username("bob")
        messages.delete_message(ada, talk["again"])
        take_action(
            make_moderator(),
            ActionRequest(kind="hide_message", reason="accuracy", item_type="message", item_id=talk["answer"]),
        )
        room = services.get_readable_room(bob, "open-data")
        assert threads.summaries(bob, room, list(history.page(bob, room, threads_only=True).messages)) == {}
    auth.sign_in("bob")
    assert (
        'data-part="thread"'
        not in client.get("/rooms/open-data").get_data(as_text=True).split('id="messages"')[1].split("<template")[0]
    )


def test_a_thread_has_its_own_page_that_works_without_javascript(client, auth, talk):
    thread = f"/rooms/open-data/messages/{talk['question']}/thread"
    auth.sign_in("eve")
    page = client.get(thread).get_data(as_text=True)
    assert "Who publishes" in page and "We do, monthly" in page and "which format" in page
    assert "Back to Open data" in page and "Unrelated news" not in page
    # A reply's own number leads to its thread, at the reply.
    assert client.get(f"/rooms/open-data/messages/{talk['answer']}/thread").location == (
        f"{thread}#message-{talk['answer']}"
    )
    posted = client.post(
        "/rooms/open-data/messages", data={"body": "Me too", "reply_to": talk["question"], "thread": talk["question"]}
    )
    assert posted.status_code == 302 and posted.location.startswith(f"{thread}#message-")
    assert "Me too" in client.get(thread).get_data(as_text=True)


def test_a_bad_reply_is_told_on_the_thread_page(client, auth, talk):
    auth.sign_in("bob")
    response = client.post(
        "/rooms/open-data/messages", data={"body": " ", "reply_to": talk["question"], "thread": talk["question"]}
    )
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 200 and "Enter a message" in page and '<h1 class="govuk-heading-l">Thread</h1>' in page
    )


@pytest.mark.parametrize("who", [None, "eve"])
def test_a_private_rooms_threads_are_404_to_outsiders(client, auth, talk, who):
    if who:
        auth.sign_in(who)
    assert client.get(f"/rooms/secret/messages/{talk['secret']}/thread").status_code == 404
    assert client.get(f"/rooms/open-data/messages/{talk['secret']}/thread").status_code == 404
    assert client.get("/rooms/open-data/messages/99999/thread").status_code == 404


def test_opening_a_thread_live_gives_its_replies_to_readers_only(chat_app, members, talk):
    bob = members(chat_app, "bob").connect()
    ack = bob.call("open_thread", {"room": "open-data", "id": talk["question"]})
    assert ack["ok"] and [m["id"] for m in ack["messages"]] == [talk["answer"], talk["again"]]
    assert {m["thread_root"] for m in ack["messages"]} == {talk["question"]}
    eve = members(chat_app, "eve").connect()
    refused = eve.call("open_thread", {"room": "secret", "id": talk["secret"]})
    assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    assert eve.call("open_thread", {"room": "open-data", "id": "x"})["error"]["code"] == "invalid"
    assert eve.call("open_thread", {"room": "open-data", "id": talk["secret"]})["ok"] is False


def test_links_to_a_reply_lead_to_its_thread(app, talk):
    with app.test_request_context():
        ada = find_user_by_username("ada")
        room = services.get_readable_room(ada, "open-data")
        reply = threads.replies(ada, room, threads.get_thread(ada, room, talk["question"]))[0]
        root = reply.reply_to
        assert message_url(reply) == f"/rooms/open-data/messages/{root.id}/thread#message-{reply.id}"
        assert message_url(root) == f"/rooms/open-data#message-{root.id}"
        assert message_url(root, in_place=True) == f"/rooms/open-data?before={root.id + 1}#message-{root.id}"
        assert message_url(reply, external=True).endswith(
            f"/rooms/open-data/messages/{root.id}/thread#message-{reply.id}"
        )


@pytest.fixture
def chat_app(app, talk):
    return app


def test_reacting_to_a_reply_without_javascript_goes_back_to_its_thread(client, auth, talk):
    auth.sign_in("bob")
    response = client.post(f"/rooms/open-data/messages/{talk['again']}/reactions", data={"add": "heart"})
    assert response.location == f"/rooms/open-data/messages/{talk['question']}/thread#message-{talk['again']}"
    thread = client.get(response.location).get_data(as_text=True)
    assert 'aria-pressed="true"' in thread.split(f'id="message-{talk["again"]}"')[1].split("</li>\n</ol>")[0]


def test_reacting_to_a_threads_first_message_on_its_page_without_javascript_stays_there(client, auth, talk):
    auth.sign_in("bob")
    thread = f"/rooms/open-data/messages/{talk['question']}/thread"
    page = client.get(thread).get_data(as_text=True)
    action = page.split(f'id="message-{talk["question"]}"')[1].split('data-part="react"')[0].rsplit('action="', 1)[1]
    response = client.post(action.split('"')[0].replace("&amp;", "&"), data={"add": "heart"})
    assert response.location == f"{thread}#message-{talk['question']}"
    # From the room page, it goes back to the room page.
    assert client.post(f"/rooms/open-data/messages/{talk['question']}/reactions", data={"add": "eyes"}).location == (
        f"/rooms/open-data#message-{talk['question']}"
    )


def test_a_held_message_and_its_thread_are_its_authors_alone(app, client, auth, talk):
    with app.app_context():
        ada = find_user_by_username("ada")
        room = services.get_readable_room(ada, "open-data")
        held = messages.post_message(room, ada, "Held words")
        held.hold()
        db.session.commit()
        held_id = held.id
    for who in (None, "bob", "eve"):
        if who:
            auth.sign_in(who)
        assert client.get(f"/rooms/open-data/messages/{held_id}/thread").status_code == 404, who
        auth.sign_out()
    auth.sign_in("ada")
    assert "Held words" in client.get(f"/rooms/open-data/messages/{held_id}/thread").get_data(as_text=True)


def test_a_deleted_message_keeps_its_thread_findable_while_replies_remain(app, client, auth, talk):
    with app.app_context():
        messages.delete_message(find_user_by_username("ada"), talk["question"])
    auth.sign_in("bob")
    listed = client.get("/rooms/open-data").get_data(as_text=True).split('id="messages"')[1].split("<template")[0]
    assert "This message was deleted." in listed and "Who publishes" not in listed and "2 replies" in listed
    thread = client.get(f"/rooms/open-data/messages/{talk['question']}/thread").get_data(as_text=True)
    shown = thread.split("<template")[0]
    assert "This message was deleted." in shown and "Who publishes" not in shown and "We do, monthly" in shown
    # Once its replies are gone too, so is the placeholder, and the thread.
    with app.app_context():
        messages.delete_message(find_user_by_username("bob"), talk["answer"])
        messages.delete_message(find_user_by_username("ada"), talk["again"])
    assert (
        "This message was deleted." not in client.get("/rooms/open-data").get_data(as_text=True).split("<template")[0]
    )
    assert client.get(f"/rooms/open-data/messages/{talk['question']}/thread").status_code == 404


def test_a_mention_in_a_thread_stays_unread_until_the_thread_is_read(app, client, auth, talk):
    with app.app_context():
        ada, bob = find_user_by_username("ada"), find_user_by_username("bob")
        room = services.get_readable_room(ada, "open-data")
        mention = messages.post_message(room, bob, "Over to you, @ada", reply_to_id=talk["question"])
        told = db.session.scalars(select(Notification).where(Notification.subject_id == mention.id)).one()
        assert (told.user_id, told.conversation) == (ada.id, f"thread:{talk['question']}")
        told_id = told.id
    auth.sign_in("ada")
    client.get("/rooms/open-data")  # the room's list does not show the reply: the mention is still news
    with app.app_context():
        assert db.session.get(Notification, told_id).read_at is None
    client.get(f"/rooms/open-data/messages/{talk['question']}/thread")
    with app.app_context():
        assert db.session.get(Notification, told_id).read_at is not None


def test_opening_a_thread_in_place_reads_its_mentions(app, members, talk):
    with app.app_context():
        room = services.get_readable_room(find_user_by_username("ada"), "open-data")
        messages.post_message(room, find_user_by_username("bob"), "Over to you, @ada", reply_to_id=talk["question"])
    ada = members(app, "ada").connect()
    assert ada.call("open_thread", {"room": "open-data", "id": talk["question"]})["ok"]
    read = ada.wait_for("notifications_read")
    assert read["unread"] == 0 and len(read["ids"]) == 2  # Bob's reply to her, and his mention of her
