"""Moderation over HTTP: reporting without JavaScript, the queue and action forms, roles, statements of
reasons and appeals (including by emailed link while suspended), the audit pages and /transparency."""

import re

import pytest
from sqlalchemy import select

from civicnet.access_log import AccessEntry
from civicnet.accounts.access_tokens import create_token
from civicnet.accounts.services import find_user_by_username, is_suspended
from civicnet.audit import AuditEntry
from civicnet.extensions import db
from civicnet.moderation import filters, reports
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.moderation.models import ModerationAction, Report
from civicnet.moderation.queue import latest_action_id
from civicnet.notifications import kinds
from civicnet.notifications.models import Notification
from civicnet.rooms import messages
from civicnet.rooms.models import Message
from tests.factories import make_moderator, make_room, make_user


@pytest.fixture
def seeded(app):
    """ada posts in "Open data"; bob, cara and dan read it; mona and max moderate; root1 is an admin."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Author")
        readers = [make_user(username=name) for name in ("bob", "cara", "dan")]
        room = make_room(ada, name="Open data", members=readers)
        message = messages.post_message(room, ada, "Something reportable")
        make_moderator(username="mona")
        make_moderator(username="max")
        make_user(username="root1", role="admin")
        return {"message": message.id, "room": room.slug, "room_id": room.id}


def action_form(kind: str, **fields) -> dict:
    """The fields a moderator's action form posts (prefixed by kind, as WTForms does)."""
    data = {"kind": kind, f"{kind}-kind": kind}
    data.update({f"{kind}-{name}": value for name, value in fields.items()})
    return data


def text_of(response) -> str:
    """The page with its whitespace collapsed, less its inert <template>s (what live messages are made from)."""
    return re.sub(r"\s+", " ", re.sub(r"<template.*?</template>", "", response.get_data(as_text=True), flags=re.S))


def test_reporting_a_message_without_javascript(client, auth, seeded, app):
    auth.sign_in("bob")
    room_page = text_of(client.get(f"/rooms/{seeded['room']}"))
    assert f'href="/report/message/{seeded["message"]}"' in room_page
    assert "Report this message" in text_of(client.get(f"/report/message/{seeded['message']}"))
    response = client.post(f"/report/message/{seeded['message']}", data={"note": "no reason chosen"})
    assert "Choose why you are reporting it" in text_of(response)
    response = client.post(f"/report/message/{seeded['message']}", data={"reason": "spam"}, follow_redirects=True)
    assert "Your report has been sent to the moderators" in text_of(response)
    again = client.post(f"/report/message/{seeded['message']}", data={"reason": "spam"})
    assert "You have already reported this" in text_of(again)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Report.id))) == 1
    assert client.get("/report/message/999999").status_code == 404
    assert client.get("/report/tag/1").status_code == 400


def test_reporting_a_profile_and_a_room(client, auth, seeded, app):
    auth.sign_in("bob")
    assert "Report this profile" in text_of(client.get("/people/ada"))
    with app.app_context():
        ada_id = find_user_by_username("ada").id
    client.post(f"/report/profile/{ada_id}", data={"reason": "other", "note": "Impersonating someone"})
    client.post(f"/report/room/{seeded['room_id']}", data={"reason": "off_topic"})
    with app.app_context():
        assert {(r.item_type, r.reason) for r in db.session.scalars(select(Report))} == {
            ("profile", "other"),
            ("room", "off_topic"),
        }


def test_only_moderators_see_the_queue(client, auth, seeded, app):
    assert client.get("/moderation").status_code == 302  # to sign in
    auth.sign_in("bob")
    assert client.get("/moderation").status_code == 403
    assert client.get(f"/moderation/items/message/{seeded['message']}").status_code == 403
    assert (
        client.post("/moderation/actions", data=action_form("warn", username="ada", reason="respect")).status_code
        == 403
    )
    auth.sign_out()
    client.post(f"/report/message/{seeded['message']}", data={"reason": "spam"})  # signed out: not allowed
    auth.sign_in("cara")
    client.post(f"/report/message/{seeded['message']}", data={"reason": "spam", "note": "Selling things"})
    auth.sign_out()
    auth.sign_in("mona")
    queue = text_of(client.get("/moderation"))
    assert "Message in Open data" in queue and "1 open report," in queue
    assert re.search(
        r'Member concerned: <span class="civicnet-avatar[^>]*data-initials="AA"[^>]*></span> Ada Author \(@ada\)\.',
        queue,
    )
    assert "Reported for: Spam or advertising." in queue and "Something reportable" in queue  # a public room's
    item = text_of(client.get(f"/moderation/items/message/{seeded['message']}"))
    assert "Something reportable" in item and "cara: Spam or advertising: “Selling things”" in item
    assert "Suspend the account" in item and "No earlier decisions" in item
    assert "Lift a mute" not in item and "Lift the suspension" not in item  # nothing to lift
    with app.app_context():
        take_action(
            find_user_by_username("mona"), ActionRequest(kind="mute", reason="respect", username="ada", period="24")
        )
    assert "Lift a mute" in text_of(client.get(f"/moderation/items/message/{seeded['message']}"))


