"""Verification pages: the member's request and status, moderators' attestation queue, admins' domains."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet.access_log import Look
from civicnet.access_purpose import look_at
from civicnet.accounts.permissions import check_admin, is_moderator
from civicnet.errors import ServiceError
from civicnet.forms import apply_service_error
from civicnet.verification import bp, services
from civicnet.verification.forms import DecideForm, DomainForm, StartForm


@bp.route("/account/verification", methods=["GET", "POST"])
@login_required
def status():
    form = StartForm()
    if form.validate_on_submit():
        try:
            services.start(current_user, form.email.data, form.organisation.data, form.job_title.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"We have sent a link to {form.email.data.strip().lower()}. Follow it to confirm the address.")
            return redirect(url_for("verification.status"))
    return render_template(
        "verification/status.html",
        form=form,
        current=services.current(current_user),
        history=services.history(current_user),
    ), 400 if form.errors else 200


@bp.route("/account/verification/confirm/<token>")
def confirm(token: str):
    services.confirm(token)
    flash("Thank you: your work address is confirmed. A moderator will now check your details.")
    return redirect(url_for("verification.status") if current_user.is_authenticated else url_for("accounts.sign_in"))


@bp.route("/account/verification/end", methods=["POST"])
@login_required
def withdraw():
    try:
        services.withdraw(current_user)
    except ServiceError as error:
        flash(error.message)
    else:
        flash("Your verification has ended. You can change your name and organisation, then verify again.")
    return redirect(url_for("verification.status"))


@bp.route("/moderation/verifications")
@login_required
def queue():
    if not is_moderator(current_user):
        abort(403)
    return render_template("verification/queue.html", waiting=services.waiting())


@bp.route("/moderation/verifications/<int:verification_id>", methods=["GET", "POST"])
@login_required
def decide(verification_id: int):
    if not is_moderator(current_user):
        abort(403)
    verification = services.get(verification_id)
    implied = Look("verification", (), case_ref=f"verification #{verification.id}")
    look_at(current_user, verification.user, ("verification", "email"), implied)
    form = DecideForm()
    if form.validate_on_submit():
        try:
            services.decide(current_user, verification_id, form.decision.data == "approve", form.reason.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Recorded: {verification.user.display_name} is {verification.status}.")
            return redirect(url_for("verification.queue"))
    return render_template("verification/decide.html", verification=verification, form=form), (
        400 if form.errors else 200
    )


@bp.route("/admin/domains", methods=["GET", "POST"])
@login_required
def domains():
    check_admin(current_user)
    form = DomainForm()
    if form.validate_on_submit():
        try:
            added = services.add_domain(current_user, form.domain.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Added {added.domain}")
            return redirect(url_for("verification.domains"))
    return render_template("verification/domains.html", form=form, domains=services.domains()), (
        400 if form.errors else 200
    )


@bp.route("/admin/domains/<int:domain_id>/delete", methods=["POST"])
@login_required
def remove_domain(domain_id: int):
    check_admin(current_user)
    try:
        ended = services.remove_domain(current_user, domain_id)
    except ServiceError as error:
        flash(error.message)
    else:
        flash(f"Removed. {ended} verification{'s' if ended != 1 else ''} ended with it.")
    return redirect(url_for("verification.domains"))
