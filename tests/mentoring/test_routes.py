"""Mentoring over HTTP, without JavaScript: the offer form, pausing, finding a mentor, asking,
answering, the private room from both dashboards, ending, feedback and summaries, who may see a
request (404 for everyone else; moderators only while it is reported, and recorded), double submits."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civicnet.access_log import AccessEntry
from civicnet.accounts.services import find_user_by_username
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.mentoring import offers, requests
from civicnet.mentoring.models import MentoringRequest
from civicnet.mentoring.offers import OfferDetails
from civicnet.moderation.models import Report
from civicnet.rooms.models import Membership, Room
from tests.factories import make_moderator, make_user, make_verified

DATA, AI, HOUSING = "Data protection", "AI ethics", "Housing"


# --- Helpers ---------------------------------------------------------------------------------


def text_of(response) -> str:
    """The page's text: tags as spaces (none before punctuation), whitespace collapsed, entities decoded."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
    return html.unescape(re.sub(r" ([:,.])", r"\1", text))


def source_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def make_mentor(username: str, *tags: str, capacity: int = 1, **kwargs):
    mentor = make_verified(username=username, help_tags=", ".join(tags), **kwargs)
    offers.save_offer(
        mentor,
        OfferDetails(tags=[t.lower().replace(" ", "-") for t in tags], description="I can help", capacity=capacity),
    )
    return mentor


class Browser:
    """One test client, signed in as whoever acts next."""

    def __init__(self, client, auth):
        self.client, self.auth, self.who = client, auth, None

    def as_(self, username: str):
        if self.who != username:
            if self.who is not None:
                self.auth.sign_out()
            assert self.auth.sign_in(username).status_code == 302, username
            self.who = username
        return self.client


@pytest.fixture
def town(app, client, auth):
    """Mia mentors (data protection, AI ethics; 1 place); Ned and Ola want to learn; Pat is another
    member; Moe is a moderator; Ann an admin. Returns ids and a Browser."""
    with app.app_context():
        mia = make_mentor("mia", DATA, AI, display_name="Mia Mentor")
        make_user(username="ned", display_name="Ned Newcomer", learn_tags=f"{DATA}, {AI}")
        make_user(username="ola", display_name="Ola Other", learn_tags=DATA)
        make_user(username="pat")
        make_moderator(username="moe")
        make_user(username="ann", role="admin")
        ids = {"offer": offers.offer_of(mia).id}
    return {"ids": ids, "browser": Browser(client, auth)}


def ask(app, mentee: str, mentor: str = "mia", message: str = "Could you help me with a DPIA?") -> int:
    with app.app_context():
        offer = offers.offer_of(find_user_by_username(mentor))
        return requests.ask(find_user_by_username(mentee), offer.id, message).id


def accept(app, request_id: int, mentor: str = "mia") -> str:
    with app.app_context():
        return requests.accept(find_user_by_username(mentor), request_id).room.slug


def request_row(app, request_id: int) -> tuple:
    with app.app_context():
        found = db.session.get(MentoringRequest, request_id)
        return found.status, found.offer.active_mentees, found.room_id


def room_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Room.id)))


# --- Offers ----------------------------------------------------------------------------------


def test_only_verified_public_servants_may_open_the_offer_form(app, town):
    """Citizens, moderators and unverified public servants get 403 on the form, its POST and pause."""
    with app.app_context():
        make_user(username="pub", role="public_servant", help_tags=DATA)
    browser = town["browser"]
    for username in ("ned", "moe", "pub"):
        client = browser.as_(username)
        assert client.get("/mentoring/offer").status_code == 403
        assert client.post("/mentoring/offer", data={"tags": ["data-protection"], "capacity": "1"}).status_code == 403
        assert "Offer mentoring" not in text_of(client.get("/mentoring"))
    with app.app_context():
        assert offers.offer_of(find_user_by_username("pub")) is None
    page = text_of(browser.as_("mia").get("/mentoring/offer"))
    assert "Skill tags you offer help with" in page and DATA in page and AI in page


