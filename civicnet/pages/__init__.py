"""Pages about civicnet itself: home, about, accessibility and privacy."""

from flask import Blueprint

bp = Blueprint("pages", __name__)
