"""Verified public servants: an address at an official domain, confirmed by an emailed link, then
attested by a moderator; the badge, the locked name and organisation, expiry, the domain allowlist,
email changes, and the badge and "speaking for" on Socket.IO messages."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civicnet.accounts import credentials
from civicnet.accounts.services import find_user_by_username
from civicnet.audit import AuditEntry
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.mentoring.offers import can_offer
from civicnet.profiles import services as profiles
from civicnet.rooms.payloads import author_payload
from civicnet.verification import services
from civicnet.verification.models import OfficialDomain, Verification
from tests.factories import DEFAULT_PASSWORD, make_moderator, make_room, make_user

CONFIRM = "/account/verification/confirm/"


# --- Helpers ---------------------------------------------------------------------------------


def text_of(response) -> str:
    """The page's text: tags removed, whitespace collapsed, entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True))))


def link_path(message, marker: str = CONFIRM) -> str:
    """The path of the link in an email, from `marker` on."""
    return re.search(rf"http://[^/\s]+({re.escape(marker)}\S+)", message.body).group(1)


def token_in(message) -> str:
    return link_path(message).removeprefix(CONFIRM)


def emails_to(outbox, address: str) -> list:
    return [message for message in outbox if message.recipients == [address]]


def confirmed(member, outbox, email: str | None = None, organisation="Camden Council", job_title="Data lead"):
    """A verification started and confirmed by its emailed link: waiting for a moderator."""
    started = services.start(member, email or f"{member.username}@camden.gov.uk", organisation, job_title)
    services.confirm(token_in(outbox[-1]))
    assert started.status == "waiting"
    return started


def verified(member, moderator, outbox, **details):
    """A member taken through the whole flow: started, confirmed, approved."""
    waiting = confirmed(member, outbox, **details)
    return services.decide(moderator, waiting.id, True, "Found them in the council's staff directory")


def profile_change(user, **changes) -> profiles.ProfileChanges:
    """The member's profile as it is, with some fields changed."""
    current = {
        "display_name": user.display_name,
        "organisation": user.profile.organisation or "",
        "job_title": user.profile.job_title or "",
    }
    return profiles.ProfileChanges(**{**current, **changes})


def state_of(verification_id: int) -> tuple:
    db.session.expire_all()
    found = db.session.get(Verification, verification_id)
    return found.status, found.decided_by_id, found.decision_reason


@pytest.fixture
def people(ctx):
    """Ada (a citizen who works at Camden), Bob (a citizen), Mo and Meg (moderators), Ann and Abe (admins)."""
    return {
        "ada": make_user(username="ada", display_name="Ada Lovelace"),
        "bob": make_user(username="bob"),
        "mo": make_moderator(username="moe"),
        "meg": make_moderator(username="meg"),
        "ann": make_user(username="ann", role="admin"),
        "abe": make_user(username="abe", role="admin"),
    }


# --- Starting and confirming -----------------------------------------------------------------


def test_an_address_at_an_official_domain_or_any_subdomain_of_it_is_accepted(people, outbox):
    """camden.gov.uk matches the allowlisted gov.uk; a link goes to the work address, not the account's."""
    assert services.official_domain_of("Ada@Camden.Gov.UK") == "gov.uk"
    assert services.official_domain_of("x@belfast.trust.nhs.uk") == "nhs.uk"
    assert services.official_domain_of("x@gov.uk") == "gov.uk"
    started = services.start(people["ada"], "  Ada@Camden.GOV.uk ", " Camden   Council ", "Data lead")
    assert (started.status, started.email, started.organisation) == (
        "confirming",
        "ada@camden.gov.uk",
        "Camden Council",
    )
    assert [message.recipients for message in outbox] == [["ada@camden.gov.uk"]]
    assert "confirm this work address" in outbox[0].body and CONFIRM in outbox[0].body
    assert not people["ada"].is_verified_public_servant


