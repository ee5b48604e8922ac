"""Demo entries in the technology register, made as members would make them: drafted from the demo
rooms' messages, signed off by a citizen and a verified public servant, and published."""

from datetime import timedelta

from sqlalchemy import func, select

from civicnet.accounts.services import find_user_by_username
from civicnet.db_types import utcnow
from civicnet.extensions import db
from civicnet.register import entries, evidence, reviews
from civicnet.register.models import Entry
from civicnet.rooms.models import Message, Room

DEMO_ENTRIES = [
    dict(
        by="grace",
        room="Facial recognition in public places",
        cite=("DPIA", "freedom of information"),
        reviewers=("amira", "priya"),
        details=dict(
            name="FaceGate Live (example)",
            kind="product",
            supplier="Example Vision Systems Ltd",
            companies_house="01234567",
            version_or_date="2026",
            summary="Live facial recognition at school gates and shop entrances, sold as a safeguarding tool.",
            verdict="avoid",
            reasoning=(
                "No school we know of completed a data protection impact assessment before the trial; accuracy "
                "claims come only from the supplier; children cannot meaningfully object."
            ),
            dissent="One reviewer thinks a narrowly scoped, opt-in trial with an independent audit could be lawful.",
            tags="Facial recognition, AI ethics",
            answers={
                "personal_data": "Biometric data (face templates) of every child and visitor passing the gate.",
                "lawful_basis": "Unclear: special category data needs explicit consent or a substantial public interest.",
                "objection": "None offered in the trials we saw.",
                "alternatives": "Staffed gates and visitor sign-in.",
            },
        ),
        deployment=dict(organisation="An example academy trust", outcome="Trial stopped after parents' complaints"),
    ),
    dict(
        by="tom",
        room="Open data in councils",
        cite=("bin collection",),
        reviewers=("dafydd", "morag"),
        details=dict(
            name="OpenBook hall booking (example)",
            kind="product",
            supplier="A community of councils (open source)",
            version_or_date="3.2",
            summary="An open-source booking system for community halls and meeting rooms.",
            verdict="real",
            reasoning="Runs in several councils for years; no licence fees; data stays with the council.",
            tags="Open data",
            answers={
                "exit_plan": "Open source and exports to CSV: no lock-in.",
                "personal_data": "Bookers' names and emails.",
            },
        ),
        deployment=dict(organisation="Leeds City Council", outcome="Booking staff time down; residents book online"),
    ),
    dict(
        by="amira",
        room="Data protection impact assessments",
        cite=(),
        reviewers=(),
        details=dict(
            name="Repair photos retention in housing apps",
            kind="approach",
            summary="Keeping tenants' repair photos for seven years: is it needed?",
            verdict="unknown",
            reasoning="A draft: we need the councils' reasons for the retention period.",
            tags="Data protection, DPIAs",
        ),
        deployment=None,
    ),
]


def load_demo_entries() -> None:
    if db.session.scalar(select(func.count(Entry.id))):
        return
    for spec in DEMO_ENTRIES:
        author = find_user_by_username(spec["by"])
        room = db.session.scalar(select(Room).where(Room.name == spec["room"]))
        if author is None or room is None:
            continue
        cited = [
            message.id
            for message in db.session.scalars(select(Message).where(Message.room_id == room.id))
            if any(phrase in message.body for phrase in spec["cite"])
        ]
        entry = entries.create_draft(author, entries.EntryDetails(**spec["details"]), cited)
        if spec["deployment"]:
            deployment = spec["deployment"]
            evidence.add_deployment(author, entry, deployment["organisation"], None, None, deployment["outcome"], "")
        if spec["reviewers"]:
            entry.comment_until = utcnow() - timedelta(minutes=1)  # as if the week had passed
            for username in spec["reviewers"]:
                reviews.sign_off(find_user_by_username(username), entry)
