"""The rights request queue: administrators record requests made outside civicnet, each answered by the
same date a month on (or the month's last day), extended once by one or two months with a reason, and
closed with an outcome; nobody else sees it, and bad input gets form messages."""

from datetime import UTC, datetime

import pytest

from civicnet.datarights.requests import add_months
from tests.datarights.test_access_pages import client_of
from tests.factories import make_user


@pytest.mark.parametrize(
    "received, months, due",
    [
        ((2026, 1, 15), 1, (2026, 2, 15)),
        ((2026, 1, 31), 1, (2026, 2, 28)),
        ((2028, 1, 31), 1, (2028, 2, 29)),
        ((2026, 12, 31), 2, (2027, 2, 28)),
        ((2026, 3, 31), 1, (2026, 4, 30)),
    ],
)
def test_a_month_is_the_same_date_next_month_or_its_last_day(received, months, due):
    assert add_months(datetime(*received, tzinfo=UTC), months) == datetime(*due, tzinfo=UTC)


@pytest.fixture
def admins(app):
    with app.app_context():
        make_user(username="ann", role="admin")
        make_user(username="ada")
        make_user(username="moe", role="moderator")
    return app


def test_an_admin_records_extends_and_closes_a_request(admins):
    ann = client_of(admins, "ann")
    form = {
        "received_at": ["31", "1", "2026"],
        "channel": "post",
        "kind": "access",
        "requester": "Ada Lovelace, 1 High St",
        "username": "ada",
    }
    made = ann.post("/admin/requests/new", data=form)
    assert made.status_code == 302
    page = ann.get(made.location).text
    assert "28 February 2026" in page and "Overdue" in page and "flask data export ada" in page
    assert "Overdue" in ann.get("/admin/requests").text
    missing = ann.post(made.location, data={"extend-submit": "Extend", "extend-months": "2", "extend-reason": ""})
    assert "Say why" in missing.text
    extended = ann.post(
        made.location, data={"extend-submit": "Extend", "extend-months": "2", "extend-reason": "Complex"}
    )
    assert extended.status_code == 302
    page = ann.get(made.location).text
    assert "28 April 2026 (extended from 28 February 2026: Complex)" in page and "Extend the deadline" not in page
    refused = ann.post(made.location, data={"close-submit": "Close", "close-outcome": "refused", "close-note": ""})
    assert "Give the reasons for refusing" in refused.text
    closed = ann.post(made.location, data={"close-submit": "Close", "close-outcome": "completed", "close-note": "Sent"})
    assert closed.status_code == 302
    assert "Done" in ann.get(made.location).text and "None is open" in ann.get("/admin/requests").text
    assert "rights request" in ann.get("/moderation/audit").text


def test_bad_input_gets_messages_and_only_admins_see_the_queue(admins):
    ann = client_of(admins, "ann")
    bad = ann.post(
        "/admin/requests/new",
        data={
            "received_at": ["31", "2", "2026"],
            "requester": "x",
            "channel": "email",
            "kind": "access",
            "username": "nobody",
        },
    )
    assert bad.status_code == 200 and "Enter a real date" in bad.text
    future = ann.post(
        "/admin/requests/new",
        data={
            "received_at": ["1", "1", "2099"],
            "requester": "x",
            "channel": "email",
            "kind": "access",
            "username": "nobody",
        },
    )
    assert "today or in the past" in future.text
    unknown = ann.post(
        "/admin/requests/new",
        data={
            "received_at": ["1", "1", "2026"],
            "requester": "x",
            "channel": "email",
            "kind": "access",
            "username": "nobody",
        },
    )
    assert "There is no member with that username" in unknown.text
    empty = ann.post("/admin/requests/new", data={"channel": "fax"})
    assert empty.status_code == 200 and "Enter the date it arrived" in empty.text and "Enter who asked" in empty.text
    assert ann.get("/admin/requests/999").status_code == 404
    for name in ("moe", "ada"):
        member = client_of(admins, name)
        assert member.get("/admin/requests").status_code == 403
        assert member.get("/admin/requests/new").status_code == 403