def test_saving_an_offer_checks_the_tags_and_the_capacity(app, town):
    with app.app_context():
        make_verified(username="vera", help_tags=f"{DATA}, {AI}", learn_tags=HOUSING)
    client = town["browser"].as_("vera")
    form = {"tags": ["data-protection", "housing"], "description": "Ten years at Camden", "capacity": "3"}
    response = client.post("/mentoring/offer", data=form)
    assert response.status_code == 400
    assert "Choose at least one skill tag from your “I can help with” list" in text_of(response)
    for capacity in ("0", "21", "two"):
        response = client.post("/mentoring/offer", data={**form, "tags": ["data-protection"], "capacity": capacity})
        assert response.status_code == 400 and "Capacity must be a whole number from 1 to 20" in text_of(response)
    with app.app_context():
        assert offers.offer_of(find_user_by_username("vera")) is None
    response = client.post(
        "/mentoring/offer", data={**form, "tags": ["data-protection", "ai-ethics"]}, follow_redirects=True
    )
    page = text_of(response)
    assert (
        "Your mentoring offer is saved" in page
        and "Your offer: AI ethics, Data protection. 0 of 3 places taken" in page
    )


def test_pausing_and_resuming_from_the_dashboard(app, town):
    """A paused offer is marked on the dashboard and not suggested; resuming brings it back."""
    browser = town["browser"]
    paused = browser.as_("mia").post("/mentoring/offer/pause", data={"paused": "1"}, follow_redirects=True)
    assert "Your offer is paused: nobody new is matched with you" in text_of(paused)
    assert "paused" in text_of(paused) and "Resume your offer" in text_of(paused)
    again = browser.as_("mia").post("/mentoring/offer/pause", data={"paused": "1"}, follow_redirects=True)
    assert "Your offer is already paused" in text_of(again)
    assert "Mia Mentor" not in text_of(browser.as_("ned").get("/mentoring"))
    response = browser.as_("ned").post(f"/mentoring/offers/{town['ids']['offer']}", data={"message": "Hi"})
    assert response.status_code == 400 and "This mentor is not taking requests at the moment" in text_of(response)
    resumed = browser.as_("mia").post("/mentoring/offer/pause", data={"paused": "0"}, follow_redirects=True)
    assert "Your offer is open again" in text_of(resumed) and "Pause your offer" in text_of(resumed)
    assert "Mia Mentor" in text_of(browser.as_("ned").get("/mentoring"))
    assert "You have no mentoring offer" in text_of(
        browser.as_("pat").post("/mentoring/offer/pause", data={"paused": "1"}, follow_redirects=True)
    )


# --- Finding a mentor ------------------------------------------------------------------------


def test_find_a_mentor_ranks_suggestions_and_shows_the_matching_tags(app, town):
    """Mia matches both of Ned's tags, Ivy one with 3 places, Hal one with 2; paused and
    non-matching offers are not shown."""
    with app.app_context():
        make_mentor("ivy", AI, capacity=3, display_name="Ivy Ethics")
        make_mentor("hal", DATA, capacity=2, display_name="Hal Data")
        offers.set_paused(make_mentor("pia", DATA, display_name="Pia Paused"), True)
        make_mentor("hugo", HOUSING, display_name="Hugo Housing")
    page = text_of(town["browser"].as_("ned").get("/mentoring"))
    assert page.index("Mia Mentor") < page.index("Ivy Ethics") < page.index("Hal Data")
    assert "Matches: AI ethics, Data protection · 1 place free" in page
    assert "Matches: AI ethics · 3 places free" in page and "Matches: Data protection · 2 places free" in page
    assert "Pia Paused" not in page and "Hugo Housing" not in page


