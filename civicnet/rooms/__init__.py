"""Rooms: real-time discussion with history, presence, mentions and a no-JavaScript fallback."""

from flask import Blueprint

bp = Blueprint("rooms", __name__)
