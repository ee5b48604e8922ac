"""Every server-to-client event waits for the commit of the transaction that wrote what it tells,
and is never sent if that transaction rolls back."""

from civicnet import realtime
from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db, socketio
from civicnet.transactions import commit
from tests.factories import make_user


def events(client) -> list[str]:
    return [event["name"] for event in client.get_received() if event["name"] == "test_fact"]


def connected(app, client, auth):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    live = socketio.test_client(app, flask_test_client=client)
    assert live.is_connected()
    live.get_received()  # whatever connecting sent
    return live


def told_inside_a_write(live, name: str) -> None:
    """Ada's name changed and flushed, and an event sent about it: nothing arrives before the commit."""
    ada = find_user_by_username("ada")
    ada.display_name = name
    db.session.flush()
    realtime.emit_to_user(ada, "test_fact", {"name": name})
    assert events(live) == []


def test_an_event_about_a_rolled_back_change_is_never_sent(app, client, auth):
    live = connected(app, client, auth)
    with app.app_context():
        told_inside_a_write(live, "Not kept")
        db.session.rollback()
        assert events(live) == []  # nor after a rollback


def test_an_event_written_inside_a_transaction_is_sent_when_it_commits(app, client, auth):
    live = connected(app, client, auth)
    with app.app_context():
        told_inside_a_write(live, "Kept")
        commit()
        assert events(live) == ["test_fact"]


def test_an_event_outside_any_write_is_sent_at_once(app, client, auth):
    live = connected(app, client, auth)
    with app.app_context():
        ada = find_user_by_username("ada")  # a read: nothing to wait for
        realtime.emit_to_user(ada, "test_fact", {})
        assert events(live) == ["test_fact"]
