"""Mentoring pages: finding a mentor, offers, requests and the dashboard."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet.errors import ServiceError
from civicnet.forms import apply_service_error
from civicnet.mentoring import bp, offers, requests
from civicnet.mentoring.forms import DeclineForm, FeedbackForm, GoalForm, OfferForm, RequestForm, SummaryForm
from civicnet.tags.models import HELP, LEARN
from civicnet.tags.services import user_tags


@bp.app_template_global("mentoring_request_in_room")
def mentoring_request_in_room(room_id: int):
    """For a mentoring room's page: the request it belongs to, so the two people can go back to it (and
    complete it there)."""
    return requests.request_in_room(current_user, room_id)


@bp.route("/mentoring", methods=["GET", "POST"])
@login_required
def index():
    form = GoalForm()
    goal = offers.goal_of(current_user)
    if request.method == "GET":
        form.learn_tags.data = ", ".join(tag.name for tag in user_tags(current_user, LEARN))
        form.description.data = goal.description if goal else ""
    elif form.validate_on_submit():
        try:
            offers.save_goal(current_user, form.description.data, form.learn_tags.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            found = len(offers.suggestions(current_user))
            flash(
                f"Saved. {found} mentor{'s' if found != 1 else ''} can help with what you want to learn."
                if found
                else "Saved. No open offer matches your tags yet: try broader tags, or look again later."
            )
            return redirect(url_for("mentoring.index", _anchor="suggestions"))
    return render_template(
        "mentoring/index.html",
        form=form,
        suggestions=offers.suggestions(current_user),
        wanted=user_tags(current_user, LEARN),
        my_offer=offers.offer_of(current_user),
        can_offer=offers.can_offer(current_user),
    ), 400 if form.errors else 200


@bp.route("/mentoring/offer", methods=["GET", "POST"])
@login_required
def offer():
    if not offers.can_offer(current_user):
        abort(403)
    mine = offers.offer_of(current_user)
    help_tags = user_tags(current_user, HELP)
    form = OfferForm()
    form.tags.choices = [(tag.slug, tag.name) for tag in help_tags]
    if request.method == "GET" and mine is not None:
        form.tags.data = [tag.slug for tag in mine.tags]
        form.description.data, form.calls_note.data = mine.description, mine.calls_note
        form.availability.data, form.capacity.data = mine.availability, str(mine.capacity)
    elif request.method == "GET":
        form.capacity.data = "1"
    elif form.validate_on_submit():
        details = offers.OfferDetails(
            tags=form.tags.data or [],
            description=form.description.data,
            calls_note=form.calls_note.data or "",
            availability=form.availability.data or "",
            capacity=form.capacity.data,
        )
        try:
            offers.save_offer(current_user, details)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash("Your mentoring offer is saved")
            return redirect(url_for("mentoring.dashboard"))
    return render_template("mentoring/offer.html", form=form, offer=mine, help_tags=help_tags), (
        400 if form.errors else 200
    )


@bp.route("/mentoring/offer/pause", methods=["POST"])
@login_required
def pause():
    paused = request.form.get("paused") == "1"
    try:
        offers.set_paused(current_user, paused)
    except ServiceError as error:
        flash(error.message)
    else:
        flash("Your offer is paused: nobody new is matched with you" if paused else "Your offer is open again")
    return redirect(url_for("mentoring.dashboard"))


@bp.route("/mentoring/offers/<int:offer_id>", methods=["GET", "POST"])
@login_required
def offer_page(offer_id: int):
    found = offers.get_offer(offer_id)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            made = requests.ask(current_user, offer_id, form.message.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Your request has been sent to {found.mentor.display_name}. You will be told when they answer.")
            return redirect(url_for("mentoring.request_page", request_id=made.id))
    wanted = {tag.slug for tag in user_tags(current_user, LEARN)}
    return render_template("mentoring/offer_page.html", offer=found, form=form, wanted=wanted), (
        400 if form.errors else 200
    )


@bp.route("/mentoring/requests/<int:request_id>")
@login_required
def request_page(request_id: int):
    requests.expire_due()  # an overdue request must not show an Accept button
    found = requests.get_request(current_user, request_id, why="Following a report about it")
    return _render_request(found)


def _render_request(found, status: int = 200, **forms):
    forms.setdefault("decline_form", DeclineForm(formdata=None))
    forms.setdefault("feedback_form", FeedbackForm(formdata=None))
    forms.setdefault("summary_form", SummaryForm(formdata=None))
    failed = [form for form in forms.values() if form.errors]
    return render_template("mentoring/request.html", found=found, failed=failed, **forms), status


ACTIONS = {"accept", "decline", "complete", "cancel", "feedback", "summary"}


@bp.route("/mentoring/requests/<int:request_id>/<action>", methods=["POST"])
@login_required
def act(request_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    found = requests.get_request(current_user, request_id)
    forms = {}
    try:
        if action == "accept":
            requests.accept(current_user, request_id)
            flash("Accepted. A private room for the two of you is open.")
        elif action == "decline":
            form = forms["decline_form"] = DeclineForm()
            if not form.validate_on_submit():
                return _render_request(found, 400, **forms)
            requests.decline(current_user, request_id, form.reason.data)
            flash("Declined. The member has been told.")
        elif action in ("complete", "cancel"):
            requests.end(current_user, request_id, completed=action == "complete")
            flash("Completed. The room stays readable for you both." if action == "complete" else "Cancelled.")
        elif action == "feedback":
            form = forms["feedback_form"] = FeedbackForm()
            if not form.validate_on_submit():
                return _render_request(found, 400, **forms)
            helpful = {"yes": True, "no": False}.get(form.helpful.data)
            requests.leave_feedback(current_user, request_id, helpful, form.feedback.data)
            flash("Thank you for your feedback.")
        else:
            form = forms["summary_form"] = SummaryForm()
            if not form.validate_on_submit():
                return _render_request(found, 400, **forms)
            requests.write_summary(current_user, request_id, form.summary.data)
            flash("Summary saved.")
    except ServiceError as error:
        if forms:
            apply_service_error(next(iter(forms.values())), error)
            return _render_request(found, error.status, **forms)
        flash(error.message)
    return redirect(url_for("mentoring.request_page", request_id=request_id))


@bp.route("/mentoring/dashboard")
@login_required
def dashboard():
    mine = requests.requests_of(current_user)
    return render_template(
        "mentoring/dashboard.html",
        offer=offers.offer_of(current_user),
        can_offer=offers.can_offer(current_user),
        to_answer=[r for r in mine["as_mentor"] if r.status == "pending"],
        mentees=[r for r in mine["as_mentor"] if r.status == "accepted"],
        past_as_mentor=[r for r in mine["as_mentor"] if r.status not in ("pending", "accepted")],
        my_requests=mine["as_mentee"],
    )
