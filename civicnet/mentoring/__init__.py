"""Mentoring: verified public servants offer help on skill tags; citizens are matched and request it."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__)
