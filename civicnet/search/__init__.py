"""Search across people, rooms and messages with Whoosh."""

from flask import Blueprint

bp = Blueprint("search", __name__)
