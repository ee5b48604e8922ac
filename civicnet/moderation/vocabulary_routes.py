"""The words moderators look after: the word filter, and skill tags' names (renaming and merging)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet.accounts.permissions import is_moderator
from civicnet.errors import Invalid, NotFound, ServiceError
from civicnet.forms import apply_service_error
from civicnet.moderation import bp, filters, records
from civicnet.moderation.forms import MergeTagForm, RenameTagForm, WordForm
from civicnet.moderation.routes import moderators_only
from civicnet.tags import services as tag_services


@bp.route("/moderation/words", methods=["GET", "POST"])
@login_required
def words():
    moderators_only()
    form = WordForm()
    if form.validate_on_submit():
        try:
            filters.add_word(current_user, form.phrase.data, form.action.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(f"Added “{form.phrase.data.strip().lower()}” to the word filter")
            return redirect(url_for("moderation.words"))
    return render_template(
        "moderation/words.html", form=form, words=filters.word_filters()
    ), 400 if form.errors else 200


@bp.route("/moderation/words/<int:word_id>/delete", methods=["POST"])
@login_required
def delete_word(word_id: int):
    moderators_only()
    try:
        filters.remove_word(current_user, word_id)
    except ServiceError as error:
        flash(error.message)
    else:
        flash("Removed from the word filter")
    return redirect(url_for("moderation.words"))


@bp.route("/tags/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_tag(slug: str):
    if not is_moderator(current_user):
        abort(403)
    tag = tag_services.get_tag(slug)
    rename_form, merge_form = RenameTagForm(prefix="rename"), MergeTagForm(prefix="merge")
    if rename_form.submit.data and rename_form.validate_on_submit():
        try:
            records.rename_tag(current_user, tag, rename_form.name.data, rename_form.reason.data)
        except Invalid as error:
            apply_service_error(rename_form, error)
        else:
            flash(f"Tag renamed to “{tag.name}”")
            return redirect(url_for("profiles.tag", slug=tag.slug))
    elif merge_form.submit.data and merge_form.validate_on_submit():
        try:
            target = tag_services.get_tag(merge_form.target.data)
            records.merge_tags(current_user, tag, target, merge_form.reason.data)
        except NotFound:
            merge_form.target.errors.append(f"There is no skill tag called “{merge_form.target.data}”")
        except Invalid as error:
            apply_service_error(merge_form, error)
        else:
            flash(f"Tag merged into “{target.name}”")
            return redirect(url_for("profiles.tag", slug=target.slug))
    return render_template("moderation/edit_tag.html", tag=tag, rename_form=rename_form, merge_form=merge_form)
