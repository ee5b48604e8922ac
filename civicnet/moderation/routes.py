"""Moderation pages: reporting, the queue, items, members and actions, the audit log, transparency.
Appeals are in appeal_routes.py, the word filter and skill tags' names in vocabulary_routes.py."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet import audit, reportables, storage
from civicnet.access_log import Look
from civicnet.access_purpose import look_at
from civicnet.accounts.permissions import check_admin, is_admin, is_moderator
from civicnet.accounts.services import is_suspended, set_role, usernames
from civicnet.errors import ServiceError
from civicnet.forms import apply_service_error
from civicnet.mentoring.requests import get_request
from civicnet.moderation import bp, queue, reports, restrictions, transparency
from civicnet.moderation.actions import ActionRequest, take_action
from civicnet.moderation.forms import (
    ActionForm,
    ReportForm,
    RoleForm,
)
from civicnet.moderation.items import find_member, load_item
from civicnet.moderation.rules import (
    ACTION_LABELS,
    DECISION_TEXT,
    MEMBER_ACTIONS,
    REASON_LABELS,
    REASONS,
    RULES,
    item_actions,
)


def moderators_only() -> None:
    if not is_moderator(current_user):
        abort(403)


# Reporting

bp.add_app_template_global(ACTION_LABELS, "action_labels")
bp.add_app_template_global(REASONS, "reasons")
bp.add_app_template_global(DECISION_TEXT, "decision_text")
bp.add_app_template_global(REASON_LABELS, "reason_labels")


@bp.app_template_global()
def pending_moderation() -> int:
    """Items and appeals waiting in the moderation queue, for a moderator's header."""
    return queue.pending_count() if is_moderator(current_user) else 0


