"""Appeals: once per decision, within 14 days, decided by a different moderator than the one who acted."""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from civicnet import audit
from civicnet.accounts.permissions import check_may_act_on, is_moderator
from civicnet.db_types import utcnow
from civicnet.errors import Conflict, Forbidden, Invalid, NotFound
from civicnet.extensions import db
from civicnet.ids import is_id
from civicnet.moderation import queue, statements
from civicnet.moderation.actions import undo
from civicnet.moderation.models import Appeal, ModerationAction
from civicnet.moderation.rules import APPEAL_DAYS, APPEALABLE, OUTCOMES, REVERSED
from civicnet.moderation.statements import APPEAL_DECIDED
from civicnet.transactions import commit

MAX_NOTE = 2000


def get_action(action_id) -> ModerationAction:
    action = db.session.get(ModerationAction, action_id) if is_id(action_id) else None
    if action is None:
        raise NotFound("There is no such decision")
    return action


def can_see_decision(viewer, action: ModerationAction) -> bool:
    return viewer is not None and (viewer.id == action.subject_id or is_moderator(viewer))


def appeal_deadline(action: ModerationAction):
    return action.created_at + timedelta(days=APPEAL_DAYS)


def why_not_appealable(user_id: int, action: ModerationAction) -> str | None:
    """None if the member may appeal this decision now, otherwise the reason they may not."""
    if action.subject_id != user_id:
        return "Only the member a decision is about can appeal it"
    if action.kind not in APPEALABLE:
        return "This kind of decision cannot be appealed"
    if action.appeal is not None:
        return "You have already appealed this decision"
    if action.reversed_at is not None:
        return "This decision has already been reversed"
    if utcnow() > appeal_deadline(action):
        return f"The {APPEAL_DAYS} days for appealing this decision have passed"
    return None


def appeal(user, action_id, note) -> Appeal:
    """The member appeals a decision about them. `user` may be suspended: they arrive by an emailed link."""
    action = get_action(action_id)
    if user is None or action.subject_id != user.id:
        raise NotFound("There is no such decision")
    problem = why_not_appealable(user.id, action)
    if problem:
        raise Conflict(problem)
    note = str(note or "").strip()
    if not note:
        raise Invalid("note", "Tell the moderators why the decision should change")
    if len(note) > MAX_NOTE:
        raise Invalid("note", f"Your appeal must be {MAX_NOTE:,} characters or fewer")
    filed = Appeal(
        action=action, appellant_id=user.id, note=note
    )  # through the relationship, so action.appeal is set too
    db.session.add(filed)
    audit.record(user, "appeal", subject=user, item_type="action", item_id=action.id, note=note)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("You have already appealed this decision") from None
    queue.announce_pending()
    return filed


def get_appeal(appeal_id) -> Appeal:
    found = db.session.get(Appeal, appeal_id) if is_id(appeal_id) else None
    if found is None:
        raise NotFound("There is no such appeal")
    return found


def decide(actor, appeal_id, outcome, note) -> Appeal:
    """Uphold or reverse; a reversal undoes the decision. The member is told either way."""
    found = get_appeal(appeal_id)
    check_may_act_on(actor, found.appellant)
    if found.action.moderator_id == actor.id:
        raise Forbidden("You took this decision, so a different moderator must decide the appeal")
    if found.decided_at is not None:
        raise Conflict("This appeal has already been decided")
    if outcome not in OUTCOMES:
        raise Invalid("outcome", "Choose whether to uphold or reverse the decision")
    note = str(note or "").strip()
    if not note:
        raise Invalid("decision_note", "Give the reason for your decision: the member will read it")
    if len(note) > MAX_NOTE:
        raise Invalid("decision_note", f"The reason must be {MAX_NOTE:,} characters or fewer")
    found.decided_at, found.decided_by_id, found.outcome, found.decision_note = utcnow(), actor.id, outcome, note
    audit.record(
        actor, f"appeal_{outcome}", subject=found.appellant, item_type="action", item_id=found.action_id, note=note
    )
    after = undo(found.action, actor) if outcome == REVERSED else []
    statements.add_notice(found.action, APPEAL_DECIDED)
    commit()
    for effect in after:
        effect()
    queue.announce_pending()
    return found
