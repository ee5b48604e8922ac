"""The access log's rules: one entry a visit, checked purposes and categories, append-only rows, and
entries held back from their member only with a second admin's approval, until a date that comes."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from civicnet import access_log, signals
from civicnet.access_log import AccessEntry, Look
from civicnet.db_types import AppendOnlyError, utcnow
from civicnet.errors import Forbidden, Invalid
from civicnet.extensions import db
from civicnet.transactions import commit
from tests.factories import make_moderator, make_user
from tests.test_signals import heard

REPORT = Look("report", ("private_messages", "reports"), case_ref="report #7")


@pytest.fixture
def cast(ctx):
    return {
        "ada": make_user(username="ada"),
        "moe": make_moderator(username="moe"),
        "ann": make_user(username="ann", role="admin"),
        "abe": make_user(username="abe", role="admin"),
    }


def shown(member) -> list[AccessEntry]:
    return list(db.session.scalars(access_log.entries_for(member.id)))


def later(monkeypatch, **delta) -> None:
    moved = utcnow() + timedelta(**delta)
    monkeypatch.setattr(access_log, "utcnow", lambda: moved)


def test_one_visit_writes_one_entry_and_tells_the_member_after_the_commit(cast, monkeypatch):
    ada, mo = cast["ada"], cast["moe"]
    with heard(signals.data_accessed) as calls:
        entry = access_log.record(mo, ada.id, REPORT)
        assert calls == []  # not before the commit
        commit()
    assert calls == [(entry.id, {"subject_id": ada.id})]
    assert access_log.record(mo, ada.id, REPORT) is entry  # a reload
    assert access_log.record(mo, ada.id, Look("appeal", ("reports",), "appeal #2")) is not entry
    later(monkeypatch, minutes=11)
    assert access_log.record(mo, ada.id, REPORT) is not entry  # a new visit
    assert [e.purpose for e in shown(ada)] == ["report", "appeal", "report"]
    assert (entry.role, entry.who, entry.purpose_text) == ("moderator", "A moderator", "Handling a report")
    assert access_log.record(cast["ann"], ada.id, REPORT).role == "admin"
    assert access_log.record(None, ada.id, REPORT).who == "An operator"


@pytest.mark.parametrize(
    "look, field",
    [
        (Look("curiosity", ("profile",)), "purpose"),
        (Look("other", ("profile",), note="  "), "note"),
        (Look("report", ()), "categories"),
        (Look("report", ("diary",)), "categories"),
        (Look("report", ("profile",), action="print"), "action"),
    ],
)
def test_an_entry_needs_a_known_purpose_categories_and_action(cast, look, field):
    with pytest.raises(Invalid) as raised:
        access_log.record(cast["moe"], cast["ada"].id, look)
    assert raised.value.field == field


def test_entries_cannot_be_changed_or_deleted_even_with_sql(cast):
    entry = access_log.record(cast["moe"], cast["ada"].id, REPORT)
    commit()
    entry.purpose = "other"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE access_log SET purpose = 'other'", "DELETE FROM access_log"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert [e.purpose for e in shown(cast["ada"])] == ["report"]


def test_the_member_can_filter_by_category(cast):
    ada, mo = cast["ada"], cast["moe"]
    access_log.record(mo, ada.id, REPORT)
    access_log.record(mo, ada.id, Look("verification", ("verification", "email"), "verification #3"))
    listed = lambda category: [e.purpose for e in db.session.scalars(access_log.entries_for(ada.id, category))]  # noqa: E731
    assert listed("email") == ["verification"] and listed("reports") == ["report"] and listed("profile") == []
    with pytest.raises(Invalid):
        listed("%")


def test_a_security_entry_is_held_back_only_with_a_second_admin_until_its_date(cast, monkeypatch):
    ada, ann, abe = cast["ada"], cast["ann"], cast["abe"]
    until = utcnow() + timedelta(days=30)
    with pytest.raises(Invalid, match="90 days"):
        access_log.record(ann, ada.id, Look("security", ("sign_ins",)), hold_until=utcnow() + timedelta(days=91))
    db.session.rollback()
    with pytest.raises(Invalid, match="security investigation"):
        access_log.record(ann, ada.id, REPORT, hold_until=until)
    db.session.rollback()
    with pytest.raises(Forbidden):
        access_log.record(cast["moe"], ada.id, Look("security", ("sign_ins",)), hold_until=until)
    db.session.rollback()
    with heard(signals.data_accessed) as calls:
        access_log.record(ann, ada.id, Look("security", ("sign_ins",), "case 2026-14"), hold_until=until)
        commit()
    assert calls == []  # nobody is told while it is held
    assert shown(ada) == [] and access_log.hidden_now(ada.id)[0] == 1  # waiting for a second admin
    (hold,) = access_log.pending_holds()
    with pytest.raises(Forbidden):
        access_log.approve_hold(ann, hold.id)  # not the one who asked
    access_log.approve_hold(abe, hold.id)
    commit()
    later(monkeypatch, days=2)
    count, last = access_log.hidden_now(ada.id)
    assert (count, last) == (1, until) and shown(ada) == []
    later(monkeypatch, days=31)
    assert access_log.hidden_now(ada.id) == (0, None)
    assert [e.case_ref for e in shown(ada)] == ["case 2026-14"]
    with heard(signals.data_accessed) as calls:
        assert access_log.disclose_due() == 1
        commit()
    assert [kwargs for _, kwargs in calls] == [{"subject_id": ada.id}]
    assert access_log.disclose_due() == 0


def test_a_hold_no_second_admin_approves_lapses_after_a_day(cast, monkeypatch):
    ada, ann = cast["ada"], cast["ann"]
    access_log.record(ann, ada.id, Look("legal", ("email",), "order 12"), hold_until=utcnow() + timedelta(days=60))
    commit()
    assert shown(ada) == []
    later(monkeypatch, hours=25)
    assert [e.case_ref for e in shown(ada)] == ["order 12"] and access_log.hidden_now(ada.id) == (0, None)
    assert access_log.disclose_due() == 1