def test_an_action_needs_a_reason_and_moderators_cannot_act_on_admins_or_themselves(client, auth, seeded, app):
    auth.sign_in("mona")
    response = client.post("/moderation/actions", data=action_form("warn", username="ada", reason=""))
    assert response.status_code == 400 and "Choose the rule this decision applies" in text_of(response)
    response = client.post("/moderation/actions", data=action_form("warn", username="root1", reason="respect"))
    assert response.status_code == 400 and "Moderators cannot act on admins" in text_of(response)
    response = client.post(
        "/moderation/actions", data=action_form("suspend", username="mona", reason="respect", period="24")
    )
    assert response.status_code == 400 and "You cannot moderate yourself" in text_of(response)
    with app.app_context():
        assert not db.session.scalars(select(ModerationAction)).all()
        assert not is_suspended(find_user_by_username("mona"))


def test_a_moderator_hides_a_message_and_a_stale_form_is_refused(client, auth, seeded, app):
    auth.sign_in("mona")
    form = action_form("hide_message", item_type="message", item_id=seeded["message"], reason="no_spam", seen=0)
    response = client.post("/moderation/actions", data=form, follow_redirects=True)
    assert "Done: hid a message. The member has been sent a statement of reasons." in text_of(response)
    auth.sign_out()
    auth.sign_in("max")
    # max's form was rendered before mona acted (seen=0): refused, nothing changes.
    form = action_form("restore_message", item_type="message", item_id=seeded["message"], reason="no_breach", seen=0)
    response = client.post("/moderation/actions", data=form)
    assert response.status_code == 400 and "Someone else acted on this" in text_of(response)
    with app.app_context():
        assert len(db.session.scalars(select(ModerationAction)).all()) == 1
        seen = latest_action_id("message", seeded["message"], None)
    form = action_form("restore_message", item_type="message", item_id=seeded["message"], reason="no_breach", seen=seen)
    assert client.post("/moderation/actions", data=form).status_code == 302
    auth.sign_out()
    auth.sign_in("bob")
    assert "Something reportable" in text_of(client.get(f"/rooms/{seeded['room']}"))


def test_a_hidden_message_shows_its_place_but_not_its_text(client, auth, seeded, app):
    with app.app_context():
        for name in ("bob", "cara", "dan"):
            reports.report(find_user_by_username(name), "message", seeded["message"], "harassment")
    auth.sign_in("bob")
    page = text_of(client.get(f"/rooms/{seeded['room']}"))
    assert "This message is hidden pending review." in page and "Something reportable" not in page
    auth.sign_out()
    # A moderator's decision ends the review: the room says so, and the queue no longer lists it.
    auth.sign_in("mona")
    assert "Reported for: Harassment or abuse (3)." in text_of(client.get("/moderation"))
    with app.app_context():
        seen = latest_action_id("message", seeded["message"], None)
    form = action_form("hide_message", item_type="message", item_id=seeded["message"], reason="respect", seen=seen)
    assert client.post("/moderation/actions", data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Message, seeded["message"]).is_removed
    auth.sign_out()
    auth.sign_in("bob")
    page = text_of(client.get(f"/rooms/{seeded['room']}"))
    assert "This message was removed by a moderator." in page and "pending review" not in page
    assert "Something reportable" not in page
    auth.sign_out()
    # Its author's statement of reasons names the message by its room and quotes it.
    auth.sign_in("ada")
    with app.app_context():
        decision = db.session.scalar(select(ModerationAction).where(ModerationAction.kind == "hide_message"))
    statement = text_of(client.get(f"/decisions/{decision.id}"))
    assert "Message in Open data" in statement and "Something reportable" in statement
    assert "(number" not in statement


