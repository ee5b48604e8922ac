"""Static pages."""

from flask import render_template

from civicnet.pages import bp
from civicnet.tags.services import popular_tags


@bp.route("/")
def home():
    return render_template("pages/home.html", tags=popular_tags()[:12])


@bp.route("/about")
def about():
    return render_template("pages/about.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")
