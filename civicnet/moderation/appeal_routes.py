"""Moderation pages for appeals: a moderator deciding one, and the member reading the decision and
appealing it (signed in, or from the link in the statement of reasons while suspended)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet.access_log import Look
from civicnet.access_purpose import look_at
from civicnet.errors import NotFound, ServiceError
from civicnet.extensions import db
from civicnet.forms import apply_service_error
from civicnet.moderation import appeals, bp, statements
from civicnet.moderation.forms import AppealForm, DecideAppealForm
from civicnet.moderation.items import find_item
from civicnet.moderation.routes import moderators_only
from civicnet.moderation.rules import RULES


@bp.route("/moderation/appeals/<int:appeal_id>", methods=["GET", "POST"])
@login_required
def appeal_page(appeal_id: int):
    moderators_only()
    found = appeals.get_appeal(appeal_id)
    if found.action.subject is not None:
        look_at(current_user, found.action.subject, ("reports",), Look("appeal", (), case_ref=f"appeal #{found.id}"))
    form = DecideAppealForm()
    if form.validate_on_submit():
        try:
            appeals.decide(current_user, appeal_id, form.outcome.data, form.decision_note.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Appeal decided: {found.outcome}. The member has been told.")
            return redirect(url_for("moderation.queue_page"))
    status = 400 if form.errors else 200
    return render_template("moderation/appeal.html", appeal=found, action=found.action, form=form), status


def _render_decision(action, form: AppealForm, token: str | None = None, status: int = 200):
    return render_template(
        "moderation/decision.html",
        action=action,
        item=find_item(action.item_type, action.item_id) if action.item_type else None,  # named by its label
        rule=RULES.get(action.reason),
        deadline=appeals.appeal_deadline(action),
        problem=appeals.why_not_appealable(action.subject_id, action),
        form=form,
        token=token,
        is_subject=(current_user.is_authenticated and current_user.id == action.subject_id) or token is not None,
    ), status


def _decision_form(action, user, token=None):
    form = AppealForm()
    if form.validate_on_submit():
        try:
            appeals.appeal(user, action.id, form.note.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash("Your appeal has been sent. A different moderator will decide it, and you will be told the outcome.")
            target = (
                url_for("moderation.decision_by_token", token=token)
                if token
                else url_for("moderation.decision", action_id=action.id)
            )
            return redirect(target)
    return _render_decision(action, form, token, 400 if form.errors else 200)


@bp.route("/decisions/<int:action_id>", methods=["GET", "POST"])
@login_required
def decision(action_id: int):
    action = appeals.get_action(action_id)
    if not appeals.can_see_decision(current_user, action):
        raise NotFound("There is no such decision")
    return _decision_form(action, current_user)


@bp.route("/decisions/link/<token>", methods=["GET", "POST"])
def decision_by_token(token: str):
    """The emailed link: works for a suspended member, who cannot sign in."""
    found = statements.action_for_token(token)
    action = db.session.get(appeals.ModerationAction, found[0]) if found else None
    if action is None or action.subject_id != found[1]:
        raise NotFound("This link is not valid any more. Sign in and open your notifications instead")
    return _decision_form(action, action.subject, token)
