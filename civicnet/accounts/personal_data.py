"""A member's account in their export: the account itself, its role changes, sign-ins and tokens."""

from sqlalchemy import select

from civicnet import audit
from civicnet.accounts.access_tokens import ApiToken
from civicnet.accounts.models import UserSession
from civicnet.extensions import db
from civicnet.personal_data import Table, register


@register("account", "Your account", order=10)
def account(user) -> list[Table]:
    roles = [entry for entry in audit.entries_about(user.id) if entry.action == "set_role"]
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return [
        Table(
            "account",
            "Your account as civicnet holds it (your password is stored scrambled and is not included).",
            {
                "username": "Your username",
                "email": "Your email address",
                "display_name": "Your name as others see it",
                "role": "Your role: citizen, public_servant, moderator or admin",
                "created_at": "When you joined",
                "email_confirmed_at": "When you confirmed your email address",
                "suspended_until": "If you are suspended, until when",
            },
            [
                {
                    "username": user.username,
                    "email": user.email,
                    "display_name": user.display_name,
                    "role": user.role,
                    "created_at": user.created_at,
                    "email_confirmed_at": user.email_verified_at,
                    "suspended_until": user.suspended_until,
                }
            ],
        ),
        Table(
            "role_changes",
            "Each change of your role by an administrator.",
            {"changed_at": "When", "new_role": "Your role from then", "note": "What the administrator wrote"},
            [{"changed_at": e.created_at, "new_role": e.reason, "note": e.note} for e in roles],
        ),
        Table(
            "sign_ins",
            "Each time you signed in, and when that sign-in ended.",
            {"signed_in_at": "When you signed in", "ended_at": "When you signed out or it was ended"},
            [{"signed_in_at": s.created_at, "ended_at": s.ended_at} for s in sessions],
        ),
        Table(
            "tokens",
            "Your personal access tokens' names and dates (never the tokens themselves).",
            {
                "name": "The name you gave it",
                "created_at": "When you made it",
                "last_used_at": "When an app last used it",
                "revoked_at": "When it was revoked",
            },
            [
                {"name": t.name, "created_at": t.created_at, "last_used_at": t.last_used_at, "revoked_at": t.revoked_at}
                for t in tokens
            ],
        ),
    ]