def test_muted_members_cannot_post_through_the_form_or_the_api(client, auth, seeded, app):
    with app.app_context():
        take_action(
            find_user_by_username("mona"),
            ActionRequest(kind="mute", reason="respect", username="bob", period="24", room=seeded["room"]),
        )
        _, token = create_token(find_user_by_username("bob"), "script")
    auth.sign_in("bob")
    assert "You are muted in Open data until" in text_of(client.get(f"/rooms/{seeded['room']}"))
    response = client.post(f"/rooms/{seeded['room']}/messages", data={"body": "let me speak", "client_id": "m1"})
    assert response.status_code == 403 and "You are muted in Open data until" in text_of(response)
    api = client.post(
        f"/api/v1/rooms/{seeded['room']}/messages",
        json={"body": "let me speak", "client_id": "m2"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403 and api.json["error"]["code"] == "muted"


def test_only_admins_change_roles(client, auth, seeded, app):
    auth.sign_in("mona")
    assert client.post("/moderation/members/bob/role", data={"role": "moderator"}).status_code == 403
    assert "Change role" not in text_of(client.get("/moderation/members/bob"))
    auth.sign_out()
    auth.sign_in("root1")
    response = client.post("/moderation/members/bob/role", data={"role": "public_servant", "note": "Council officer"})
    assert response.status_code == 302
    response = client.post("/moderation/members/root1/role", data={"role": "citizen"})
    assert "cannot change your own role" in text_of(response)
    with app.app_context():
        assert find_user_by_username("bob").role == "public_servant"
        assert find_user_by_username("root1").role == "admin"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "set_role")).one()
        assert entry.note == "citizen to public_servant. Council officer"


def test_a_suspended_member_reads_the_statement_and_appeals_by_link(client, auth, seeded, app, outbox):
    auth.sign_in("mona")
    form = action_form("suspend", username="ada", reason="respect", period="72", note="Insults in Open data")
    client.post("/moderation/actions", data=form)
    auth.sign_out()
    link = re.search(r"http://[^\s]+/decisions/link/\S+", outbox[-1].body).group(0)
    page = text_of(auth.sign_in("ada"))
    assert "You cannot sign in" in page and "Read the statement of reasons and appeal" in page
    statement = re.search(r'href="(/decisions/link/[^"]+)"', auth.sign_in("ada").get_data(as_text=True)).group(1)
    # The same decision as the emailed link (the signatures differ only by when they were made).
    assert statement.split(".")[0] == link.split("127.0.0.1:5000")[1].split(".")[0]
    page = text_of(client.get(statement))
    assert "Your account was suspended" in page and "Be respectful" in page and "Insults in Open data" in page
    response = client.post(statement, data={"note": ""})
    assert response.status_code == 400 and "Tell the moderators why" in text_of(response)
    response = client.post(statement, data={"note": "I was quoting someone"}, follow_redirects=True)
    assert "Your appeal has been sent" in text_of(response) and "You appealed on" in text_of(response)
    assert "You have already appealed" in text_of(client.post(statement, data={"note": "Again"}))
    assert client.get("/decisions/link/forged-token").status_code == 404


def test_a_different_moderator_decides_the_appeal_and_the_member_is_told(client, auth, seeded, app, outbox):
    with app.app_context():
        mona, ada = find_user_by_username("mona"), find_user_by_username("ada")
        action = take_action(mona, ActionRequest(kind="warn", reason="on_topic", username="ada"))
        from civicnet.moderation.appeals import appeal

        appeal_id = appeal(ada, action.id, "It was on topic").id
    auth.sign_in("mona")
    page = text_of(client.get(f"/moderation/appeals/{appeal_id}"))
    assert "a different moderator must decide" in page and "Decide appeal" not in page
    response = client.post(f"/moderation/appeals/{appeal_id}", data={"outcome": "reversed", "decision_note": "Oops"})
    assert "different moderator" in text_of(response)
    auth.sign_out()
    auth.sign_in("max")
    response = client.post(f"/moderation/appeals/{appeal_id}", data={"outcome": "reversed", "decision_note": ""})
    assert "Give the reason for your decision" in text_of(response)
    response = client.post(
        f"/moderation/appeals/{appeal_id}", data={"outcome": "reversed", "decision_note": "It was on topic"}
    )
    assert response.status_code == 302 and "reversed" in outbox[-1].body
    auth.sign_out()
    auth.sign_in("ada")
    page = text_of(client.get(f"/decisions/{action.id}"))
    assert "Appeal reversed" in page and "It was on topic" in page
    assert "A moderator decided your appeal" in text_of(client.get("/notifications"))
    mine = text_of(client.get("/account/moderation"))
    assert "warn" in mine and "appeal reversed" in mine and "mona" not in mine and "max" not in mine
    # A note with no reason (the appeal's, the decision's) is not introduced by a colon.
    assert '<td class="govuk-table__cell">It was on topic</td>' in mine and ">: " not in mine
    auth.sign_out()
    auth.sign_in("root1")
    assert ">: " not in text_of(client.get("/moderation/audit"))
    auth.sign_out()
    auth.sign_in("bob")
    assert client.get(f"/decisions/{action.id}").status_code == 404  # someone else's decision


