"""Register pages: the list, an entry, proposing one (from room messages), editing with conflicts
shown, and its history."""

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet.errors import Conflict, Invalid, ServiceError
from civicnet.extensions import db
from civicnet.forms import apply_service_error
from civicnet.register import bp, entries, notices, reviews
from civicnet.register import evidence as evidence_rules
from civicnet.register.forms import EntryForm
from civicnet.register.models import KINDS, QUESTIONS, VERDICTS, Entry
from civicnet.transactions import commit

# A message's link ends in #message-<id> (or its bare number is given): never any other number in a URL.
MESSAGE_LINK = re.compile(r"(?:^|#message-)(\d{1,10})$")


def message_ids(text: str) -> list[int]:
    """Message numbers from links like .../rooms/open-data#message-12, or bare numbers."""
    found = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        match = MESSAGE_LINK.search(part)
        if match is None:
            raise Invalid("messages", f"“{part[:60]}” is not a link to a room message")
        found.append(int(match.group(1)))
    return found


def _details(form: EntryForm) -> entries.EntryDetails:
    return entries.EntryDetails(
        name=form.name.data or "",
        kind=form.kind.data or "",
        summary=form.summary.data or "",
        supplier=form.supplier.data or "",
        companies_house=form.companies_house.data or "",
        version_or_date=form.version_or_date.data or "",
        verdict=form.verdict.data or "",
        reasoning=form.reasoning.data or "",
        dissent=form.dissent.data or "",
        tags=form.tags.data or "",
        review_by=form.review_by.data,
        answers={key: form[f"answer_{key}"].data or "" for key in QUESTIONS},
    )


@bp.app_template_global()
def register_entries_from(room_id: int) -> list[Entry]:
    """Published entries made from a room's conversation, for the room's page."""
    return entries.published_from_room(room_id)


@bp.route("/technology")
def index():
    verdict, kind, tag = (request.args.get(name, "")[:60] for name in ("verdict", "kind", "tag"))
    found = entries.published(verdict, kind, tag)
    return render_template(
        "register/index.html", entries=found, verdict=verdict, kind=kind, tag=tag, verdicts=VERDICTS, kinds=KINDS
    )


@bp.route("/technology/new", methods=["GET", "POST"])
@login_required
def new():
    form = EntryForm()
    cited = []
    if request.method == "GET":
        form.kind.data, form.verdict.data = "product", "unknown"
        ids = [number for number in request.args.getlist("message", type=int) if 0 < number < 10**10]
        form.messages.data = ", ".join(f"#message-{number}" for number in ids)
    valid = form.validate_on_submit()  # lengths first: the links are read only once they are sane
    try:
        if request.method == "GET" or not form.messages.errors:
            cited = evidence_rules.citations(current_user, message_ids(form.messages.data or ""))
        if valid:
            entry = entries.create_draft(current_user, _details(form), [c["id"] for c in cited])
            flash(
                "Your draft is open for comment. It is published once a citizen and a verified public servant sign it off."
            )
            return redirect(url_for("register.show", slug=entry.slug))
    except ServiceError as error:
        apply_service_error(form, error)
    return render_template("register/form.html", form=form, entry=None, cited=cited, questions=QUESTIONS)


@bp.route("/technology/<slug>")
def show(slug: str):
    entry = entries.get_entry(current_user, slug)
    evidence = [(item, evidence_rules.cited(item)) for item in entry.evidence]
    return render_template(
        "register/show.html",
        entry=entry,
        evidence=evidence,
        questions=QUESTIONS,
        verdicts=VERDICTS,
        kinds=KINDS,
        reviewers=reviews.reviewers_needed_for(entry),
        missing=reviews.missing(entry) if not entry.is_published else [],
        needs_review=reviews.needs_review(entry),
        changed=reviews.changed_since_review(entry),
        following=notices.follows(current_user, entry),
        capacity=reviews.CAPACITIES[reviews.capacity_of(current_user)] if current_user.is_authenticated else None,
    )


@bp.route("/technology/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    entry = entries.get_entry(current_user, slug)
    form = EntryForm()
    conflict = None
    if request.method == "GET":
        form.process(data=_form_data(entry))
    elif form.validate_on_submit():
        try:
            entries.update_entry(current_user, entry, _details(form), form.revision.data, form.note.data or "")
        except Conflict as error:
            conflict = error.message
            db.session.expire_all()
            entry = entries.get_entry(current_user, slug)
            # Saving again starts from their version: a deliberate choice, made with both in view.
            form.revision.data, form.revision.raw_data = entry.revision, [str(entry.revision)]
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Saved as version {entry.revision}")
            return redirect(url_for("register.show", slug=entry.slug))
    status = 409 if conflict else 200
    current = entries.snapshot(entry) if conflict else None
    return render_template(
        "register/form.html", form=form, entry=entry, cited=[], questions=QUESTIONS, conflict=conflict, current=current
    ), status


def _form_data(entry: Entry) -> dict:
    """The edit form filled from the entry as it stands (its snapshot, with the form's own names)."""
    fields = entries.snapshot(entry)
    answers = {f"answer_{key}": fields.pop(key) for key in QUESTIONS}
    fields.pop("supplier_reply")  # the supplier's own section, not on this form
    return {**fields, **answers, "review_by": entry.review_by, "revision": entry.revision}


@bp.route("/technology/<slug>/history")
def history(slug: str):
    entry = entries.get_entry(current_user, slug)
    return render_template("register/history.html", entry=entry, revisions=list(reversed(entries.revisions(entry))))


@bp.route("/technology/<slug>/history/<int:number>")
def revision(slug: str, number: int):
    entry = entries.get_entry(current_user, slug)
    found, changes = entries.diff(entry, number)
    return render_template("register/revision.html", entry=entry, revision=found, changes=changes)


@bp.route("/technology/<slug>/follow", methods=["POST"])
@login_required
def follow(slug: str):
    entry = entries.get_entry(current_user, slug)
    if request.form.get("follow") == "no":
        notices.unfollow(current_user, entry)
        flash(f"You no longer follow {entry.name}")
    else:
        notices.follow(current_user, entry)
        flash(f"You follow {entry.name}: you will hear when it changes")
    commit()
    return redirect(url_for("register.show", slug=entry.slug))
