"""The member's controls: the settings table, one-click unsubscribe, following and muting rooms, and
following tags."""

import re

from sqlalchemy import select

from civicnet.accounts.services import find_user_by_username
from civicnet.datarights import leaving
from civicnet.extensions import db
from civicnet.notifications import preferences, unsubscribing
from civicnet.notifications.models import Notification
from civicnet.notifications.preferences import EmailSettings, NotificationChoice
from civicnet.personal_data import sections as registered
from civicnet.rooms import levels, messages
from civicnet.rooms import services as rooms
from civicnet.tags import follows
from civicnet.tags.follows import TagFollow
from civicnet.tags.services import get_tag
from tests.factories import make_moderator, make_room, make_user


def channels(username: str) -> dict[str, str]:
    db.session.expire_all()
    return preferences.channels_of(find_user_by_username(username))


def test_the_settings_table_shows_each_event_with_its_default(client, app, auth):
    with app.app_context():
        make_user(username="bob")
        make_moderator(username="moe")
    auth.sign_in("bob")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Someone mentions me" in page and "Activity on a skill tag I follow" in page
    assert "A new report arrives in the moderation queue" not in page  # moderators only
    assert re.search(r'name="event_mention" value="email" checked', page)
    assert re.search(r'name="event_followed_room" value="digest" checked', page)
    # A decision about you cannot be turned off: no "Off" radio in its row.
    assert 'name="event_moderation_decision" value="off"' not in page
    assert "cannot be turned off" in page
    auth.sign_out()
    auth.sign_in("moe")
    assert "A new report arrives in the moderation queue" in client.get("/account/notifications").get_data(as_text=True)


def test_saving_settings(client, app, auth):
    with app.app_context():
        make_user(username="bob")
    auth.sign_in("bob")
    form = {f"event_{key}": value for key, value in channels_defaults(app, "bob").items()}
    form |= {"event_mention": "digest", "event_reply": "off", "digest": "daily", "private_text": "hidden"}
    response = client.post("/account/notifications", data=form)
    assert response.status_code == 302
    with app.app_context():
        chosen = channels("bob")
        assert chosen["mention"] == "digest" and chosen["reply"] == "off" and chosen["followed_tag"] == "digest"
        settings = preferences.email_settings(find_user_by_username("bob").id)
        assert settings.digest == "daily" and settings.private_text is False
        # Only the choices that differ from the defaults are stored.
        stored = db.session.scalars(select(preferences.NotificationChoice.event)).all()
        assert sorted(stored) == ["mention", "reply"]


def channels_defaults(app, username: str) -> dict[str, str]:
    with app.app_context():
        return channels(username)