@pytest.mark.parametrize(
    "email",
    ["ada@example.com", "ada@evilgov.uk", "ada@gov.uk.example.com", "ada@camden.gov.uk.", "ada@uk", "no-at-sign"],
)
def test_addresses_outside_the_allowlist_are_refused_with_a_clear_message(people, outbox, email):
    """Look-alike domains and other addresses are refused naming the problem; nothing is stored or sent."""
    with pytest.raises(Invalid) as refused:
        services.start(people["ada"], email, "Camden Council", "Data lead")
    assert refused.value.field == "email"
    assert "official public-sector domain" in refused.value.message or "work email address" in refused.value.message
    assert db.session.scalar(select(func.count(Verification.id))) == 0 and outbox == []


def test_example_com_is_refused_saying_an_admin_can_add_the_domain(people):
    with pytest.raises(Invalid, match=re.escape("not at an official public-sector domain we know. Ask an admin")):
        services.start(people["ada"], "ada@example.com", "Camden Council", "Data lead")


def test_starting_needs_a_confirmed_account_and_complete_details(ctx, outbox):
    """An unconfirmed account cannot start; the organisation and job title are required and limited."""
    newcomer = make_user(username="newcomer", verified=False)
    outbox.clear()
    with pytest.raises(Forbidden, match="Confirm your account's email address first"):
        services.start(newcomer, "new@camden.gov.uk", "Camden Council", "Clerk")
    member = make_user(username="cat")
    with pytest.raises(Invalid, match="Enter your organisation"):
        services.start(member, "cat@camden.gov.uk", "   ", "Clerk")
    with pytest.raises(Invalid, match="Enter your job title"):
        services.start(member, "cat@camden.gov.uk", "Camden Council", None)
    with pytest.raises(Invalid, match="100 characters or fewer"):
        services.start(member, "cat@camden.gov.uk", "x" * 101, "Clerk")
    assert db.session.scalar(select(func.count(Verification.id))) == 0 and outbox == []


def test_one_verification_at_a_time(people, outbox):
    """A second request while one is open is a conflict, and so is asking again while verified
    (until the last 30 days)."""
    ada = people["ada"]
    first = services.start(ada, "ada@camden.gov.uk", "Camden Council", "Data lead")
    with pytest.raises(Conflict, match="already have a verification in progress"):
        services.start(ada, "ada@camden.gov.uk", "Camden Council", "Data lead")
    services.confirm(token_in(outbox[-1]))
    services.decide(people["mo"], first.id, True, "Checked")
    with pytest.raises(Conflict, match="already verified"):
        services.start(ada, "ada@camden.gov.uk", "Camden Council", "Data lead")
    assert db.session.scalar(select(func.count(Verification.id))) == 1


def test_the_emailed_link_moves_it_to_waiting_and_a_second_click_changes_nothing(client, app, outbox):
    """Following the link confirms the address (waiting for a moderator); clicking again keeps the
    first confirmation time and the status."""
    with app.app_context():
        ada = make_user(username="ada")
        verification_id = services.start(ada, "ada@camden.gov.uk", "Camden Council", "Data lead").id
    path = link_path(outbox[-1])
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"  # signed out
    with app.app_context():
        found = db.session.get(Verification, verification_id)
        first_confirmed = found.email_confirmed_at
        assert found.status == "waiting" and first_confirmed is not None
    assert client.get(path).status_code == 302
    with app.app_context():
        found = db.session.get(Verification, verification_id)
        assert (found.status, found.email_confirmed_at) == ("waiting", first_confirmed)