@bp.route("/report/<item_type>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(item_type: str, item_id: int):
    item = load_item(item_type, item_id)
    reports.check_visible(current_user, item)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report(current_user, item_type, item_id, form.reason.data, form.note.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash("Thank you. Your report has been sent to the moderators, who will review it.")
            return redirect(item.url)
    return render_template("moderation/report.html", item=item, form=form), 400 if form.errors else 200


# The queue and actions


@bp.route("/moderation")
@login_required
def queue_page():
    moderators_only()
    return render_template(
        "moderation/queue.html", entries=queue.queue(), appeals=queue.open_appeals(), pending=queue.pending_count()
    )


def _action_forms(kinds, item=None, username=None, seen=0, failed: ActionForm | None = None) -> dict:
    forms = {}
    for kind in kinds:
        if failed is not None and failed.kind.data == kind:
            forms[kind] = failed
            continue
        form = ActionForm(prefix=kind, formdata=None)
        form.kind.data, form.seen.data = kind, seen
        form.item_type.data, form.item_id.data = (item.type, item.id) if item else ("", "")
        form.username.data = username or ""
        if kind in ("dismiss", "restore_message", "lift_mute", "lift_suspension"):
            form.reason.data = "no_breach"
        if kind == "edit_room" and item is not None:
            form.name.data, form.description.data = item.obj.name, item.obj.description
        forms[kind] = form
    return forms


def render_item(item, failed: ActionForm | None = None, status: int = 200):
    seen = queue.latest_action_id(item.type, item.id, None)
    subject = item.subject
    context = item.context()
    member_kinds = MEMBER_ACTIONS if subject is not None else ()
    return render_template(
        "moderation/item.html",
        item=item,
        subject=subject,
        context=context,
        reports=queue.open_reports(item.type, item.id),
        history=queue.history(subject.id if subject else None),
        item_forms=_action_forms(item_actions(item.type), item, seen=seen, failed=failed),
        subject_suspended=subject is not None and is_suspended(subject),
        subject_muted=subject is not None and bool(restrictions.active_mutes(subject)),
        member_forms=_action_forms(member_kinds, item, seen=seen, failed=failed),
        failed=failed,
    ), status


@bp.route("/moderation/items/<item_type>/<int:item_id>")
@login_required
def item_page(item_type: str, item_id: int):
    moderators_only()
    if item_type == "request":
        # A private exchange: the moderator sees it only while it is reported, and the look is recorded
        # for both people in it.
        get_request(current_user, item_id, why="report")
        return render_item(load_item(item_type, item_id))
    item = load_item(item_type, item_id)
    _record_look(item)
    return render_item(item)


def _record_look(item, *more: str) -> None:
    """A moderator's look at an item's author's data, for an open report or the purpose they give."""
    if item.subject is None:
        return
    reports_open = queue.open_reports(item.type, item.id)
    implied = Look("report", (), case_ref=f"report #{reports_open[0].id}") if reports_open else None
    look_at(current_user, item.subject, ("reports", *reportables.get(item.type).data(item.obj), *more), implied)


@bp.route("/moderation/items/<item_type>/<int:item_id>/files/<int:file_id>")
@login_required
@storage.file_view
def item_file(item_type: str, item_id: int, file_id: int):
    """A file of a reported item (an image on a message in a direct conversation, say), which the
    moderator could not open in its room; the look is recorded as the item page's is."""
    moderators_only()
    item = load_item(item_type, item_id)
    found = item.file(file_id)
    _record_look(item, "files")
    return storage.serve(found.key, found.name, as_attachment=not found.inline, max_age=0)  # the role can end


def render_member(user, failed: ActionForm | None = None, role_form: RoleForm | None = None, status: int = 200):
    seen = queue.latest_action_id(None, None, user.id)
    if role_form is None:
        role_form = RoleForm(formdata=None, role=user.role)
    return render_template(
        "moderation/member.html",
        member=user,
        suspended=is_suspended(user),
        mutes=restrictions.active_mutes(user),
        history=queue.history(user.id),
        member_forms=_action_forms(MEMBER_ACTIONS, username=user.username, seen=seen, failed=failed),
        role_form=role_form if is_admin(current_user) else None,
        failed=failed,
    ), status


@bp.route("/moderation/members/<username>")
@login_required
def member_page(username: str):
    moderators_only()
    member = find_member(username)
    look_at(current_user, member, ("account", "profile", "reports"))
    return render_member(member)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@bp.route("/moderation/actions", methods=["POST"])
@login_required
def act():
    moderators_only()
    kind = request.form.get("kind", "")
    form = ActionForm(prefix=kind)
    form.kind.data = kind
    item = load_item(form.item_type.data, _int(form.item_id.data)) if form.item_type.data else None
    member = None if item else find_member(form.username.data or "")
    if form.validate_on_submit():
        wanted = ActionRequest(
            kind=kind,
            reason=form.reason.data,
            note=form.note.data or "",
            item_type=item.type if item else None,
            item_id=item.id if item else None,
            username=member.username if member else None,
            period=form.period.data,
            room=form.room.data or None,
            name=form.name.data,
            description=form.description.data,
            seen=_int(form.seen.data),
        )
        try:
            action = take_action(current_user, wanted)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            told = (
                " The member has been sent a statement of reasons."
                if action.subject_id and kind in ("hide_message", "edit_room", "warn", "mute", "suspend")
                else ""
            )
            flash(f"Done: {ACTION_LABELS[kind].lower()}.{told}")
            return redirect(url_for("moderation.queue_page"))
    if item is not None:
        return render_item(load_item(item.type, item.id), failed=form, status=400)
    return render_member(member, failed=form, status=400)


@bp.route("/moderation/members/<username>/role", methods=["POST"])
@login_required
def change_role(username: str):
    check_admin(current_user)
    member = find_member(username)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            set_role(current_user, member, form.role.data, form.note.data or "")
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"{member.username} is now {member.role_label.lower()}")
            return redirect(url_for("moderation.member_page", username=member.username))
    return render_member(member, role_form=form, status=400)


# The audit log and a member's own entries


@bp.route("/moderation/audit")
@login_required
def audit_log():
    check_admin(current_user)
    page = audit.newest_page()
    # Names as they are now: an erased member shows under their pseudonym, not the name they left.
    names = usernames({e.actor_id for e in page.items} | {e.subject_id for e in page.items})
    return render_template("moderation/audit.html", page=page, entries=page.items, names=names)


@bp.route("/account/moderation")
@login_required
def my_entries():
    entries = audit.entries_about(current_user.id)
    return render_template("moderation/mine.html", entries=entries)


# Public pages


@bp.route("/transparency")
def transparency_page():
    return render_template("moderation/transparency.html", months=transparency.monthly())


@bp.route("/guidelines")
def guidelines():
    return render_template("moderation/guidelines.html", rules=RULES)
