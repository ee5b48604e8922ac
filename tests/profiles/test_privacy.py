"""Privacy settings: a member who asks not to be listed is left out of the people directory (moderators
still find them), a mentor who asks not to be suggested is left out of suggestions but keeps their
offer in the list, and a member who takes mentions only from their rooms is told only there."""

from sqlalchemy import select

from civicnet.accounts.services import find_user_by_username
from civicnet.extensions import db
from civicnet.mentoring import offers
from civicnet.mentoring.offers import OfferDetails
from civicnet.notifications.models import Notification
from civicnet.profiles.privacy import PrivacySettings, settings_of, update_privacy
from civicnet.rooms.messages import post_message
from tests.datarights.test_access_pages import client_of
from tests.factories import make_moderator, make_room, make_user, make_verified


def test_the_form_shows_and_saves_the_settings_and_refuses_what_it_does_not_offer(app):
    with app.app_context():
        make_user(username="ada", display_name="Ada Lovelace")
    ada = client_of(app, "ada")
    page = ada.get("/account/privacy")
    assert page.status_code == 200 and 'value="everyone" checked' in page.text
    chosen = {"visibility": "members", "listed": "no", "suggest_as_mentor": "no", "mentions_from": "rooms"}
    assert ada.post("/account/privacy", data=chosen).status_code == 302
    with app.app_context():
        assert settings_of(find_user_by_username("ada")) == PrivacySettings("members", False, False, "rooms")
    bad = ada.post("/account/privacy", data={"visibility": "world", "listed": "maybe", "mentions_from": "all"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.text
    with app.app_context():
        assert settings_of(find_user_by_username("ada")) == PrivacySettings("members", False, False, "rooms")


def test_an_unlisted_member_is_left_out_of_the_directory_but_not_for_moderators(app):
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        make_user(username="bob", display_name="Bob Citizen")
        make_moderator(username="moe")
        update_privacy(ada, ada, PrivacySettings("public", False, True, "everyone"))
    bob, moe = client_of(app, "bob"), client_of(app, "moe")
    assert "Ada Lovelace" not in bob.get("/people").text
    assert "Ada Lovelace" in moe.get("/people").text
    assert bob.get("/people/ada").status_code == 200  # still reachable from her messages


def test_a_mentor_who_asks_not_to_be_suggested_keeps_their_offer_in_the_list(ctx):
    pat = make_verified(username="pat", help_tags="Open data")
    sam = make_user(username="sam", learn_tags="Open data")
    offers.save_offer(pat, OfferDetails(tags=["open-data"], description="Open data help", capacity=2))
    assert [s.mentor.username for s in offers.suggestions(sam)] == ["pat"]
    update_privacy(pat, pat, PrivacySettings("public", True, False, "everyone"))
    assert offers.suggestions(sam) == []
    assert [o.mentor.username for o in offers.open_offers()] == ["pat"]


def test_mentions_only_from_my_rooms_reach_me_only_in_rooms_i_joined(ctx):
    ada, bob = make_user(username="ada"), make_user(username="bob")
    update_privacy(ada, ada, PrivacySettings("public", True, True, "rooms"))
    elsewhere = make_room(bob, "Open data")  # public: Ada can read it but has not joined
    joined = make_room(bob, "Budgets", members=[ada])
    post_message(elsewhere, bob, "What do you think, @ada?")
    post_message(joined, bob, "And here, @ada?")
    told = db.session.scalars(select(Notification).where(Notification.user_id == ada.id)).all()
    assert [n.kind for n in told] == ["mention"]
    update_privacy(ada, ada, PrivacySettings("public", True, True, "everyone"))
    post_message(elsewhere, bob, "Now, @ada?")
    assert len(db.session.scalars(select(Notification).where(Notification.user_id == ada.id)).all()) == 2