def test_audit_log_is_for_admins_and_the_transparency_page_for_everyone(client, auth, seeded, app):
    with app.app_context():
        for name in ("bob", "cara", "dan"):
            reports.report(find_user_by_username(name), "message", seeded["message"], "misinformation")
    auth.sign_in("mona")
    assert client.get("/moderation/audit").status_code == 403
    auth.sign_out()
    auth.sign_in("root1")
    assert "auto hide" in text_of(client.get("/moderation/audit"))
    auth.sign_out()
    page = text_of(client.get("/transparency"))
    assert "Reports received, by reason" in page and "<svg" in page
    row = re.search(r'<th scope="row" class="govuk-table__header">\d{4}-\d{2}</th>(.*?)</tr>', page).group(1)
    cells = re.findall(r">(\d+)</td>", row)
    assert cells[2] == "3"  # misinformation is the third reason
    for name in ("ada", "bob", "cara", "dan", "mona"):
        assert f">{name}<" not in page and f" {name} " not in page


@pytest.mark.parametrize(
    "path", ["/moderation/audit", "/admin/domains", "/admin/access-holds", "/admin/access-log", "/admin/requests"]
)
def test_a_moderator_refused_an_administrators_page_is_told_who_can_help(client, auth, seeded, path):
    auth.sign_in("mona")
    response = client.get(path)
    page = text_of(response)
    assert response.status_code == 403
    assert "This page is for administrators" in page and "ask one of civicnet" in page
    assert "contact a moderator" not in page


def test_the_word_filter_page(client, auth, seeded, app):
    auth.sign_in("bob")
    assert client.get("/moderation/words").status_code == 403
    auth.sign_out()
    auth.sign_in("mona")
    response = client.post("/moderation/words", data={"phrase": "  Miracle   Cure ", "action": "hold"})
    assert response.status_code == 302
    assert "miracle cure" in text_of(client.get("/moderation/words"))
    response = client.post("/moderation/words", data={"phrase": "miracle cure", "action": "block"})
    assert response.status_code == 400 and "already on the list" in text_of(response)
    response = client.post("/moderation/words", data={"phrase": "", "action": "block"})
    assert "Enter a word or phrase" in text_of(response)
    with app.app_context():
        (word_id,) = [word.id for word in filters.word_filters()]
    client.post(f"/moderation/words/{word_id}/delete")
    assert "The list is empty" in text_of(client.get("/moderation/words"))
    response = client.post(f"/moderation/words/{word_id}/delete", follow_redirects=True)
    assert "not on the list" in text_of(response)


def test_ids_too_large_to_exist_are_not_found(client, auth, seeded):
    auth.sign_in("mona")
    for url in (
        "/moderation/items/message/99999999999999999999",
        f"/moderation/appeals/{2**31}",
        f"/decisions/{2**40}",
    ):
        assert client.get(url).status_code == 404, url
    auth.sign_out()
    auth.sign_in("bob")
    assert client.get(f"/rooms/{seeded['room']}/messages/{2**63}/edit").status_code == 404
    assert client.get(f"/rooms/{seeded['room']}?before={2**63}").status_code in (200, 400)


def test_the_queue_and_its_notices_keep_a_private_rooms_words_for_the_item_page_whose_look_is_logged(client, auth, app):
    with app.app_context():
        ada, bob = make_user(username="ada"), make_user(username="bob")
        mona = make_moderator(username="mona")
        secret = make_room(ada, name="Secret", kind="private", members=[bob])
        message_id = messages.post_message(secret, ada, "members only words").id
        reports.report(bob, "message", message_id, "harassment")
        [notice] = db.session.scalars(select(Notification).where(Notification.user_id == mona.id)).all()
        shown = kinds.render(notice)
        assert "members only words" not in shown.excerpt and "open the item to read it" in shown.excerpt
        looks_before = db.session.scalar(select(db.func.count(AccessEntry.id)))
    auth.sign_in("mona")
    queue = text_of(client.get("/moderation"))
    assert "Message in Secret" in queue and "open the item to read it" in queue
    assert "members only words" not in queue
    with app.app_context():
        assert db.session.scalar(select(db.func.count(AccessEntry.id))) == looks_before  # the queue is no look
    assert "members only words" in text_of(client.get(f"/moderation/items/message/{message_id}"))
    with app.app_context():
        assert db.session.scalar(select(db.func.count(AccessEntry.id))) == looks_before + 1
    auth.sign_out()
    auth.sign_in("bob")  # the member who reported it still reads what they reported
    assert "members only words" in text_of(client.get(f"/report/message/{message_id}"))


def test_the_report_form_shows_nothing_the_member_cannot_read(client, auth, app):
    with app.app_context():
        ada = make_user(username="ada")
        make_user(username="bob")
        secret = make_room(ada, name="Secret", kind="private")
        message_id = messages.post_message(secret, ada, "members only words").id
    auth.sign_in("bob")
    response = client.get(f"/report/message/{message_id}")
    assert response.status_code == 404 and "members only words" not in text_of(response)
