"""The JSON API for token clients, and personal access tokens."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
