"""Page: a member's privacy settings (/account/privacy)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet.errors import Invalid
from civicnet.forms import apply_service_error
from civicnet.profiles import bp
from civicnet.profiles.forms import PrivacyForm
from civicnet.profiles.privacy import PrivacySettings, settings_of, update_privacy


@bp.route("/account/privacy", methods=["GET", "POST"])
@login_required
def privacy():
    user = current_user._get_current_object()
    current = settings_of(user)
    form = PrivacyForm(
        data={
            "visibility": current.visibility,
            "listed": "yes" if current.listed else "no",
            "suggest_as_mentor": "yes" if current.suggest_as_mentor else "no",
            "mentions_from": current.mentions_from,
        }
    )
    if form.validate_on_submit():
        chosen = PrivacySettings(
            form.visibility.data,
            form.listed.data == "yes",
            form.suggest_as_mentor.data == "yes",
            form.mentions_from.data,
        )
        try:
            update_privacy(user, user, chosen)
        except Invalid as error:
            apply_service_error(form, error)
        else:
            flash("Your privacy settings are saved.")
            return redirect(url_for("profiles.privacy"))
    return render_template("profiles/privacy.html", form=form)
