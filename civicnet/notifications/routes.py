"""/notifications: the member's notifications, opening one, and marking them all read."""

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet.forms import FlaskForm
from civicnet.notifications import bp, services
from civicnet.notifications.kinds import render


@bp.app_template_global()
def unread_notifications() -> int:
    """The signed-in member's unread notification count, for the header."""
    return services.unread_count(current_user.id) if current_user.is_authenticated else 0


@bp.route("/notifications")
@login_required
def index():
    groups = services.grouped(current_user)
    unread = services.unread_ids(current_user)
    return render_template("notifications/index.html", groups=groups, unread=unread)


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Follow a notification's link, marking it read on the way."""
    notification = services.open_notification(current_user, notification_id)
    shown = render(notification) if notification is not None else None
    if shown is None:
        abort(404)
    # The path only: the member stays on the address they use (BASE_URL is for emails).
    target = urlsplit(shown.url)
    return redirect(target.path + (f"#{target.fragment}" if target.fragment else ""))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    if FlaskForm().validate_on_submit():
        conversation = request.form.get("conversation", "")[:40] or None
        marked = services.mark_all_read(current_user, conversation)
        if conversation:
            flash(f"{marked} marked as read" if marked else "Nothing there was unread")
        else:
            flash("All your notifications are marked as read" if marked else "You had no unread notifications")
    return redirect(url_for("notifications.index"))
