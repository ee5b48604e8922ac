"""Pages about civicnet itself (home, about, accessibility and privacy), and a signed-in member's home."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from civicnet.datarights.holdings import HOLDINGS
from civicnet.forms import FlaskForm
from civicnet.pages import bp
from civicnet.pages import home as sections  # the view below is called home
from civicnet.profiles import services as profiles
from civicnet.tags.services import popular_tags


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("pages/home.html", tags=popular_tags()[:12])
    return render_template(
        "pages/member_home.html",
        first_steps=sections.first_steps(current_user),
        first_steps_hidden=sections.first_steps_hidden(current_user),
        my_rooms=sections.my_rooms(current_user),
        mentions=sections.mentions(current_user),
        mentoring=sections.open_mentoring(current_user),
        suggested=sections.suggestions(current_user),
    )


@bp.route("/first-steps/<any(hide, show):choice>", methods=["POST"])
@login_required
def first_steps(choice: str):
    if FlaskForm().validate_on_submit():
        profiles.show_first_steps(current_user, shown=choice == "show")
        flash("Your first steps are shown again" if choice == "show" else "Your first steps are hidden")
    return redirect(url_for("pages.home", _anchor="first-steps" if choice == "show" else None))


@bp.route("/about")
def about():
    return render_template("pages/about.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template(
        "pages/privacy.html",
        holdings=HOLDINGS,
        notice={k[8:].lower(): v for k, v in current_app.config.items() if k.startswith("PRIVACY_")},
    )
