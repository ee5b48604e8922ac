"""The register as open data: every published entry with a stable id and its revision, as JSON and
CSV, each field documented with the Algorithmic Transparency Recording Standard (tier 2) and
Eurocities algorithm register (0.3) fields it maps to."""

import csv
import io
import json

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from civicnet.db_types import iso
from civicnet.extensions import db
from civicnet.register import entries
from civicnet.register import evidence as evidence_rules
from civicnet.register.models import EVIDENCE_KINDS, KINDS, PUBLISHED, QUESTIONS, VERDICTS, Entry, SignOff
from civicnet.urls import external_url

# field -> (what it means, ATRS tier 2 field, Eurocities 0.3 field)
FIELDS = {
    "id": ("A stable number for the entry: it never changes, even when the entry is renamed", "", "id"),
    "revision": ("The entry's version: it goes up with every saved change", "", ""),
    "url": ("The entry's page on civicnet", "", "url"),
    "name": ("The technology's name", "1.1 Name", "name"),
    "kind": (f"One of: {', '.join(KINDS)}", "", "type"),
    "supplier": ("Who supplies it", "2.5 Supplier or developer", "supplier.name"),
    "companies_house": (
        "The supplier's Companies House number, where it has one",
        "2.6 Companies House number",
        "supplier.companyId",
    ),
    "version_or_date": ("The version or date the entry is about", "", "version"),
    "summary": ("What it is, in plain words", "1.2 Description", "description"),
    "verdict": (f"One of: {', '.join(VERDICTS)} ({', '.join(VERDICTS.values())})", "", ""),
    "reasoning": ("Why the reviewers reached the verdict", "", ""),
    "dissent": ("Where reviewers disagreed, in their words", "", ""),
    "tags": ("Skill tags, separated by semicolons", "", "keywords"),
    "personal_data": (QUESTIONS["personal_data"], "4.2.3 Data", "dataset.personalData"),
    "lawful_basis": (QUESTIONS["lawful_basis"], "4.2.4 Lawful basis", "legalBasis"),
    "risks": (QUESTIONS["risks"], "4.3 Risks and mitigations", "risks"),
    "oversight": (QUESTIONS["oversight"], "4.1.3 Human oversight", "humanOversight"),
    "objection": (QUESTIONS["objection"], "4.1.6 Appeals and review", "contact.appeal"),
    "alternatives": (QUESTIONS["alternatives"], "2.4 Alternatives considered", ""),
    "exit_plan": (QUESTIONS["exit_plan"], "", "lifecycle"),
    "code_of_practice": (QUESTIONS["code_of_practice"], "", "standards"),
    "supplier_reply": ("The supplier's reply, where one was given the right", "", ""),
    "deployments": (
        "Where it is or was used: organisation, dates, outcome, cost (JSON: a list)",
        "2.2 Deployment",
        "deployments",
    ),
    "evidence": (
        f"What the verdict rests on: kind ({', '.join(EVIDENCE_KINDS)}), summary, link, date, conflict of interest (JSON: a list)",
        "",
        "",
    ),
    "reviewers": ("Who signed it off, and as what (citizen or verified public servant)", "", ""),
    "published_at": ("When it was published", "", "publishedAt"),
    "updated_at": ("When it last changed", "3.1 Last updated", "updatedAt"),
    "review_by": ("When it is next reviewed", "", "reviewDate"),
}
CSV_LISTS = ("deployments", "evidence", "reviewers")
# A cell a spreadsheet would run as a formula starts with one of these: it gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def published() -> list[Entry]:
    """Every published entry with what its record shows, loaded in a few queries rather than per entry."""
    query = (
        select(Entry)
        .where(Entry.status == PUBLISHED)
        .order_by(Entry.id)
        .options(
            selectinload(Entry.tags),
            selectinload(Entry.evidence),
            selectinload(Entry.deployments),
            selectinload(Entry.sign_offs).selectinload(SignOff.user),
        )
    )
    return list(db.session.scalars(query))


def record(entry: Entry) -> dict:
    """One entry as open data: documented fields only, nobody's private words."""
    evidence = []
    for item in entry.evidence:
        cited = evidence_rules.cited(item)
        if item.message_id is not None and cited is None:
            continue  # a private message without consent, or one removed since
        evidence.append(
            {
                "kind": item.kind,
                "summary": item.summary,
                "url": cited["url"] if cited else item.url,
                "quote": cited["excerpt"] if cited else "",
                "date": item.dated.isoformat() if item.dated else None,
                "conflict_of_interest": item.conflict_of_interest,
            }
        )
    values = {
        **entries.snapshot(entry),  # the entry's own fields, as its revisions keep them
        "id": entry.id,
        "revision": entry.revision,
        "url": external_url("register.show", slug=entry.slug),
        "tags": [tag.name for tag in entry.tags],
        "deployments": [
            {
                "organisation": d.organisation,
                "started": d.started.isoformat() if d.started else None,
                "ended": d.ended.isoformat() if d.ended else None,
                "outcome": d.outcome,
                "cost": d.cost,
            }
            for d in entry.deployments
        ],
        "evidence": evidence,
        "reviewers": [{"name": s.user.display_name, "as": s.capacity} for s in entry.sign_offs],
        "published_at": iso(entry.published_at),
        "updated_at": iso(entry.updated_at),
    }
    return {name: values[name] for name in FIELDS}  # the documented fields, in their documented order


def document() -> dict:
    return {
        "licence": current_app.config["REGISTER_LICENCE"],
        "licence_url": current_app.config["REGISTER_LICENCE_URL"],
        "fields_documented_at": external_url("register.data"),
        "entries": [record(entry) for entry in published()],
    }


def as_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    for row in document()["entries"]:
        flat = dict(row)
        flat["tags"] = "; ".join(row["tags"])
        for key in CSV_LISTS:
            flat[key] = json.dumps(row[key], ensure_ascii=False)
        writer.writerow({key: _cell(value) for key, value in flat.items()})
    return out.getvalue()


def _cell(value):
    """Members' words in a CSV cell, never run as a spreadsheet formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def json_text() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=1)
