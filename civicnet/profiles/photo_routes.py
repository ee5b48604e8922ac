"""A member's photo: uploading and removing it (on the profile's edit page), serving it, and the
`avatar_url` every page's `avatar` macro asks for."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet import storage
from civicnet.accounts.photos import SMALL, initials, photo_url
from civicnet.application import takes_uploads
from civicnet.errors import Invalid
from civicnet.forms import FlaskForm, apply_service_error, uploaded_bytes
from civicnet.profiles import bp, photos
from civicnet.profiles.forms import PhotoForm
from civicnet.profiles.services import can_view_profile

# A photo's address changes with every upload, so a browser may keep one for a year.
PHOTO_MAX_AGE = 365 * 24 * 3600

bp.add_app_template_global(initials)


@bp.app_template_global()
def avatar_url(user, size: str = SMALL) -> str | None:
    """The member's photo for this page's viewer: None without one, or if the viewer may not see their profile."""
    url = photo_url(user, size)
    return url if url is not None and can_view_profile(current_user, user) else None


@bp.route("/profile/photo", methods=["GET", "POST"])
@login_required
@takes_uploads(photos.upload_limit)
def upload_photo():
    """The photo's own page: upload one (a centred square) or remove it."""
    user = current_user._get_current_object()
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            photos.set_photo(user, user, uploaded_bytes(form.photo.data, photos.max_bytes()))
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash("Your photo has been saved. It is shown beside your name.")
            return redirect(url_for("profiles.edit", _anchor="your-photo"))
    return render_template("profiles/photo.html", photo_form=form, photo_hint=photos.photo_hint())


@bp.route("/profile/photo/remove", methods=["POST"])
@login_required
def remove_photo():
    user = current_user._get_current_object()
    if FlaskForm().validate_on_submit():
        photos.remove_photo(user, user)
        flash("Your photo has been removed. Your initials are shown instead.")
    return redirect(url_for("profiles.edit", _anchor="your-photo"))


@bp.route("/people/<username>/photo/<name>")
@storage.file_view
def photo(username: str, name: str):
    """A member's photo, to those who may see their profile (404 to anyone else, as the profile is)."""
    user, key = photos.photo_to_serve(current_user, username, name)
    extension = key.rsplit(".", 1)[-1]
    response = storage.serve(key, f"{user.username}.{extension}", as_attachment=False, max_age=PHOTO_MAX_AGE)
    response.cache_control.immutable = True
    return response