def test_saving_what_you_want_to_learn_changes_the_suggestions(app, town):
    client = town["browser"].as_("pat")
    assert "Add the skill tags you want to learn about" in text_of(client.get("/mentoring"))
    response = client.post("/mentoring", data={"learn_tags": "", "description": ""})
    assert response.status_code == 400 and "Enter at least one skill tag" in text_of(response)
    response = client.post("/mentoring", data={"learn_tags": "AI ethics", "description": "For my new job"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/mentoring#suggestions")
    page = client.get("/mentoring")
    assert "Matches: AI ethics" in text_of(page)
    assert "Saved. 1 mentor can help with what you want to learn." in text_of(page)  # feedback after saving
    with app.app_context():
        offer_id = offers.offer_of(find_user_by_username("mia")).id
    assert f'href="/mentoring/offers/{offer_id}"' in source_of(page) and "Ask Mia Mentor" in text_of(page)
    response = client.post("/mentoring", data={"learn_tags": "Knitting", "description": ""}, follow_redirects=True)
    assert "No open offer matches your tags yet" in text_of(response)


# --- Asking ----------------------------------------------------------------------------------


def test_asking_from_the_offer_page(app, town):
    offer_id, client = town["ids"]["offer"], town["browser"].as_("ned")
    page = text_of(client.get(f"/mentoring/offers/{offer_id}"))
    assert "Mentoring with Mia Mentor" in page and "matches you" in page and "1 of 1 free" in page
    response = client.post(f"/mentoring/offers/{offer_id}", data={"message": "  "})
    assert response.status_code == 400 and "Tell the mentor what you would like help with" in text_of(response)
    response = client.post(f"/mentoring/offers/{offer_id}", data={"message": "Help with a DPIA"}, follow_redirects=True)
    page = text_of(response)
    assert "Your request has been sent to Mia Mentor" in page and "Pending (expires" in page
    again = client.post(f"/mentoring/offers/{offer_id}", data={"message": "Again"})
    assert again.status_code == 400 and "You already have a request with this mentor" in text_of(again)
    dashboard = text_of(town["browser"].as_("mia").get("/mentoring/dashboard"))
    assert "Requests to answer Ned Newcomer: pending" in dashboard
    assert "Ned Newcomer asked you for mentoring" in text_of(town["browser"].as_("mia").get("/notifications"))
    assert client.get("/mentoring/offers/999999999").status_code == 404


def test_a_fourth_pending_request_and_asking_yourself_are_refused_with_a_message(app, town):
    with app.app_context():
        for name in ("kit", "lou", "max"):
            make_mentor(name, DATA)
        offer_ids = [offers.offer_of(find_user_by_username(name)).id for name in ("kit", "lou", "max")]
    client = town["browser"].as_("ned")
    for offer_id in [town["ids"]["offer"], *offer_ids[:2]]:
        assert client.post(f"/mentoring/offers/{offer_id}", data={"message": "Please"}).status_code == 302
    fourth = client.post(f"/mentoring/offers/{offer_ids[2]}", data={"message": "Please"})
    assert fourth.status_code == 400
    assert "You can have at most 3 requests waiting for an answer. Wait for one, or cancel one" in text_of(fourth)
    mia = town["browser"].as_("mia")
    assert "What would you like help with?" not in text_of(mia.get(f"/mentoring/offers/{town['ids']['offer']}"))
    response = mia.post(f"/mentoring/offers/{town['ids']['offer']}", data={"message": "Me?"})
    assert response.status_code == 400 and "You cannot ask yourself for mentoring" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(MentoringRequest.id))) == 3


# --- Answering -------------------------------------------------------------------------------


