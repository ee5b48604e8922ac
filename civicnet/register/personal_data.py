"""What the register holds about a member, in their export; and what erasure takes.

Entries, evidence and sign-offs are the community's record and stay when a member leaves, under
"Former member" (the erased account's name); their follows go."""

from sqlalchemy import delete, select

from civicnet import signals
from civicnet.extensions import db
from civicnet.personal_data import Table, register
from civicnet.register.models import Entry, EntryFollow, Evidence, SignOff


@register("technology_register", "The technology register", order=75)
def collect(user) -> list[Table]:
    proposed = db.session.scalars(select(Entry).where(Entry.created_by_id == user.id).order_by(Entry.id))
    evidence = db.session.scalars(
        select(Evidence).where((Evidence.added_by_id == user.id) | (Evidence.consent_from_id == user.id))
    )
    signed = db.session.execute(
        select(SignOff, Entry.name).join(Entry, Entry.id == SignOff.entry_id).where(SignOff.user_id == user.id)
    ).all()
    followed = db.session.scalars(
        select(Entry).join(EntryFollow, EntryFollow.entry_id == Entry.id).where(EntryFollow.user_id == user.id)
    )
    return [
        Table(
            "register_entries_proposed",
            "The entries you proposed.",
            {"entry": "The entry", "status": "draft or published", "created_at": "When"},
            [{"entry": e.name, "status": e.status, "created_at": e.created_at} for e in proposed],
        ),
        Table(
            "register_evidence",
            "Evidence you added, and your messages others asked to cite (with your answer).",
            {"entry": "The entry", "summary": "What it shows", "added_by_you": "yes or no", "consent": "Your answer"},
            [
                {
                    "entry": item.entry.name,
                    "summary": item.summary,
                    "added_by_you": "yes" if item.added_by_id == user.id else "no",
                    "consent": item.consent if item.consent_from_id == user.id else "",
                }
                for item in evidence
            ],
        ),
        Table(
            "register_sign_offs",
            "The entries you signed off as a reviewer.",
            {"entry": "The entry", "as": "citizen or public_servant", "created_at": "When"},
            [{"entry": name, "as": s.capacity, "created_at": s.created_at} for s, name in signed],
        ),
        Table(
            "register_follows", "The entries you follow.", {"entry": "The entry"}, [{"entry": e.name} for e in followed]
        ),
    ]


@signals.member_erased.connect
def _erase(user, **_) -> None:
    db.session.execute(delete(EntryFollow).where(EntryFollow.user_id == user.id))
