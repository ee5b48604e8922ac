"""Verification rules: an address at an official domain, confirmed by link, then attested by a moderator.

A verification lasts 12 months, with a reminder 30 days before it ends. It also ends when the member
withdraws it, when their official domain leaves the allowlist, or when they move their account email
away from the address they verified. While it lasts, the display name and organisation are locked."""

import re
from datetime import timedelta

from huey import crontab
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from civicnet import audit, signals
from civicnet.accounts import tokens
from civicnet.accounts.models import CITIZEN, PUBLIC_SERVANT, User
from civicnet.accounts.permissions import check_may_act_on, is_admin
from civicnet.db_types import utcnow
from civicnet.emails import send_email
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.jobs import periodic
from civicnet.notifications.services import notify
from civicnet.transactions import commit
from civicnet.urls import external_url
from civicnet.verification import notices
from civicnet.verification.models import (
    APPROVED,
    CONFIRMING,
    DECLINED,
    ENDED,
    OPEN_STATES,
    WAITING,
    OfficialDomain,
    Verification,
)

LASTS = timedelta(days=365)
DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
REMIND_BEFORE = timedelta(days=30)
CONFIRM_MAX_AGE = 60 * 60 * 48
OFFICIAL_ADDRESS = "verify-official-address"


def domains() -> list[OfficialDomain]:
    return list(db.session.scalars(select(OfficialDomain).order_by(OfficialDomain.domain)))


def official_domain_of(email: str) -> str | None:
    """The allowlisted domain an address belongs to (itself or a parent: camden.gov.uk -> gov.uk)."""
    host = email.rpartition("@")[2].strip().lower()
    allowed = {d.domain for d in domains()}
    parts = host.split(".")
    for start in range(len(parts) - 1):
        candidate = ".".join(parts[start:])
        if candidate in allowed:
            return candidate
    return None


def current(user: User) -> Verification | None:
    """The member's newest verification that is open or approved."""
    query = select(Verification).where(
        Verification.user_id == user.id, Verification.status.in_((*OPEN_STATES, APPROVED))
    )
    return db.session.scalar(query.order_by(Verification.id.desc()).limit(1))


def history(user: User) -> list[Verification]:
    query = select(Verification).where(Verification.user_id == user.id).order_by(Verification.id.desc())
    return list(db.session.scalars(query))


def _clean(field: str, label: str, value, limit: int) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise Invalid(field, f"Enter your {label}")
    if len(value) > limit:
        raise Invalid(field, f"Your {label} must be {limit} characters or fewer")
    return value


