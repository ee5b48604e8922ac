"""Profiles: what members tell each other about themselves, and skill tags."""

from flask import Blueprint

bp = Blueprint("profiles", __name__)
