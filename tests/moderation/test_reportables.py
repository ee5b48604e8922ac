"""Moderation reaches every kind of content through civicnet.reportables, a mentoring offer included."""

import pytest

from civicnet import reportables
from civicnet.errors import Invalid, NotFound
from civicnet.mentoring.offers import OfferDetails, save_offer
from civicnet.moderation import queue, reports
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.moderation.models import Report
from tests.factories import make_moderator, make_user, make_verified


def test_each_capability_registers_its_reportable_items(ctx):
    assert set(reportables.names()) == {"message", "room", "profile", "request", "offer", "technology"}


def test_a_mentoring_offer_is_reported_queued_and_dismissed_like_any_item(ctx):
    mentor = make_verified(username="mia", help_tags="Open data")
    offer = save_offer(mentor, OfferDetails(tags=["open-data"], description="I sell a product on the side"))
    citizen, moderator = make_user(username="cit"), make_moderator()
    reports.report(citizen, "offer", offer.id, "spam", "An advert, not mentoring")
    [entry] = queue.queue()
    assert entry.item.type == "offer" and entry.item.subject.id == mentor.id
    assert entry.item.label == "Mentoring offer from " + mentor.display_name
    assert entry.item.excerpt == "I sell a product on the side"
    with ctx.test_request_context():
        assert entry.item.url == f"/mentoring/offers/{offer.id}"
    take_action(
        moderator, ActionRequest(kind="dismiss", reason="no_breach", item_type="offer", item_id=offer.id, note="Fine")
    )
    assert queue.queue() == [] and Report.query.one().status != "open"


def test_the_author_may_not_report_their_own_offer_and_unknown_types_are_refused(ctx):
    mentor = make_verified(username="mia", help_tags="Open data")
    offer = save_offer(mentor, OfferDetails(tags=["open-data"], description="Weekly chats"))
    with pytest.raises(Exception, match="your own"):
        reports.report(mentor, "offer", offer.id, "spam")
    with pytest.raises(Invalid, match="item_type must be one of"):
        reports.report(make_user(), "poster", 1, "spam")
    with pytest.raises(NotFound):
        reports.report(make_user(), "offer", offer.id + 1000, "spam")


def test_a_member_reports_an_offer_from_its_page_and_a_moderator_reads_it_in_the_queue(client, app, auth):
    with app.app_context():
        mentor = make_verified(username="mia", help_tags="Open data")
        offer_id = save_offer(mentor, OfferDetails(tags=["open-data"], description="Adverts here")).id
        make_user(username="cit")
        make_moderator(username="mod")
    auth.sign_in("cit")
    assert "Report this offer" in client.get(f"/mentoring/offers/{offer_id}").get_data(as_text=True)
    assert client.get(f"/report/offer/{offer_id}").status_code == 200
    sent = client.post(f"/report/offer/{offer_id}", data={"reason": "spam", "note": "An advert"})
    assert sent.status_code == 302 and sent.headers["Location"] == f"/mentoring/offers/{offer_id}"
    auth.sign_out()
    auth.sign_in("mod")
    assert "Mentoring offer from" in client.get("/moderation").get_data(as_text=True)
    item = client.get(f"/moderation/items/offer/{offer_id}")
    assert item.status_code == 200 and "Adverts here" in item.get_data(as_text=True)
