"""A frozen clock for the email delay and the digest windows, and the members most tests need."""

from datetime import UTC, datetime

import pytest
import time_machine

from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.notifications import emailing
from tests.factories import make_room, make_user

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def clock():
    """Time stands still until the test moves it: clock.shift(seconds) or clock.shift(timedelta)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def town(ctx, clock):
    """Ada, Bob and Cyd, in the public room "Open data" and Ada and Bob's private room "Budget"."""
    ada, bob, cyd = (make_user(username=name) for name in ("ada", "bob", "cyd"))
    make_room(ada, "Open data", members=[bob, cyd])
    make_room(ada, "Budget", kind="private", members=[bob])
    db.session.commit()
    return ada, bob, cyd


def send_due() -> int:
    """What the jobs worker does every minute (and each member's delayed job when it falls due)."""
    return emailing.send_due(utcnow())
