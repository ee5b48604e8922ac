"""Statements of reasons: the member a decision affects is told what, why, until when, and how to appeal."""

from flask import current_app, url_for
from sqlalchemy import select

from civicnet import realtime
from civicnet.accounts.tokens import make_token, read_token
from civicnet.emails import send_email
from civicnet.extensions import db
from civicnet.moderation.models import ModerationAction
from civicnet.moderation.rules import SUSPEND
from civicnet.rooms.models import APPEAL_DECIDED, MODERATION, Notification
from civicnet.urls import external_url

DECISION = "decision"


def decision_token(action) -> str:
    """A link that opens the statement without signing in: a suspended member cannot sign in, yet must be able to appeal."""
    return make_token(DECISION, {"action": action.id, "user": action.subject_id})


def action_for_token(token: str) -> tuple[int, int] | None:
    payload = read_token(DECISION, token, current_app.config["DECISION_LINK_MAX_AGE"])
    if payload is None or not isinstance(payload.get("action"), int) or not isinstance(payload.get("user"), int):
        return None
    return payload["action"], payload["user"]


def add_notice(action, kind: str = MODERATION) -> Notification:
    """The in-product notice, in the caller's transaction."""
    notice = Notification(user_id=action.subject_id, kind=kind, action_id=action.id)
    db.session.add(notice)
    return notice


def deliver(notice: Notification) -> None:
    """After the commit: the live notification and the email."""
    from civicnet.rooms.notifications import notification_payload

    action = notice.action
    realtime.emit_to_user(action.subject, "notification", notification_payload(notice))
    link = external_url("moderation.decision_by_token", token=decision_token(action))
    if notice.kind == APPEAL_DECIDED:
        subject, template = "the decision on your appeal", "moderation/email/appeal_decided"
    else:
        subject, template = "a moderation decision about you", "moderation/email/statement"
    send_email(action.subject.email, subject, template, action=action, link=link)


def suspension_link(user) -> str | None:
    """The statement of reasons for a member's current suspension, if a moderator suspended them."""
    action = db.session.scalar(
        select(ModerationAction)
        .where(ModerationAction.subject_id == user.id, ModerationAction.kind == SUSPEND)
        .where(ModerationAction.reversed_at.is_(None))
        .order_by(ModerationAction.id.desc())
        .limit(1)
    )
    return url_for("moderation.decision_by_token", token=decision_token(action)) if action else None
