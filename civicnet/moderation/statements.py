"""Statements of reasons: the member a decision affects is told what, why, until when, and how to appeal."""

from flask import current_app, url_for
from sqlalchemy import select

from civicnet import signals
from civicnet.accounts.tokens import make_token, read_token
from civicnet.extensions import db
from civicnet.moderation.models import ModerationAction
from civicnet.moderation.rules import DECISION_TEXT, SUSPEND
from civicnet.notifications import kinds, preferences
from civicnet.notifications.kinds import OwnEmail, Shown
from civicnet.notifications.models import Notification
from civicnet.notifications.services import notify
from civicnet.urls import external_url

DECISION = "decision"
MODERATION = "moderation"  # the notification kind of a statement of reasons
APPEAL_DECIDED = "appeal_decided"

# A member is always told of a decision about them, on the site at least (it can be appealed).
TOLD = (preferences.SITE, preferences.EMAIL, preferences.DIGEST)
preferences.register_event(
    "moderation_decision",
    "A moderator makes a decision about me or my content",
    "With the reasons and how to appeal. It always appears on the site.",
    preferences.EMAIL,
    order=60,
    channels=TOLD,
    capped=False,  # a suspended member cannot sign in: this email may be the only way they learn why
)
preferences.register_event(
    "appeal_outcome",
    "My appeal is decided",
    "It always appears on the site.",
    preferences.EMAIL,
    order=70,
    channels=TOLD,
    capped=False,
)


def decision_token(action) -> str:
    """A link that opens the statement without signing in: a suspended member cannot sign in, yet must be able to appeal."""
    return make_token(DECISION, {"action": action.id, "user": action.subject_id})


def action_for_token(token: str) -> tuple[int, int] | None:
    payload = read_token(DECISION, token, current_app.config["DECISION_LINK_MAX_AGE"])
    if payload is None or not isinstance(payload.get("action"), int) or not isinstance(payload.get("user"), int):
        return None
    return payload["action"], payload["user"]


def add_notice(action, kind: str = MODERATION) -> Notification:
    """The in-product notice, in the caller's transaction (sent live after its commit)."""
    return notify(action.subject_id, kind, action.id)


@kinds.register(MODERATION, APPEAL_DECIDED, event={MODERATION: "moderation_decision", APPEAL_DECIDED: "appeal_outcome"})
def _shown(notification) -> Shown | None:
    action = db.session.get(ModerationAction, notification.subject_id)
    if action is None:
        return None
    if notification.kind == APPEAL_DECIDED:
        lead = "A moderator decided your appeal:"
        excerpt = (
            f"Your appeal was {action.appeal.outcome}" if action.appeal is not None else DECISION_TEXT[action.kind]
        )
    else:
        lead, excerpt = "A moderator made a decision about you:", DECISION_TEXT[action.kind]
    # external_url, not url_for: also sent from outside requests (the daily sweep, the CLI).
    url = external_url("moderation.decision", action_id=action.id)
    return Shown(lead=lead, link_text=DECISION_TEXT[action.kind].lower(), url=url, excerpt=excerpt)


@kinds.register_email(MODERATION, APPEAL_DECIDED)
def _email(notice: Notification) -> OwnEmail:
    """The statement by email, with a link that opens it without signing in (a suspended member cannot)."""
    action = db.session.get(ModerationAction, notice.subject_id)
    link = external_url("moderation.decision_by_token", token=decision_token(action))
    if notice.kind == APPEAL_DECIDED:
        subject, template = "the decision on your appeal", "moderation/email/appeal_decided"
    else:
        subject, template = "a moderation decision about you", "moderation/email/statement"
    return OwnEmail(subject, template, {"action": action, "link": link})


@signals.suspension_statement.connect
def suspension_link(user, **_) -> str | None:
    """The statement of reasons for a member's current suspension, if a moderator suspended them."""
    action = db.session.scalar(
        select(ModerationAction)
        .where(ModerationAction.subject_id == user.id, ModerationAction.kind == SUSPEND)
        .where(ModerationAction.reversed_at.is_(None))
        .order_by(ModerationAction.id.desc())
        .limit(1)
    )
    return url_for("moderation.decision_by_token", token=decision_token(action)) if action else None
