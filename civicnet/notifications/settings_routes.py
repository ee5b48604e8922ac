"""/account/notifications: what a member hears about and how; /unsubscribe: one-click unsubscribe."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet.extensions import csrf
from civicnet.forms import FlaskForm
from civicnet.notifications import bp, preferences, unsubscribing
from civicnet.notifications.forms import settings_form
from civicnet.transactions import commit


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    user = current_user._get_current_object()
    events = preferences.events_for(user)
    email = preferences.email_settings(user.id)
    form = settings_form(user, preferences.channels_of(user), email, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        for event in events:
            preferences.set_channel(user, event.key, form[f"event_{event.key}"].data)
        email.digest = form.digest.data
        email.private_text = form.private_text.data == "text"
        commit()
        flash("Your notification settings are saved.")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, events=events, channels=preferences.CHANNELS)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # a mail client's one-click POST carries no cookie and no form token (RFC 8058)
def unsubscribe(token: str):
    found = unsubscribing.read(token)
    if found is None:
        return render_template("notifications/unsubscribe_invalid.html"), 404
    user, events = found
    stopped = unsubscribing.unsubscribe(user, events)
    commit()
    if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
        return {"ok": True, "unsubscribed": stopped}
    return render_template("notifications/unsubscribed.html", token=token, stopped=stopped, form=FlaskForm())


@bp.route("/unsubscribe/<token>/everything", methods=["POST"])
def unsubscribe_everything(token: str):
    found = unsubscribing.read(token)
    if found is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        unsubscribing.unsubscribe_from_everything(found[0])
        commit()
    return render_template("notifications/unsubscribed.html", token=token, everything=True, form=FlaskForm())