def test_accepting_links_the_private_room_from_both_dashboards_and_the_request_page(app, town):
    request_id = ask(app, "ned")
    browser = town["browser"]
    mia = browser.as_("mia")
    response = mia.post(f"/mentoring/requests/{request_id}/accept", follow_redirects=True)
    page = text_of(response)
    assert "Accepted. A private room for the two of you is open." in page and "Accepted" in page
    with app.app_context():
        room = db.session.get(MentoringRequest, request_id).room
        slug, room_id = room.slug, room.id
        assert room.is_mentoring and room.is_private
        members = set(db.session.scalars(select(Membership.user_id).where(Membership.room_id == room_id)))
        assert members == {find_user_by_username("mia").id, find_user_by_username("ned").id}
    assert f'href="/rooms/{slug}"' in source_of(response)
    for username in ("mia", "ned"):
        client = browser.as_(username)
        dashboard = client.get("/mentoring/dashboard")
        assert f'href="/rooms/{slug}"' in source_of(dashboard) and "open the room" in text_of(dashboard)
        assert f'href="/rooms/{slug}"' in source_of(client.get(f"/mentoring/requests/{request_id}"))
        room_page = client.get(f"/rooms/{slug}")
        assert room_page.status_code == 200 and "Private room" in text_of(room_page)
        assert "Room settings" not in text_of(room_page)
        # The room leads back to the request, where it is completed.
        assert f'href="/mentoring/requests/{request_id}"' in source_of(room_page)
        assert "mark it as completed there" in text_of(room_page)
        # On the request page the next step comes first; stopping early is kept apart, behind a disclosure.
        request_page = source_of(client.get(f"/mentoring/requests/{request_id}"))
        assert request_page.index("Go to your mentoring room") < request_page.index("Mark as completed")
        details = request_page[request_page.index("<details") : request_page.index("</details>")]
        assert "Cancel mentoring" in details and "Mark as completed" not in details
    mia = browser.as_("mia")
    assert mia.get(f"/rooms/{slug}/edit").status_code == 403
    assert mia.post(f"/rooms/{slug}/members", data={"username": "pat"}).status_code == 403
    assert "Your mentees Ned Newcomer: accepted" in text_of(mia.get("/mentoring/dashboard"))
    for outsider in ("pat", "moe", "ann"):
        client = browser.as_(outsider)
        assert client.get(f"/rooms/{slug}").status_code == 404
        assert client.get(f"/mentoring/requests/{request_id}").status_code == 404
    assert "Mia Mentor accepted your mentoring request" in text_of(browser.as_("ned").get("/notifications"))


def test_people_other_than_the_two_get_404_for_the_request_and_every_action(app, town):
    request_id = ask(app, "ned")
    browser = town["browser"]
    for outsider in ("pat", "moe", "ann"):
        client = browser.as_(outsider)
        assert client.get(f"/mentoring/requests/{request_id}").status_code == 404
        for action in ("accept", "decline", "complete", "cancel", "feedback", "summary"):
            assert client.post(f"/mentoring/requests/{request_id}/{action}").status_code == 404, (outsider, action)
    assert request_row(app, request_id) == ("pending", 0, None)
    ned = browser.as_("ned")
    assert ned.post(f"/mentoring/requests/{request_id}/explode").status_code == 404
    assert ned.get("/mentoring/requests/999999999").status_code == 404


def test_the_mentee_cannot_answer_their_own_request(app, town):
    request_id = ask(app, "ned")
    ned = town["browser"].as_("ned")
    page = text_of(ned.get(f"/mentoring/requests/{request_id}"))
    assert "Accept request" not in page and "Withdraw request" in page
    response = ned.post(f"/mentoring/requests/{request_id}/accept", follow_redirects=True)
    assert "Only the mentor can answer this request" in text_of(response)
    assert ned.post(f"/mentoring/requests/{request_id}/decline", data={"reason": "no"}).status_code == 403
    assert request_row(app, request_id) == ("pending", 0, None)