def test_a_forged_or_altered_link_is_not_found(client, app, outbox):
    """A made-up token, a tampered one, and a real one for an address that no longer matches are 404s."""
    with app.app_context():
        ada = make_user(username="ada")
        verification_id = services.start(ada, "ada@camden.gov.uk", "Camden Council", "Data lead").id
    token = token_in(outbox[-1])
    assert client.get(CONFIRM + "not-a-real-token").status_code == 404
    assert client.get(CONFIRM + token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")).status_code == 404
    with app.app_context():
        db.session.get(Verification, verification_id).email = "someone@camden.gov.uk"
        db.session.commit()
    response = client.get(CONFIRM + token)
    assert response.status_code == 404 and "This link is not valid any more" in text_of(response)
    with app.app_context():
        assert db.session.get(Verification, verification_id).status == "confirming"


# --- Deciding --------------------------------------------------------------------------------


def test_only_moderators_and_admins_decide_and_never_about_themselves(people, outbox):
    """A citizen cannot decide; a moderator cannot decide their own request; another moderator can."""
    mo = people["mo"]
    own = confirmed(mo, outbox, email="moe@camden.gov.uk")
    with pytest.raises(Forbidden, match="Only moderators and admins"):
        services.decide(people["bob"], own.id, True, "Looks right")
    with pytest.raises(Forbidden, match="cannot moderate yourself"):
        services.decide(mo, own.id, True, "It is me")
    assert state_of(own.id) == ("waiting", None, "")
    assert services.decide(people["meg"], own.id, True, "Checked with Camden").status == "approved"
    assert mo.is_verified_public_servant and mo.role == "moderator"  # a moderator keeps their role


def test_moderators_cannot_decide_about_admins_but_admins_can(people, outbox):
    """Only admins decide about admins, and not about themselves either."""
    ann = people["ann"]
    waiting = confirmed(ann, outbox, email="ann@camden.gov.uk")
    with pytest.raises(Forbidden, match="Moderators cannot act on admins"):
        services.decide(people["mo"], waiting.id, True, "Checked")
    with pytest.raises(Forbidden, match="cannot moderate yourself"):
        services.decide(ann, waiting.id, True, "Checked")
    assert state_of(waiting.id) == ("waiting", None, "")
    services.decide(people["abe"], waiting.id, False, "Your job title does not match the directory")
    assert state_of(waiting.id) == ("declined", people["abe"].id, "Your job title does not match the directory")


def test_a_decision_needs_a_reason_and_a_confirmed_address(people, outbox):
    """No reason, or only spaces, is refused; a request whose link was not followed cannot be decided."""
    unconfirmed = services.start(people["bob"], "bob@camden.gov.uk", "Camden Council", "Clerk")
    with pytest.raises(Conflict, match="not ready for a decision"):
        services.decide(people["mo"], unconfirmed.id, True, "Checked")
    waiting = confirmed(people["ada"], outbox)
    for reason in ("", "   ", None):
        with pytest.raises(Invalid, match="Give a reason"):
            services.decide(people["mo"], waiting.id, True, reason)
    assert state_of(waiting.id) == ("waiting", None, "")
    with pytest.raises(NotFound):
        services.decide(people["mo"], 2**40, True, "Checked")


def test_approval_gives_the_badge_and_emails_the_member(people, outbox):
    """Approving sets the badge until a year on, the profile's organisation and job title, the
    public servant role, an audit entry, and tells the member at their account address."""
    ada = people["ada"]
    approved = verified(ada, people["mo"], outbox, organisation="Camden Council", job_title="Head of data")
    db.session.expire_all()
    assert approved.status == "approved" and approved.decided_by_id == people["mo"].id
    assert ada.is_verified_public_servant and ada.verified_organisation == "Camden Council"
    assert ada.role == "public_servant"
    assert (ada.profile.organisation, ada.profile.job_title) == ("Camden Council", "Head of data")
    assert timedelta(days=364) < ada.verified_until - utcnow() <= timedelta(days=365)
    assert approved.expires_at == ada.verified_until
    assert author_payload(ada) == {
        "username": "ada",
        "display_name": "Ada Lovelace",
        "role": "public_servant",
        "verified": True,
        "organisation": "Camden Council",
        "avatar_url": None,
        "initials": "AL",
    }
    told = emails_to(outbox, "ada@example.org")
    assert len(told) == 1 and "You are now verified as a public servant at Camden Council" in told[0].body
    assert "Found them in the council's staff directory" in told[0].body
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "verification_approved")).one()
    assert (entry.actor_id, entry.subject_id, entry.item_id) == (people["mo"].id, ada.id, approved.id)


