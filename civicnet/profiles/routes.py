"""Profile, directory and skill-tag pages."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from civicnet import signals
from civicnet.accounts.services import role_choices
from civicnet.errors import Invalid, NotFound, SearchUnavailable
from civicnet.forms import FlaskForm, apply_service_error, choices
from civicnet.profiles import bp, services
from civicnet.profiles.forms import PeopleFilterForm, ProfileForm
from civicnet.tags import follows
from civicnet.tags import services as tag_services
from civicnet.tags.models import HELP, LEARN
from civicnet.transactions import commit


@bp.route("/people")
def directory():
    form = PeopleFilterForm(request.args)
    form.role.choices = choices([("", "Any role"), *role_choices()])
    page = request.args.get("page", 1, type=int)
    people, tag, found, unavailable = None, None, None, False
    if form.validate():
        try:
            tag = tag_services.get_tag(form.tag.data) if form.tag.data else None
            if tag:
                form.tag.data = tag.name  # a link from a tag page carries its address; show its name
            if form.q.data and form.q.data.strip():
                # Words: the same search as /search, narrowed to people, with the same filters.
                filters = {
                    "tag": tag.slug if tag else "",
                    "role": form.role.data or "",
                    "region": form.region.data or "",
                }
                found = signals.answer(signals.find_people, current_user, words=form.q.data, filters=filters, page=page)
            else:
                people = services.people_page(
                    current_user, max(page, 1), tag=tag, role=form.role.data or "", region=form.region.data or ""
                )
        except NotFound:
            form.tag.errors.append(
                f"There is no skill tag called “{form.tag.data}”. Check the spelling or browse all tags"
            )
        except Invalid as error:
            apply_service_error(form, error)
        except SearchUnavailable:
            unavailable = True
    return render_template(
        "profiles/directory.html", form=form, people=people, tag=tag, found=found, unavailable=unavailable
    )


@bp.route("/people/<username>")
def show(username: str):
    user = services.get_visible_profile(current_user, username)
    return render_template(
        "profiles/show.html",
        user=user,
        help_tags=tag_services.user_tags(user, HELP),
        learn_tags=tag_services.user_tags(user, LEARN),
    )


def profile_form(user) -> ProfileForm:
    """The profile form as the member last saved it."""
    profile = user.profile
    return ProfileForm(
        formdata=None,
        data=dict(
            display_name=user.display_name,
            pronouns=profile.pronouns,
            organisation=profile.organisation,
            job_title=profile.job_title,
            region=profile.region or "",
            bio=profile.bio_markdown,
            visibility=profile.visibility,
            help_tags=", ".join(tag.name for tag in tag_services.user_tags(user, HELP)),
            learn_tags=", ".join(tag.name for tag in tag_services.user_tags(user, LEARN)),
            followed_tags=", ".join(tag.name for tag in follows.followed_tags(user)),
        ),
    )


def render_edit(form: ProfileForm):
    """The profile page's edit form (the photo has a page of its own: civicnet.profiles.photo_routes)."""
    return render_template("profiles/edit.html", form=form)


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit():
    user = current_user._get_current_object()
    if request.method == "GET":
        return render_edit(profile_form(user))
    form = ProfileForm()
    if form.validate_on_submit():
        fields = {name: (form[name].data or "") for name in services.ProfileChanges.__dataclass_fields__}
        fields["bio"] = form.bio.data or ""
        try:
            followed = follows.checked_follows("followed_tags", form.followed_tags.data)
            services.update_profile(user, user, services.ProfileChanges(**fields))
            follows.replace_follows(user, followed)
            commit()
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash("Your profile has been saved")
            return redirect(url_for("profiles.show", username=user.username))
    return render_edit(form)


@bp.route("/tags")
def tags():
    return render_template("profiles/tags.html", tags=tag_services.popular_tags())


@bp.route("/tags/suggest")
def suggest_tags():
    query = request.args.get("q", "")[:60]
    return jsonify(tags=[{"slug": tag.slug, "name": tag.name} for tag in tag_services.suggest_tags(query)])


@bp.route("/tags/<slug>")
def tag(slug: str):
    tag = tag_services.get_tag(slug)
    if tag.slug != slug:
        return redirect(url_for("profiles.tag", slug=tag.slug), 301)
    following = current_user.is_authenticated and follows.follows(current_user, tag)
    return render_template(
        "profiles/tag.html", tag=tag, holders=services.tag_holders(current_user, tag), following=following
    )


@bp.route("/tags/<slug>/follow", methods=["POST"])
@login_required
def follow_tag(slug: str):
    """Follow or stop following a tag (the tag page's button)."""
    tag = tag_services.get_tag(slug)
    if FlaskForm().validate_on_submit():
        if request.form.get("follow") == "no":
            follows.unfollow(current_user, tag)
            flash(f"You no longer follow {tag.name}")
        else:
            follows.follow(current_user, tag)
            flash(f"You follow {tag.name}: new rooms and mentors on it will come in your digest")
        commit()
    return redirect(url_for("profiles.tag", slug=tag.slug))
