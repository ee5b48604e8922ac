"""The technology register: reviewed, evidence-based entries on which technology offers are real and
which are to be avoided, made from room conversations, signed off by a citizen and a verified public
servant together, and published as open data."""

from flask import Blueprint

bp = Blueprint("register", __name__)