def test_a_decline_emails_the_reason_and_gives_no_badge(people, outbox):
    bob = people["bob"]
    waiting = confirmed(bob, outbox)
    services.decide(people["mo"], waiting.id, False, "Camden has nobody of that name")
    db.session.expire_all()
    assert waiting.status == "declined" and not bob.is_verified_public_servant and bob.role == "citizen"
    assert bob.verified_organisation is None and bob.profile.organisation is None
    told = emails_to(outbox, "bob@example.org")
    assert len(told) == 1 and "was declined" in told[0].body and "Camden has nobody of that name" in told[0].body
    assert services.current(bob) is None  # so they may ask again


def test_deciding_twice_is_a_conflict_and_changes_nothing(people, outbox):
    """The second decision, whether the same or the opposite, is refused; the first stands and the
    member got one email."""
    ada = people["ada"]
    waiting = confirmed(ada, outbox)
    services.decide(people["mo"], waiting.id, True, "Checked")
    for approve in (True, False):
        with pytest.raises(Conflict, match="already been decided"):
            services.decide(people["meg"], waiting.id, approve, "Second look")
    assert state_of(waiting.id) == ("approved", people["mo"].id, "Checked")
    assert ada.is_verified_public_servant and len(emails_to(outbox, "ada@example.org")) == 1


# --- While verified --------------------------------------------------------------------------


def test_name_and_organisation_are_locked_while_verified(people, outbox):
    """Neither the display name nor the organisation can change while verified; other fields can."""
    ada = people["ada"]
    verified(ada, people["mo"], outbox)
    with pytest.raises(Invalid, match="locked while you are verified") as name:
        profiles.update_profile(ada, ada, profile_change(ada, display_name="Ada King"))
    assert name.value.field == "display_name"
    db.session.rollback()
    with pytest.raises(Invalid, match="locked while you are verified") as organisation:
        profiles.update_profile(ada, ada, profile_change(ada, organisation="Hackney Council"))
    assert organisation.value.field == "organisation"
    db.session.rollback()
    profiles.update_profile(ada, ada, profile_change(ada, job_title="Chief data officer", pronouns="she/her"))
    db.session.expire_all()
    assert (ada.display_name, ada.profile.organisation) == ("Ada Lovelace", "Camden Council")
    assert ada.profile.job_title == "Chief data officer"


def test_withdrawing_ends_it_and_unlocks_the_name_and_organisation(people, outbox):
    ada = people["ada"]
    approved = verified(ada, people["mo"], outbox)
    services.withdraw(ada)
    db.session.expire_all()
    assert approved.status == "ended" and approved.end_reason == "Ended by the member" and approved.ended_at
    assert not ada.is_verified_public_servant and ada.verified_until is None and ada.verified_organisation is None
    assert ada.role == "citizen" and not can_offer(ada)
    profiles.update_profile(ada, ada, profile_change(ada, display_name="Ada King", organisation="Hackney Council"))
    assert (ada.display_name, ada.profile.organisation) == ("Ada King", "Hackney Council")
    with pytest.raises(Conflict, match="no verification to end"):
        services.withdraw(ada)


def test_the_sweep_reminds_once_30_days_before_and_ends_at_twelve_months(people, outbox):
    """31 days before: nothing. 29 days before: one reminder email. Again: no second email.
    Past the end date: ended, badge and role gone."""
    ada = people["ada"]
    approved = verified(ada, people["mo"], outbox)
    outbox.clear()
    start = utcnow()
    assert services.sweep(now=start + timedelta(days=334)) == (0, 0) and outbox == []
    assert services.sweep(now=start + timedelta(days=336)) == (1, 0)
    assert [message.recipients for message in outbox] == [["ada@example.org"]]
    assert "ends on" in outbox[0].body and "verify again" in outbox[0].body
    assert services.sweep(now=start + timedelta(days=340)) == (0, 0) and len(outbox) == 1
    assert ada.is_verified_public_servant
    assert services.sweep(now=start + timedelta(days=366)) == (0, 1)
    db.session.expire_all()
    assert approved.status == "ended" and approved.end_reason == "Twelve months passed"
    assert not ada.is_verified_public_servant and ada.role == "citizen" and len(outbox) == 1


