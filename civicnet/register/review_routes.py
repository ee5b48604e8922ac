"""Register pages around an entry: evidence and deployments, sign-off and review, the supplier's right
of reply, consent for private-room messages, the review queue, and the open data."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet.errors import ServiceError
from civicnet.forms import FlaskForm, apply_service_error
from civicnet.register import bp, entries, opendata, reviews
from civicnet.register import evidence as evidence_rules
from civicnet.register.forms import CommentForm, DeploymentForm, EvidenceForm, ReplyForm, ReviewedForm, SupplierForm
from civicnet.register.models import CONSENT_ASKED
from civicnet.register.routes import message_ids


def _form_page(entry, form, title: str, save, done, anchor: str | None = None):
    """One small form about an entry: on a valid post, save (the service call) and go back to the entry
    saying `done` (a text, or a function of nothing for one that needs the saved state); a broken rule
    is shown on the form."""
    if form.validate_on_submit():
        try:
            save()
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(done() if callable(done) else done)
            return redirect(url_for("register.show", slug=entry.slug, _anchor=anchor))
    return render_template("register/simple_form.html", form=form, entry=entry, title=title)


@bp.route("/technology/<slug>/evidence", methods=["GET", "POST"])
@login_required
def add_evidence(slug: str):
    entry = entries.get_entry(current_user, slug)
    form = EvidenceForm()

    def save():
        cited = message_ids(form.message.data or "")
        evidence_rules.add_evidence(
            current_user,
            entry,
            form.kind.data,
            form.summary.data,
            form.url.data,
            form.dated.data,
            form.conflict.data or "",
            message_id=cited[0] if cited else None,
        )

    return _form_page(entry, form, "Add evidence", save, "Evidence added", "evidence")


@bp.route("/technology/<slug>/comments", methods=["POST"])
@login_required
def comment(slug: str):
    entry = entries.get_entry(current_user, slug)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            evidence_rules.add_comment(current_user, entry, form.body.data)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash("Your comment is added")
    else:
        flash(form.body.errors[0] if form.body.errors else "Write your comment", "error")
    return redirect(url_for("register.show", slug=entry.slug, _anchor="comments"))


@bp.route("/technology/<slug>/deployments", methods=["GET", "POST"])
@login_required
def add_deployment(slug: str):
    entry = entries.get_entry(current_user, slug)
    form = DeploymentForm()

    def save():
        evidence_rules.add_deployment(
            current_user,
            entry,
            form.organisation.data,
            form.started.data,
            form.ended.data,
            form.outcome.data,
            form.cost.data,
        )

    return _form_page(entry, form, "Add a deployment", save, "Deployment added", "deployments")


@bp.route("/technology/<slug>/sign-off", methods=["POST"])
@login_required
def sign_off(slug: str):
    entry = entries.get_entry(current_user, slug)
    try:
        reviews.sign_off(current_user, entry)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            "Published: both kinds of reviewer have signed it off" if entry.is_published else "You have signed it off"
        )
    return redirect(url_for("register.show", slug=entry.slug))


@bp.route("/technology/<slug>/reviewed", methods=["GET", "POST"])
@login_required
def reviewed(slug: str):
    entry = entries.get_entry(current_user, slug)
    form = ReviewedForm()
    return _form_page(
        entry,
        form,
        "Confirm the entry still holds",
        lambda: reviews.mark_reviewed(current_user, entry, int(form.months.data)),
        lambda: f"Reviewed: next review by {entry.review_by:%-d %B %Y}",
    )


@bp.route("/technology/<slug>/reply", methods=["GET", "POST"])
@login_required
def reply(slug: str):
    entry = entries.get_entry(current_user, slug)
    form = ReplyForm(data={"reply": entry.supplier_reply} if request.method == "GET" else None)
    return _form_page(
        entry,
        form,
        "The supplier's reply",
        lambda: reviews.write_reply(current_user, entry, form.reply.data),
        "Your reply is published on the entry, marked as the supplier's",
        "supplier-reply",
    )


@bp.route("/technology/<slug>/supplier", methods=["GET", "POST"])
@login_required
def supplier(slug: str):
    entry = entries.get_entry(current_user, slug)
    form = SupplierForm()
    return _form_page(
        entry,
        form,
        "Give the supplier a right of reply",
        lambda: reviews.give_right_of_reply(current_user, entry, form.username.data),
        lambda: f"{entry.supplier_member.display_name} may now write the supplier's reply",
    )


@bp.route("/technology/consent/<int:evidence_id>", methods=["GET", "POST"])
@login_required
def consent(evidence_id: int):
    item = evidence_rules.consent_request(current_user, evidence_id)
    if request.method == "POST" and FlaskForm().validate_on_submit():
        give = request.form.get("answer") == "yes"
        evidence_rules.answer_consent(current_user, evidence_id, give)
        flash("Thank you: your message is cited on the entry" if give else "Your message will not be shown")
        return redirect(url_for("register.show", slug=item.entry.slug))
    cited = evidence_rules.for_its_author(item)
    return render_template("register/consent.html", item=item, cited=cited, asked=item.consent == CONSENT_ASKED)


@bp.route("/technology/review")
@login_required
def review_queue():
    return render_template("register/review_queue.html", entries=reviews.review_queue(), missing=reviews.missing)


@bp.route("/technology.json")
def as_json():
    response = Response(opendata.json_text(), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@bp.route("/technology.csv")
def as_csv():
    response = Response(opendata.as_csv(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "inline; filename=technology.csv"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/technology/data")
def data():
    return render_template("register/data.html", fields=opendata.FIELDS)