def test_declining_tells_the_mentee_the_reason(app, town):
    request_id = ask(app, "ned")
    browser = town["browser"]
    response = browser.as_("mia").post(
        f"/mentoring/requests/{request_id}/decline", data={"reason": "I am away until June"}, follow_redirects=True
    )
    assert "Declined. The member has been told." in text_of(response)
    page = text_of(browser.as_("ned").get(f"/mentoring/requests/{request_id}"))
    assert "Declined" in page and "Reason for declining I am away until June" in page
    without = ask(app, "ola")
    browser.as_("mia").post(f"/mentoring/requests/{without}/decline", data={"reason": ""})
    page = text_of(browser.as_("ola").get(f"/mentoring/requests/{without}"))
    assert "Declined" in page and "Reason for declining" not in page


def test_double_submits_conflict_and_change_nothing(app, town):
    """A second accept is refused with a message; a decline after the accept is a 409; the request
    stays accepted with one room and one place taken."""
    request_id = ask(app, "ned")
    mia = town["browser"].as_("mia")
    assert mia.post(f"/mentoring/requests/{request_id}/accept").status_code == 302
    _, _, room_id = request_row(app, request_id)
    again = mia.post(f"/mentoring/requests/{request_id}/accept", follow_redirects=True)
    assert "This request is accepted and can no longer be answered" in text_of(again)
    declined = mia.post(f"/mentoring/requests/{request_id}/decline", data={"reason": "Oops"})
    assert declined.status_code == 409 and "This request is accepted and can no longer be answered" in text_of(declined)
    assert request_row(app, request_id) == ("accepted", 1, room_id) and room_count(app) == 1
    complete = mia.post(f"/mentoring/requests/{request_id}/complete")
    assert complete.status_code == 302
    twice = mia.post(f"/mentoring/requests/{request_id}/complete", follow_redirects=True)
    assert "This mentoring is completed and cannot be completed" in text_of(twice)
    assert request_row(app, request_id) == ("completed", 0, room_id)


@pytest.mark.parametrize(
    ("who", "action", "data", "message"),
    [
        ("mia", "decline", {"reason": "Oops"}, "This request is accepted and can no longer be answered"),
        ("ned", "decline", {"reason": "Oops"}, "Only the mentor can answer this request"),
        ("ned", "feedback", {"helpful": "yes"}, "You can leave feedback once the mentoring is completed"),
        ("mia", "summary", {"summary": "So far"}, "You can write a summary once the mentoring is completed"),
        ("ned", "summary", {"summary": "Mine"}, "Only the mentor can write the closing summary"),
        ("mia", "feedback", {"helpful": "yes"}, "Only the mentee can leave feedback"),
    ],
)
def test_a_refused_action_on_the_request_page_says_why(app, town, who, action, data, message):
    """Conflicts and refusals that belong to no field are shown in the error summary."""
    request_id = ask(app, "ned")
    accept(app, request_id)
    response = town["browser"].as_(who).post(f"/mentoring/requests/{request_id}/{action}", data=data)
    assert response.status_code in (403, 409)
    assert "There is a problem" in text_of(response) and message in text_of(response)


# --- Ending, feedback and summaries ----------------------------------------------------------


def test_completing_archives_the_room_and_frees_the_place(app, town):
    request_id = ask(app, "ned")
    slug = accept(app, request_id)
    browser = town["browser"]
    ned = browser.as_("ned")
    response = ned.post(f"/mentoring/requests/{request_id}/complete", follow_redirects=True)
    assert "Completed. The room stays readable for you both." in text_of(response)
    assert "(archived, read-only)" in text_of(response)
    assert request_row(app, request_id)[:2] == ("completed", 0)
    for username in ("ned", "mia"):
        client = browser.as_(username)
        page = client.get(f"/rooms/{slug}")
        assert page.status_code == 200 and "This room is archived. You can read it, but no one can post." in text_of(
            page
        )
        refused = client.post(f"/rooms/{slug}/messages", data={"body": "One more thing", "client_id": "late"})
        assert refused.status_code == 403 and "This room is archived" in text_of(refused)
    assert browser.as_("mia").post(f"/rooms/{slug}/archive", data={"archived": "0"}).status_code == 403
    assert "1 of 1 free" in text_of(browser.as_("ola").get(f"/mentoring/offers/{town['ids']['offer']}"))
    assert "Your mentoring with Ned Newcomer was completed" in text_of(browser.as_("mia").get("/notifications"))