def test_the_badge_goes_when_its_date_passes_even_before_the_sweep(people, outbox):
    """Once verified_until has passed the member is not verified anywhere (payloads, mentoring, the
    profile lock), although the sweep has not yet ended the verification."""
    ada = people["ada"]
    approved = verified(ada, people["mo"], outbox)
    ada.verified_until = approved.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert not ada.is_verified_public_servant and not can_offer(ada)
    assert author_payload(ada)["verified"] is False and author_payload(ada)["organisation"] is None
    assert services.current(ada).status == "approved"
    profiles.update_profile(ada, ada, profile_change(ada, organisation="Hackney Council"))
    assert services.sweep() == (0, 1) and approved.status == "ended"


# --- The allowlist ---------------------------------------------------------------------------


def test_admins_add_domains_and_moderators_cannot(people):
    """An admin adds a domain (normalised); a duplicate conflicts, a malformed one is invalid, and a
    moderator or citizen is refused."""
    ann = people["ann"]
    assert services.add_domain(ann, "  .HSCNI.net ").domain == "hscni.net"
    assert services.official_domain_of("ann@belfasttrust.hscni.net") == "hscni.net"
    with pytest.raises(Conflict, match="already on the list"):
        services.add_domain(ann, "hscni.net")
    for bad in ("localhost", "", "a..uk", "bad/domain.uk"):
        with pytest.raises(Invalid, match=re.escape("Enter a domain like camden.gov.uk")):
            services.add_domain(ann, bad)
    for someone in (people["mo"], people["bob"]):
        with pytest.raises(Forbidden, match="Only admins"):
            services.add_domain(someone, "example.org")
        with pytest.raises(Forbidden, match="Only admins"):
            services.remove_domain(someone, services.domains()[0].id)
    assert [d.domain for d in services.domains()].count("hscni.net") == 1
    assert "example.org" not in [d.domain for d in services.domains()]


def test_a_domain_with_a_space_or_symbols_is_refused_even_with_a_hyphen(people):
    with pytest.raises(Invalid):
        services.add_domain(people["ann"], "bad domain-name.org")


def test_removing_a_domain_ends_the_verifications_resting_on_it(people, outbox):
    """Approved and waiting verifications at the removed domain end; ones at other domains stay,
    including a subdomain that has an allowlist entry of its own (mod.gov.uk when gov.uk goes)."""
    ann, mo = people["ann"], people["mo"]
    hscni = services.add_domain(ann, "hscni.net")
    ada, bob = people["ada"], people["bob"]
    cat, dan = make_user(username="cat"), make_user(username="dan")
    at_trust = verified(ada, mo, outbox, email="ada@belfasttrust.hscni.net", organisation="Belfast Trust")
    waiting = confirmed(bob, outbox, email="bob@hscni.net", organisation="HSC")
    at_camden = verified(cat, mo, outbox, email="cat@camden.gov.uk")
    at_mod = verified(dan, mo, outbox, email="dan@mod.gov.uk", organisation="Ministry of Defence")

    assert services.remove_domain(ann, hscni.id) == 2
    db.session.expire_all()
    assert (at_trust.status, waiting.status) == ("ended", "ended")
    assert at_trust.end_reason == "hscni.net was removed from the official domains"
    assert not ada.is_verified_public_servant and ada.role == "citizen"
    assert at_camden.status == "approved" and cat.is_verified_public_servant

    gov_uk = db.session.scalar(select(OfficialDomain).where(OfficialDomain.domain == "gov.uk"))
    assert services.remove_domain(ann, gov_uk.id) == 1
    db.session.expire_all()
    assert at_camden.status == "ended" and at_mod.status == "approved" and dan.is_verified_public_servant
    with pytest.raises(NotFound):
        services.remove_domain(ann, gov_uk.id)
    with pytest.raises(Invalid, match="not at an official public-sector domain"):
        services.start(bob, "bob@hscni.net", "HSC", "Nurse")


