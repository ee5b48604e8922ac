"""Direct messages: conversations between a few members, built as private rooms of the kind `direct`,
with who may message whom, blocking, and the list of a member's conversations."""

from flask import Blueprint

bp = Blueprint("direct", __name__)
