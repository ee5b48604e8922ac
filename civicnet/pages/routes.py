"""Static pages."""

from flask import current_app, render_template

from civicnet.datarights.holdings import HOLDINGS
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
    return render_template(
        "pages/privacy.html",
        holdings=HOLDINGS,
        notice={k[8:].lower(): v for k, v in current_app.config.items() if k.startswith("PRIVACY_")},
    )
