"""Pages: who looked at my data, the purpose form staff fill in first, and the holds admins approve."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet import access_log, access_purpose
from civicnet.access_log import CATEGORIES
from civicnet.accounts.permissions import check_admin, is_moderator
from civicnet.accounts.services import find_user_by_username, usernames
from civicnet.datarights import bp
from civicnet.datarights.forms import ApproveHoldForm, PurposeForm
from civicnet.db_types import utcnow
from civicnet.errors import ServiceError
from civicnet.extensions import db
from civicnet.forms import apply_service_error
from civicnet.transactions import commit
from civicnet.urls import safe_next_url

PER_PAGE = 25


@bp.route("/account/data/access")
@login_required
def access():
    category = request.args.get("category") or None
    if category is not None and category not in CATEGORIES:
        category = None
    page = db.paginate(
        access_log.entries_for(current_user.id, category), per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE
    )
    hidden, until = access_log.hidden_now(current_user.id)
    return render_template(
        "datarights/access.html",
        page=page,
        entries=page.items,
        category=category,
        categories=CATEGORIES,
        hidden=hidden,
        until=until,
    )


@bp.route("/access/purpose", methods=["GET", "POST"])
@login_required
def purpose():
    if not is_moderator(current_user):
        abort(403)
    member = find_user_by_username(str(request.args.get("member", ""))[:30])
    if member is None:
        abort(404)
    back = safe_next_url(request.args.get("next")) or url_for("moderation.member_page", username=member.username)
    form = PurposeForm()
    if form.validate_on_submit():
        look = access_log.Look(form.purpose.data, ("account",), form.case_ref.data or "", form.note.data or "")
        hold_days = int(form.hold_days.data)
        try:
            access_log.check(look)
            if hold_days:
                access_log.check_hold(current_user, look.purpose, utcnow() + timedelta(days=hold_days))
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            access_purpose.remember(member.id, look.purpose, look.case_ref, look.note, hold_days)
            return redirect(back)
    return render_template("datarights/purpose.html", form=form, member=member), 400 if form.errors else 200


@bp.route("/admin/access-holds", methods=["GET", "POST"])
@login_required
def holds():
    """Looks an administrator asked to keep from the member: a second administrator approves them."""
    check_admin(current_user)
    form = ApproveHoldForm()
    if form.validate_on_submit():
        try:
            access_log.approve_hold(current_user, request.form.get("hold_id", type=int))
        except ServiceError as error:
            flash(error.message)
        else:
            commit()
            flash("Approved: the member sees this look when its date comes.")
        return redirect(url_for("datarights.holds"))
    pending = access_log.pending_holds()
    return render_template("datarights/holds.html", holds=pending, form=form, people=_names(pending))


def _names(holds) -> dict[int, str]:
    """Administrators see who looked, at whom and who asked (members never do)."""
    ids = set()
    for hold in holds:
        ids |= {hold.requested_by_id, hold.entry.subject_id, hold.entry.actor_id}
    return usernames(ids - {None})


@bp.route("/admin/access-log")
@login_required
def all_looks():
    """Every look at members' data with who looked (members see only the role)."""
    check_admin(current_user)
    page = db.paginate(access_log.newest_first(), per_page=50, error_out=False, max_per_page=50)
    entries = page.items
    people = usernames({e.actor_id for e in entries} | {e.subject_id for e in entries})
    return render_template("datarights/all_looks.html", page=page, entries=entries, people=people)
