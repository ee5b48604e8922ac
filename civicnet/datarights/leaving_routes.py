"""Pages: deleting my account (with 14 days to change my mind), and keeping it after all."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from civicnet.accounts import sessions
from civicnet.accounts import tokens as signed
from civicnet.accounts.models import User
from civicnet.datarights import bp, leaving
from civicnet.datarights.forms import LeaveForm
from civicnet.errors import ServiceError
from civicnet.extensions import db
from civicnet.forms import apply_service_error

CANCEL_MAX_AGE = 3600  # seconds between signing in and pressing "Keep my account"


@bp.route("/account/data/leave", methods=["GET", "POST"])
@login_required
def leave():
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            user = leaving.start_leaving(current_user, form.password.data, form.messages.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            erase_at = user.erase_at
            logout_user()
            return render_template("datarights/left.html", erase_at=erase_at)
    return render_template("datarights/leave.html", form=form, grace_days=leaving.GRACE.days)


@bp.route("/account/leaving/cancel", methods=["POST"])
def cancel_leaving():
    data = signed.read_token(signed.CANCEL_LEAVING, request.form.get("token", ""), max_age=CANCEL_MAX_AGE)
    user = db.session.get(User, data.get("uid")) if data else None
    if user is None or data.get("v") != user.session_version or user.erase_at is None:
        flash("That link has run out. Sign in again to keep your account.")
        return redirect(url_for("accounts.sign_in"))
    leaving.cancel_leaving(user)
    login_user(sessions.begin_session(user))
    flash("Your account is no longer being deleted. Everything is as it was.")
    return redirect(url_for("datarights.overview"))