def test_cancelling_by_the_mentor_tells_the_mentee(app, town):
    request_id = ask(app, "ned")
    accept(app, request_id)
    browser = town["browser"]
    response = browser.as_("mia").post(f"/mentoring/requests/{request_id}/cancel", follow_redirects=True)
    assert "Cancelled." in text_of(response)
    assert request_row(app, request_id)[:2] == ("cancelled", 0)
    assert "Your mentoring with Mia Mentor was cancelled" in text_of(browser.as_("ned").get("/notifications"))


def test_feedback_by_the_mentee_once_seen_by_the_mentor_not_by_the_mentee_page(app, town):
    request_id = ask(app, "ned")
    accept(app, request_id)
    browser = town["browser"]
    ned = browser.as_("ned")
    assert ned.post(f"/mentoring/requests/{request_id}/feedback", data={"helpful": "yes"}).status_code == 409
    ned.post(f"/mentoring/requests/{request_id}/complete")
    assert "Your feedback" in text_of(ned.get(f"/mentoring/requests/{request_id}"))
    missing = ned.post(f"/mentoring/requests/{request_id}/feedback", data={"feedback": "Good"})
    assert missing.status_code == 400 and "Say whether the mentoring helped" in text_of(missing)
    sent = ned.post(
        f"/mentoring/requests/{request_id}/feedback",
        data={"helpful": "yes", "feedback": "Very clear advice"},
        follow_redirects=True,
    )
    page = text_of(sent)
    assert "Thank you for your feedback." in page and "Very clear advice" not in page and "Your feedback" not in page
    twice = ned.post(f"/mentoring/requests/{request_id}/feedback", data={"helpful": "no"})
    assert twice.status_code == 409 and "You have already left feedback" in text_of(twice)
    mia = browser.as_("mia")
    assert "Mentee’s feedback Helpful: Very clear advice" in text_of(mia.get(f"/mentoring/requests/{request_id}"))
    assert mia.post(f"/mentoring/requests/{request_id}/feedback", data={"helpful": "yes"}).status_code == 403
    with app.app_context():
        found = db.session.get(MentoringRequest, request_id)
        assert (found.helpful, found.feedback) == (True, "Very clear advice")


def test_the_summary_only_by_the_mentor_after_completion(app, town):
    request_id = ask(app, "ned")
    accept(app, request_id)
    browser = town["browser"]
    early = browser.as_("mia").post(f"/mentoring/requests/{request_id}/summary", data={"summary": "So far so good"})
    assert early.status_code == 409
    browser.as_("mia").post(f"/mentoring/requests/{request_id}/complete")
    assert (
        browser.as_("ned").post(f"/mentoring/requests/{request_id}/summary", data={"summary": "Mine"}).status_code
        == 403
    )
    empty = browser.as_("mia").post(f"/mentoring/requests/{request_id}/summary", data={"summary": ""})
    assert empty.status_code == 400 and "Write a short summary" in text_of(empty)
    saved = browser.as_("mia").post(
        f"/mentoring/requests/{request_id}/summary", data={"summary": "We wrote a DPIA"}, follow_redirects=True
    )
    assert "Summary saved." in text_of(saved)
    assert "Mentor’s summary We wrote a DPIA" in text_of(browser.as_("ned").get(f"/mentoring/requests/{request_id}"))


# --- Moderators ------------------------------------------------------------------------------


