"""Offers, learning goals and suggestions: who could mentor whom, ranked so the reasons can be shown."""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from civicnet import signals
from civicnet.accounts.models import User
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.mentoring import notices
from civicnet.mentoring.models import LearningGoal, Offer
from civicnet.tags.models import HELP, LEARN, Tag
from civicnet.tags.names import tag_slug
from civicnet.tags.services import check_tag_names, replace_tags, user_tags
from civicnet.transactions import commit

MAX_DESCRIPTION = 1000
MAX_NOTE = 300
MAX_CAPACITY = 20


@dataclass
class OfferDetails:
    tags: list[str]  # slugs, chosen from the mentor's "I can help with"
    description: str
    calls_note: str = ""
    availability: str = ""
    capacity: int | str = 1


def can_offer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_verified_public_servant)


def offer_of(user) -> Offer | None:
    return db.session.scalar(select(Offer).where(Offer.mentor_id == user.id)) if user else None


def get_offer(offer_id) -> Offer:
    offer = db.session.get(Offer, offer_id) if is_id(offer_id) else None
    if offer is None:
        raise NotFound("There is no such mentoring offer")
    return offer


def _capacity(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= MAX_CAPACITY:
        raise Invalid("capacity", f"Capacity must be a whole number from 1 to {MAX_CAPACITY}")
    return number


def checked_text(field: str, value, limit: int, required: str | None = None) -> str:
    """Trimmed free text within a limit; `required` is the message when it is empty."""
    value = str(value or "").strip()
    if required and not value:
        raise Invalid(field, required)
    if len(value) > limit:
        raise Invalid(field, f"This must be {limit:,} characters or fewer")
    return value


def save_offer(actor: User, details: OfferDetails) -> Offer:
    """Create or change the mentor's offer. Lowering capacity below the active mentees is refused."""
    if not can_offer(actor):
        raise Forbidden("Only verified public servants can offer mentoring")
    help_tags = {tag.slug: tag for tag in user_tags(actor, HELP)}
    chosen = [help_tags[slug] for slug in dict.fromkeys(details.tags) if slug in help_tags]
    if not chosen or len(chosen) != len(set(details.tags)):
        raise Invalid("tags", "Choose at least one skill tag from your “I can help with” list")
    capacity = _capacity(details.capacity)
    offer = offer_of(actor) or Offer(mentor_id=actor.id, active_mentees=0)
    before = {tag.id for tag in offer.tags} if offer.id is not None else set()
    if capacity < offer.active_mentees:
        raise Invalid("capacity", f"You have {offer.active_mentees} active mentees: capacity cannot be lower")
    offer.description = checked_text("description", details.description, MAX_DESCRIPTION, "Describe how you can help")
    offer.calls_note = checked_text("calls_note", details.calls_note, MAX_NOTE)
    offer.availability = checked_text("availability", details.availability, MAX_NOTE)
    offer.capacity = capacity
    offer.tags = sorted(chosen, key=lambda tag: tag.name)
    db.session.add(offer)
    db.session.flush()
    notices.tell_tag_followers(offer, [tag.id for tag in chosen if tag.id not in before])
    commit()
    return offer


def set_paused(actor: User, paused: bool) -> Offer:
    offer = offer_of(actor)
    if offer is None:
        raise NotFound("You have no mentoring offer")
    if offer.is_paused == paused:
        raise Conflict("Your offer is already paused" if paused else "Your offer is already open")
    offer.paused_at = utcnow() if paused else None
    db.session.commit()
    return offer


def goal_of(user) -> LearningGoal | None:
    return db.session.get(LearningGoal, user.id) if user else None


def save_goal(actor: User, description, learn_tags: str) -> LearningGoal:
    """What the member wants to learn: a paragraph, and their profile's "I want to learn" tags."""
    names = check_tag_names("learn_tags", learn_tags or "")
    if not names:
        raise Invalid("learn_tags", "Enter at least one skill tag you want to learn about")
    goal = goal_of(actor) or LearningGoal(user_id=actor.id)
    goal.description = checked_text("description", description, MAX_DESCRIPTION)
    replace_tags(actor, LEARN, names)
    db.session.add(goal)
    db.session.commit()
    return goal


@dataclass
class Suggestion:
    offer: Offer
    matching: list[Tag]
    last_active: object  # datetime or None

    @property
    def mentor(self) -> User:
        return self.offer.mentor


def open_offers(tag: str | None = None) -> list[Offer]:
    """Offers that can take a mentee now: not paused, not full, from a mentor still verified."""
    query = (
        select(Offer)
        .join(User, User.id == Offer.mentor_id)
        .where(Offer.paused_at.is_(None), Offer.active_mentees < Offer.capacity, User.verified_until > utcnow())
        .where(or_(User.suspended_at.is_(None), User.suspended_until <= utcnow()))  # as accounts.is_suspended
        # Suggestions read each mentor's profile (their privacy settings) and tags: a query each, not
        # one per offer.
        .options(selectinload(Offer.mentor).selectinload(User.profile), selectinload(Offer.tags))
        .order_by(Offer.id)
    )
    if tag:
        query = query.where(Offer.tags.any(Tag.slug == tag_slug(tag)))
    return list(db.session.scalars(query))


def suggestions(viewer: User, limit: int = 20) -> list[Suggestion]:
    """Mentors for what the viewer wants to learn: most matching tags first, then most places left,
    then the most recently active (their latest message). Offers matching no tag are left out."""
    wanted = {tag.slug for tag in user_tags(viewer, LEARN)}
    found = []
    for offer in open_offers():
        matching = [tag for tag in offer.tags if tag.slug in wanted]
        # A mentor who asked not to be suggested is still in the list of offers, not here.
        if matching and offer.mentor_id != viewer.id and offer.mentor.profile.suggest_as_mentor:
            found.append(Suggestion(offer, matching, _last_active(offer.mentor_id)))
    found.sort(
        key=lambda s: (-len(s.matching), -s.offer.places_left, -(s.last_active.timestamp() if s.last_active else 0))
    )
    return found[:limit]


def _last_active(user_id: int):
    return signals.answer(signals.last_posted_at, user_id)
