"""Pages: the rights request queue for administrators (/admin/requests)."""

from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet.accounts.permissions import check_admin
from civicnet.datarights import bp, requests
from civicnet.datarights.forms import CloseForm, ExtendForm, RightsRequestForm
from civicnet.db_types import utcnow
from civicnet.errors import ServiceError
from civicnet.forms import apply_service_error


def _admins_only() -> None:
    check_admin(current_user)


@bp.route("/admin/requests")
@login_required
def request_queue():
    _admins_only()
    waiting, closed = requests.queue(current_user)
    return render_template(
        "datarights/requests.html", waiting=waiting, closed=closed, now=utcnow(), kinds=requests.KINDS
    )


@bp.route("/admin/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    _admins_only()
    form = RightsRequestForm()
    if form.validate_on_submit():
        try:
            found = requests.record(
                current_user,
                received_at=datetime.combine(form.received_at.data, datetime.min.time(), tzinfo=UTC),
                channel=form.channel.data,
                kind=form.kind.data,
                requester=form.requester.data,
                username=form.username.data or "",
                details=form.details.data or "",
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Recorded. Answer by {found.due_at:%-d %B %Y}.")
            return redirect(url_for("datarights.request_page", request_id=found.id))
    return render_template("datarights/new_request.html", form=form)


@bp.route("/admin/requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def request_page(request_id: int):
    _admins_only()
    found = requests.get(current_user, request_id)
    extend_form, close_form = ExtendForm(prefix="extend"), CloseForm(prefix="close")
    for form, act in (
        (
            extend_form,
            lambda: requests.extend(current_user, request_id, int(extend_form.months.data), extend_form.reason.data),
        ),
        (
            close_form,
            lambda: requests.close(current_user, request_id, close_form.outcome.data, close_form.note.data or ""),
        ),
    ):
        if form.submit.data and form.validate_on_submit():
            try:
                act()
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                flash("Saved.")
                return redirect(url_for("datarights.request_page", request_id=request_id))
    return render_template(
        "datarights/request.html",
        found=found,
        extend_form=extend_form,
        close_form=close_form,
        now=utcnow(),
        channels=requests.CHANNELS,
        kinds=requests.KINDS,
        outcomes=requests.OUTCOMES,
    )