def start(actor: User, email, organisation, job_title) -> Verification:
    """Ask to be verified; a link goes to the official address."""
    if not actor.is_verified_email:
        raise Forbidden("Confirm your account's email address first")
    email = str(email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid("email", "Enter your work email address, like name@council.gov.uk")
    if official_domain_of(email) is None:
        raise Invalid(
            "email",
            "That address is not at an official public-sector domain we know. Ask an admin to add your organisation's domain",
        )
    organisation = _clean("organisation", "organisation", organisation, 100)
    job_title = _clean("job_title", "job title", job_title, 100)
    existing = current(actor)
    if existing is not None and existing.status in OPEN_STATES:
        raise Conflict("You already have a verification in progress")
    renewing = existing is not None and existing.status == APPROVED and actor.is_verified_public_servant
    if renewing and existing.expires_at - utcnow() > REMIND_BEFORE:
        raise Conflict("You are already verified. You can renew in the last 30 days, or end it to verify again")
    verification = Verification(user_id=actor.id, email=email, organisation=organisation, job_title=job_title)
    db.session.add(verification)
    db.session.commit()
    token = tokens.make_token(OFFICIAL_ADDRESS, {"v": verification.id, "email": email})
    link = external_url("verification.confirm", token=token)
    send_email(email, "confirm your work email address", "verification/email/confirm", user=actor, link=link)
    return verification


def confirm(token: str) -> Verification:
    payload = tokens.read_token(OFFICIAL_ADDRESS, token, CONFIRM_MAX_AGE) or {}
    verification = db.session.get(Verification, payload["v"]) if is_id(payload.get("v")) else None
    if verification is None or verification.email != payload.get("email"):
        raise NotFound("This link is not valid any more. Ask for verification again")
    if verification.status != CONFIRMING:
        return verification  # a second click changes nothing
    verification.status, verification.email_confirmed_at = WAITING, utcnow()
    db.session.commit()
    return verification


def waiting() -> list[Verification]:
    query = select(Verification).where(Verification.status == WAITING).order_by(Verification.id)
    return list(db.session.scalars(query))


def get(verification_id) -> Verification:
    found = db.session.get(Verification, verification_id) if is_id(verification_id) else None
    if found is None:
        raise NotFound("There is no such verification request")
    return found


def decide(actor: User, verification_id, approve: bool, reason) -> Verification:
    """A moderator or admin attests (approves) or declines, with a reason the member reads."""
    verification = get(verification_id)
    check_may_act_on(actor, verification.user)
    if verification.status != WAITING:
        raise Conflict("This request has already been decided, or is not ready for a decision")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise Invalid("reason", "Give a reason: the member will read it")
    user = verification.user
    verification.decided_by_id, verification.decided_at, verification.decision_reason = actor.id, utcnow(), reason
    if approve:
        for earlier in db.session.scalars(
            select(Verification).where(Verification.user_id == user.id, Verification.status == APPROVED)
        ):
            earlier.status, earlier.ended_at, earlier.end_reason = ENDED, utcnow(), "Renewed"
        verification.status, verification.expires_at = APPROVED, utcnow() + LASTS
        user.verified_until, user.verified_organisation = verification.expires_at, verification.organisation
        user.profile.organisation, user.profile.job_title = verification.organisation, verification.job_title
        if user.role == CITIZEN:
            user.role = PUBLIC_SERVANT
    else:
        verification.status = DECLINED
    audit.record(
        actor,
        "verification_approved" if approve else "verification_declined",
        subject=user,
        item_type="verification",
        item_id=verification.id,
        note=reason,
    )
    notify(user.id, notices.DECIDED, verification.id)
    commit()  # then the notice goes live, and by email as the member chose
    return verification


def end(verification: Verification, why: str, actor: User | None = None) -> None:
    """Stop a verification, in the caller's transaction; the badge goes at once."""
    user = verification.user
    verification.status, verification.ended_at, verification.end_reason = ENDED, utcnow(), why[:200]
    if user.verified_until is not None:
        user.verified_until = user.verified_organisation = None
        if user.role == PUBLIC_SERVANT:
            user.role = CITIZEN
    audit.record(actor, "verification_ended", subject=user, item_type="verification", item_id=verification.id, note=why)


def withdraw(actor: User) -> None:
    verification = current(actor)
    if verification is None:
        raise Conflict("You have no verification to end")
    end(verification, "Ended by the member", actor)
    db.session.commit()


@signals.member_email_changed.connect
def email_changed(user: User, old_email: str, **_) -> None:
    """Moving the account email off the verified address ends the verification (caller commits)."""
    verification = current(user)
    if verification is None or verification.status != APPROVED or verification.email != old_email:
        return
    if _host(user.email) != _host(old_email):  # another organisation, even under the same gov.uk
        end(verification, "The account email moved away from the verified address", user)


def _host(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def add_domain(actor: User, domain) -> OfficialDomain:
    if not is_admin(actor):
        raise Forbidden("Only admins manage official domains")
    domain = str(domain or "").strip().lower().lstrip(".").removeprefix("@")
    if len(domain) > 100 or not DOMAIN.fullmatch(domain):
        raise Invalid("domain", "Enter a domain like camden.gov.uk")
    added = OfficialDomain(domain=domain, added_by_id=actor.id)
    db.session.add(added)
    audit.record(actor, "add_official_domain", note=domain)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"{domain} is already on the list") from None
    return added


def remove_domain(actor: User, domain_id) -> int:
    """Remove a domain; verifications that rested on it end. Returns how many ended."""
    if not is_admin(actor):
        raise Forbidden("Only admins manage official domains")
    found = db.session.get(OfficialDomain, domain_id) if is_id(domain_id) else None
    if found is None:
        raise NotFound("That domain is not on the list")
    db.session.delete(found)
    db.session.flush()
    ended = 0
    for verification in db.session.scalars(
        select(Verification).where(Verification.status.in_((APPROVED, *OPEN_STATES)))
    ):
        if official_domain_of(verification.email) is None:
            end(verification, f"{found.domain} was removed from the official domains", actor)
            ended += 1
    audit.record(actor, "remove_official_domain", note=found.domain)
    db.session.commit()
    return ended


def sweep(now=None) -> tuple[int, int]:
    """Remind members 30 days before their verification ends, and end the ones past their date.
    Run daily (`flask verification sweep`); the badge itself already stops at the end date."""
    now = now or utcnow()
    reminded = ended = 0
    for verification in db.session.scalars(select(Verification).where(Verification.status == APPROVED)):
        if verification.expires_at <= now:
            end(verification, "Twelve months passed")
            ended += 1
        elif verification.expires_at - now <= REMIND_BEFORE and verification.reminded_at is None:
            verification.reminded_at = now
            notify(verification.user_id, notices.EXPIRING, verification.id)
            reminded += 1
    commit()
    return reminded, ended


@periodic(crontab(hour=3, minute=10))
def daily_sweep() -> None:
    """The daily sweep, run by the jobs worker (`flask sweep` runs it by hand)."""
    sweep()