def test_the_domains_page_is_for_admins(client, auth, app):
    """Moderators get 403 on the page and its actions; an admin adds and removes a domain and is
    told how many verifications ended."""
    with app.app_context():
        make_moderator(username="moe")
        make_user(username="ann", role="admin")
        gov_uk = db.session.scalar(select(OfficialDomain.id).where(OfficialDomain.domain == "gov.uk"))
    auth.sign_in("moe")
    assert client.get("/admin/domains").status_code == 403
    assert client.post("/admin/domains", data={"domain": "hscni.net"}).status_code == 403
    assert client.post(f"/admin/domains/{gov_uk}/delete").status_code == 403
    auth.sign_out()
    auth.sign_in("ann")
    page = text_of(client.get("/admin/domains"))
    assert "gov.uk" in page and "nhs.uk" in page
    response = client.post("/admin/domains", data={"domain": "nodot"})
    assert response.status_code == 400 and "Enter a domain like camden.gov.uk" in text_of(response)
    assert "Added hscni.net" in text_of(
        client.post("/admin/domains", data={"domain": "hscni.net"}, follow_redirects=True)
    )
    with app.app_context():
        hscni = db.session.scalar(select(OfficialDomain.id).where(OfficialDomain.domain == "hscni.net"))
        assert db.session.get(OfficialDomain, gov_uk) is not None
    removed = client.post(f"/admin/domains/{hscni}/delete", follow_redirects=True)
    assert "Removed. 0 verifications ended with it." in text_of(removed)
    with app.app_context():
        assert db.session.get(OfficialDomain, hscni) is None


# --- Email changes ---------------------------------------------------------------------------


def change_email(user, new_email: str, outbox) -> None:
    """Move the account email through the service and its emailed link."""
    credentials.request_email_change(user, DEFAULT_PASSWORD, new_email)
    token = link_path(outbox[-1], "/account/email/confirm/").removeprefix("/account/email/confirm/")
    credentials.confirm_email_change(token)


def test_moving_the_account_email_off_the_verified_address_ends_it(ctx, outbox):
    """A member whose account email is the verified work address moves it to a personal address:
    the verification ends and the badge goes."""
    mo = make_moderator(username="moe")
    ada = make_user(username="ada", email="ada@camden.gov.uk")
    approved = verified(ada, mo, outbox, email="ada@camden.gov.uk")
    change_email(ada, "ada@example.org", outbox)
    db.session.expire_all()
    assert ada.email == "ada@example.org"
    assert approved.status == "ended" and "moved away from the verified address" in approved.end_reason
    assert not ada.is_verified_public_servant and ada.role == "citizen"


def test_moving_an_account_email_that_was_never_the_work_address_keeps_the_badge(people, outbox):
    ada = people["ada"]
    approved = verified(ada, people["mo"], outbox)  # work address ada@camden.gov.uk, account ada@example.org
    change_email(ada, "ada@elsewhere.example", outbox)
    db.session.expire_all()
    assert approved.status == "approved" and ada.is_verified_public_servant


def test_moving_the_account_email_to_another_organisation_under_the_same_allowlisted_domain_ends_it(ctx, outbox):
    mo = make_moderator(username="moe")
    ada = make_user(username="ada", email="ada@camden.gov.uk")
    approved = verified(ada, mo, outbox, email="ada@camden.gov.uk")
    change_email(ada, "ada@hackney.gov.uk", outbox)
    db.session.expire_all()
    assert approved.status == "ended" and not ada.is_verified_public_servant