def access_records(app) -> list[tuple[int, int, str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(AccessEntry).order_by(AccessEntry.id))
        return [(row.subject_id, row.actor_id, row.purpose, row.case_ref, row.categories) for row in rows]


def test_moderators_see_a_request_only_while_it_is_reported_and_each_visit_is_recorded(app, town):
    request_id = ask(app, "ned", message="Can we meet at your flat?")
    browser = town["browser"]
    moe = browser.as_("moe")
    assert moe.get(f"/moderation/items/request/{request_id}").status_code == 404
    assert moe.get(f"/mentoring/requests/{request_id}").status_code == 404
    assert access_records(app) == []
    assert browser.as_("pat").get(f"/moderation/items/request/{request_id}").status_code == 403

    reported = browser.as_("mia").post(
        f"/report/request/{request_id}", data={"reason": "other", "note": "Wants to meet at my home"}
    )
    assert reported.status_code == 302
    moe = browser.as_("moe")
    page = text_of(moe.get(f"/moderation/items/request/{request_id}"))
    assert "Mentoring request from Ned Newcomer to Mia Mentor" in page and "Can we meet at your flat?" in page
    assert "mia: Something else (tell us in the note): “Wants to meet at my home”" in page
    with app.app_context():
        ids = {find_user_by_username(name).id for name in ("mia", "ned")}
        moe_id = find_user_by_username("moe").id
        (report_id,) = db.session.scalars(select(Report.id))
    records = access_records(app)
    assert {subject for subject, *_ in records} == ids and len(records) == 2
    assert {tuple(rest) for _, *rest in records} == {(moe_id, "report", f"report #{report_id}", "private_messages")}
    moe.get(f"/moderation/items/request/{request_id}")
    assert len(access_records(app)) == 2  # a reload is the same visit


def test_an_outsider_cannot_open_the_report_form_of_someone_elses_request(app, town):
    request_id = ask(app, "ned", message="My private worries")
    response = town["browser"].as_("pat").get(f"/report/request/{request_id}")
    assert "My private worries" not in text_of(response)
    assert response.status_code == 404


def test_an_admin_follows_the_link_to_a_reported_request_and_sees_the_feedback(app, town):
    request_id = ask(app, "ned")
    accept(app, request_id)
    browser = town["browser"]
    browser.as_("ned").post(f"/mentoring/requests/{request_id}/complete")
    browser.as_("ned").post(f"/mentoring/requests/{request_id}/feedback", data={"helpful": "no", "feedback": "Rude"})
    browser.as_("ned").post(f"/report/request/{request_id}", data={"reason": "harassment"})
    ann = browser.as_("ann")
    item = ann.get(f"/moderation/items/request/{request_id}")
    assert item.status_code == 200 and f'href="/mentoring/requests/{request_id}"' in source_of(item)
    response = ann.get(f"/mentoring/requests/{request_id}")
    assert response.status_code == 200 and "Mentee’s feedback Not helpful: Rude" in text_of(response)


# --- Expiry ----------------------------------------------------------------------------------


def make_overdue(app, request_id: int) -> None:
    with app.app_context():
        db.session.get(MentoringRequest, request_id).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()


def test_an_overdue_request_shows_as_expired_on_the_dashboards_and_cannot_be_accepted(app, town):
    request_id = ask(app, "ned")
    make_overdue(app, request_id)
    browser = town["browser"]
    assert "Mia Mentor: expired" in text_of(browser.as_("ned").get("/mentoring/dashboard"))
    mia = browser.as_("mia")
    dashboard = text_of(mia.get("/mentoring/dashboard"))
    assert "Requests to answer None." in dashboard and "Earlier Ned Newcomer: expired" in dashboard
    response = mia.post(f"/mentoring/requests/{request_id}/accept", follow_redirects=True)
    assert "This request is expired and can no longer be answered" in text_of(response)
    assert request_row(app, request_id) == ("expired", 0, None)


def test_the_request_page_shows_an_overdue_request_as_expired(app, town):
    request_id = ask(app, "ned")
    make_overdue(app, request_id)
    page = text_of(town["browser"].as_("mia").get(f"/mentoring/requests/{request_id}"))
    assert "Accept request" not in page and "Expired" in page