def test_bad_settings_are_refused_with_a_message_and_nothing_is_lost(client, app, auth):
    with app.app_context():
        bob = make_user(username="bob")
        preferences.set_channel(bob, "mention", preferences.SITE)
        db.session.commit()
    auth.sign_in("bob")
    form = {f"event_{key}": value for key, value in channels_defaults(app, "bob").items()}
    form |= {"event_mention": "email", "event_moderation_decision": "off", "digest": "hourly"}
    response = client.post("/account/notifications", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Not a valid choice" in page
    assert channels_defaults(app, "bob")["mention"] == "site"  # nothing saved


def test_a_one_click_post_with_no_cookies_unsubscribes(app):
    with app.app_context():
        bob = make_user(username="bob")
        url = unsubscribing.link(bob.id, ["mention", "reply"])
    stranger = app.test_client()  # no session, no CSRF token: a mail client
    response = stranger.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.get_json()["ok"] is True
    with app.app_context():
        chosen = channels("bob")
        assert chosen["mention"] == "site" and chosen["reply"] == "site"  # still on the site
        assert chosen["mentoring"] == "email"  # only that category


def test_the_link_unsubscribes_and_offers_everything_and_the_settings(app):
    with app.app_context():
        bob = make_user(username="bob")
        url = unsubscribing.link(bob.id, [unsubscribing.DIGEST])
    browser = app.test_client()
    page = browser.get(url).get_data(as_text=True)
    assert "You are unsubscribed" in page and "No more emails about: the digest" in page
    assert "Unsubscribe from everything" in page and "/account/notifications" in page
    with app.app_context():
        assert preferences.email_settings(find_user_by_username("bob").id).digest == "never"
    token = url.rsplit("/", 1)[1]
    everything = browser.post(f"/unsubscribe/{token}/everything", data={})
    assert everything.status_code == 200
    with app.app_context():
        chosen = channels("bob")
        assert preferences.EMAIL not in chosen.values() and preferences.DIGEST not in chosen.values()
        # What may not be turned off stays on the site.
        assert chosen["moderation_decision"] == "site"


def test_a_forged_or_foreign_unsubscribe_link_changes_nothing(app):
    with app.app_context():
        bob = make_user(username="bob")
        url = unsubscribing.link(bob.id, ["mention"])
    client = app.test_client()
    for bad in (url[:-3] + "abc", url.replace("/unsubscribe/", "/unsubscribe/x")):
        response = client.post(bad, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 404 and "does not work" in response.get_data(as_text=True)
    assert client.post(url.rsplit("/", 1)[0] + "/nonsense/everything").status_code == 404
    with app.app_context():
        assert channels("bob")["mention"] == "email"


def test_a_muted_room_notifies_nothing_and_counts_nothing(ctx):
    ada, bob = make_user(username="ada"), make_user(username="bob")
    room = make_room(ada, "Open data", members=[bob])
    levels.set_notify_level(bob, room, "mute")
    messages.post_message(room, ada, "@bob are you there?")
    reply_to = messages.post_message(room, bob, "I am")
    messages.post_message(room, ada, "good", reply_to_id=reply_to.id)
    assert db.session.scalars(select(Notification).where(Notification.user_id == bob.id)).all() == []
    assert levels.unread_counts(bob) == {}
    listing = {item.room.slug: item for item in rooms.list_rooms(bob)}
    assert listing["open-data"].level == "mute"
    levels.set_notify_level(bob, room, "normal")
    assert levels.unread_counts(bob) == {room.id: 1}  # "good", after his own "I am"


def test_following_a_room_notifies_every_message_and_normal_only_mentions(ctx):
    ada, bob, cyd = (make_user(username=name) for name in ("ada", "bob", "cyd"))
    room = make_room(ada, "Open data", members=[bob, cyd])
    levels.set_notify_level(bob, room, "follow")
    messages.post_message(room, ada, "Minutes are up")
    messages.post_message(room, ada, "and @bob @cyd please check")
    kinds = db.session.execute(select(Notification.user_id, Notification.kind).order_by(Notification.id)).all()
    assert kinds == [(bob.id, "room_message"), (bob.id, "mention"), (cyd.id, "mention")]


def test_the_room_page_sets_the_level(client, app, auth):
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        make_room(ada, "Open data", members=[bob])
        make_user(username="cyd")
    auth.sign_in("bob")
    page = client.get("/rooms/open-data").get_data(as_text=True)
    assert 'name="level" type="radio" value="normal" checked' in page
    assert client.post("/rooms/open-data/notifications", data={"level": "mute"}).status_code == 302
    assert 'value="mute" checked' in client.get("/rooms/open-data").get_data(as_text=True)
    assert "Muted" in client.get("/rooms").get_data(as_text=True)
    response = client.post("/rooms/open-data/notifications", data={"level": "loud"}, follow_redirects=True)
    assert response.status_code == 200 and "Choose follow, normal or mute" in response.get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("cyd")  # not a member: no form, and no level
    assert 'name="level"' not in client.get("/rooms/open-data").get_data(as_text=True)
    response = client.post("/rooms/open-data/notifications", data={"level": "follow"}, follow_redirects=True)
    assert "Join the room first" in response.get_data(as_text=True)


def test_following_a_tag_from_its_page_and_from_the_profile(client, app, auth):
    with app.app_context():
        ada = make_user(username="ada", help_tags="Open data, Housing")
        make_user(username="bob")
        make_room(ada, "Anything", tags="Transport")
    auth.sign_in("bob")
    page = client.get("/tags/open-data").get_data(as_text=True)
    assert "Follow Open data" in page
    client.post("/tags/open-data/follow", data={"follow": "yes"})
    assert "Stop following Open data" in client.get("/tags/open-data").get_data(as_text=True)
    edit = client.get("/profile/edit").get_data(as_text=True)
    assert re.search(r'name="followed_tags"[^>]*value="Open data"', edit)
    form = {"display_name": "Bob", "visibility": "public", "followed_tags": "Housing, Transport"}
    assert client.post("/profile/edit", data=form).status_code == 302
    with app.app_context():
        assert [tag.name for tag in follows.followed_tags(find_user_by_username("bob"))] == ["Housing", "Transport"]
    refused = client.post("/profile/edit", data={**form, "followed_tags": "Housing, Quantum toasters"})
    assert refused.status_code == 200 and "There is no skill tag called “Quantum toasters”" in refused.get_data(
        as_text=True
    )
    client.post("/tags/housing/follow", data={"follow": "no"})
    with app.app_context():
        bob = find_user_by_username("bob")
        assert [tag.name for tag in follows.followed_tags(bob)] == ["Transport"]
        assert not follows.follows(bob, get_tag("housing"))
        # Who follows what is never shown to others: not on the tag page.
        assert "bob" not in client.get("/tags/transport").get_data(as_text=True).split("Who can help")[1]


def test_erasing_a_member_removes_their_settings_and_follows(ctx):
    bob = make_user(username="bob", help_tags="Open data")
    preferences.set_channel(bob, "mention", preferences.DIGEST)
    preferences.email_settings(bob.id).digest = preferences.DAILY
    follows.follow(bob, get_tag("open-data"))
    db.session.commit()
    leaving.erase(bob)
    for table in (NotificationChoice, EmailSettings, TagFollow):
        assert db.session.scalars(select(table)).all() == [], table.__name__


def test_the_export_carries_the_settings(ctx):
    bob = make_user(username="bob", help_tags="Open data")
    preferences.set_channel(bob, "mention", preferences.DIGEST)
    follows.follow(bob, get_tag("open-data"))
    db.session.commit()
    sections = {section.name: section.collect(bob) for section in registered()}
    settings = {row["setting"]: row["value"] for row in sections["notifications"][0].rows}
    assert settings["Someone mentions me"] == "In the digest" and settings["Digest"] == "weekly"
    assert sections["followed_tags"][0].rows == [{"tag": "Open data"}]


def test_unsubscribing_from_everything_needs_the_pages_form_token(make_app):
    """Unlike the one-click link, "everything" is a form on civicnet's page: a forged post changes nothing."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        bob = make_user(username="bob")
        token = unsubscribing.link(bob.id, ["mention"]).rsplit("/", 1)[1]
    client = app.test_client()
    response = client.post(f"/unsubscribe/{token}/everything", data={})
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)
    with app.app_context():
        assert channels("bob")["reply"] == "email" and preferences.email_settings(bob.id).digest == "weekly"