def test_changing_the_email_over_http_ends_the_verification(client, auth, app, outbox):
    with app.app_context():
        mo = make_moderator(username="moe")
        ada = make_user(username="ada", email="ada@camden.gov.uk")
        verified(ada, mo, outbox, email="ada@camden.gov.uk")
    auth.sign_in("ada")
    assert "You are verified" in text_of(client.get("/account/verification"))
    response = client.post("/account/email", data={"email": "ada@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get(link_path(outbox[-1], "/account/email/confirm/")).status_code == 302
    page = text_of(client.get("/account/verification"))
    assert "You are verified" not in page and "The account email moved away from the verified address" in page
    with app.app_context():
        assert not find_user_by_username("ada").is_verified_public_servant


# --- Over HTTP -------------------------------------------------------------------------------


def test_asking_over_http_refuses_other_domains_and_sends_the_link(client, auth, app, outbox):
    with app.app_context():
        make_user(username="ada")
    auth.sign_in("ada")
    form = {"email": "ada@example.com", "organisation": "Camden Council", "job_title": "Data lead"}
    response = client.post("/account/verification", data=form)
    assert response.status_code == 400
    assert "That address is not at an official public-sector domain we know" in text_of(response)
    response = client.post("/account/verification", data={**form, "email": "Ada@Camden.gov.uk"}, follow_redirects=True)
    page = text_of(response)
    assert "We have sent a link to ada@camden.gov.uk" in page and "It works for 48 hours" in page
    client.get(link_path(outbox[-1]))
    page = text_of(client.get("/account/verification"))
    assert "Your address ada@camden.gov.uk is confirmed" in page and "as Data lead" in page


def test_the_moderator_queue_and_decision_form(client, auth, app, outbox):
    """Citizens get 403; a moderator sees who waits, must choose and give a reason, and the
    decision is recorded; the member's page then shows the badge."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        make_user(username="bob")
        make_moderator(username="moe")
        waiting_id = confirmed(ada, outbox).id
    auth.sign_in("bob")
    assert client.get("/moderation/verifications").status_code == 403
    assert client.post(f"/moderation/verifications/{waiting_id}", data={"decision": "approve"}).status_code == 403
    auth.sign_out()
    auth.sign_in("moe")
    queue = text_of(client.get("/moderation/verifications"))
    assert "Ada Lovelace (ada): Data lead, Camden Council, confirmed ada@camden.gov.uk" in queue
    response = client.post(f"/moderation/verifications/{waiting_id}", data={"decision": "approve", "reason": ""})
    assert response.status_code == 400 and "Give a reason: the member will read it" in text_of(response)
    response = client.post(f"/moderation/verifications/{waiting_id}", data={"reason": "Checked"})
    assert response.status_code == 400 and "Choose whether to approve or decline" in text_of(response)
    with app.app_context():
        assert db.session.get(Verification, waiting_id).status == "waiting"
    response = client.post(
        f"/moderation/verifications/{waiting_id}",
        data={"decision": "approve", "reason": "In the staff directory"},
        follow_redirects=True,
    )
    assert "Recorded: Ada Lovelace is approved." in text_of(response) and "Nobody is waiting" in text_of(response)
    again = client.post(f"/moderation/verifications/{waiting_id}", data={"decision": "decline", "reason": "Oops"})
    assert again.status_code == 400 and "already been decided" in text_of(again)
    assert client.get("/moderation/verifications/999999999").status_code == 404
    auth.sign_out()
    auth.sign_in("ada")
    page = text_of(client.get("/account/verification"))
    assert "You are verified" in page and "Camden Council, until" in page and "“In the staff directory”" in page


def test_the_profile_form_says_the_name_and_organisation_are_locked(client, auth, app, outbox):
    with app.app_context():
        verified(make_user(username="ada", display_name="Ada Lovelace"), make_moderator(username="moe"), outbox)
    auth.sign_in("ada")
    form = {"display_name": "Ada King", "organisation": "Camden Council", "visibility": "public"}
    response = client.post("/profile/edit", data=form)
    page = text_of(response)
    assert "Your name and organisation are locked while you are verified" in page
    response = client.post("/profile/edit", data={**form, "display_name": "Ada Lovelace", "organisation": "MI5"})
    assert "Your name and organisation are locked while you are verified" in text_of(response)
    with app.app_context():
        ada = find_user_by_username("ada")
        assert (ada.display_name, ada.profile.organisation) == ("Ada Lovelace", "Camden Council")
    client.post("/account/verification/end", follow_redirects=True)
    assert client.post("/profile/edit", data=form).status_code == 302
    with app.app_context():
        assert find_user_by_username("ada").display_name == "Ada King"


# --- On Socket.IO messages -------------------------------------------------------------------


@pytest.fixture
def chat(app, outbox):
    """Ada, verified at Camden through the whole flow, and Bob, a citizen, both in Open data."""
    with app.app_context():
        ada = make_user(username="ada", display_name="Ada Lovelace")
        bob = make_user(username="bob", display_name="Bob Citizen")
        verified(ada, make_moderator(username="moe"), outbox)
        make_room(bob, "Open data", members=[ada])
    return app


def joined(members, app, username: str):
    member = members(app, username).connect()
    assert member.call("join_room", {"room": "open-data"})["ok"]
    return member


def test_a_verified_members_messages_carry_the_badge_and_organisation(chat, members):
    ada, bob = joined(members, chat, "ada"), joined(members, chat, "bob")
    sent = ada.call("send_message", {"room": "open-data", "body": "Hello", "client_id": "v1"})
    assert sent["ok"], sent
    assert sent["message"]["author"] == {
        "username": "ada",
        "display_name": "Ada Lovelace",
        "role": "public_servant",
        "verified": True,
        "organisation": "Camden Council",
        "avatar_url": None,
        "initials": "AL",
    }
    assert sent["message"]["speaking_for"] is None
    posted = bob.wait_for("message_posted", lambda m: m["id"] == sent["message"]["id"])
    assert posted["author"]["verified"] is True and posted["author"]["organisation"] == "Camden Council"
    reply = bob.call("send_message", {"room": "open-data", "body": "Hi", "client_id": "v2"})
    assert reply["message"]["author"]["verified"] is False and reply["message"]["author"]["organisation"] is None


def test_only_a_verified_member_speaks_for_their_organisation(app, chat, members, client, auth):
    """A citizen's speaking_for "organisation" is refused and not stored; a verified member's message
    names the organisation in the payload and on the room page."""
    ada, bob = joined(members, chat, "ada"), joined(members, chat, "bob")
    refused = bob.call(
        "send_message",
        {"room": "open-data", "body": "For the council", "client_id": "s1", "speaking_for": "organisation"},
    )
    assert refused["ok"] is False and refused["error"]["code"] == "invalid", refused
    assert "Only verified public servants can speak for their organisation" in refused["error"]["message"]
    odd = ada.call("send_message", {"room": "open-data", "body": "x", "client_id": "s2", "speaking_for": "the queen"})
    assert odd["ok"] is False and odd["error"]["code"] == "invalid"

    sent = ada.call(
        "send_message",
        {"room": "open-data", "body": "The council will reply", "client_id": "s3", "speaking_for": "organisation"},
    )
    assert sent["ok"] and sent["message"]["speaking_for"] == "Camden Council", sent
    posted = bob.wait_for("message_posted", lambda m: m["id"] == sent["message"]["id"])
    assert posted["speaking_for"] == "Camden Council"
    personal = ada.call(
        "send_message", {"room": "open-data", "body": "My view", "client_id": "s4", "speaking_for": "personal"}
    )
    assert personal["ok"] and personal["message"]["speaking_for"] is None

    auth.sign_in("bob")
    page = text_of(client.get("/rooms/open-data"))
    assert "Speaking for Camden Council" in page and page.count("Speaking for Camden Council") == 1
    assert "Speaking personally" in page
    assert "For the council" not in page
