"""Data for the citizen, by the citizen: what civicnet holds about a member and for how long, every look
at it by someone acting in a role (civicnet.access_log), and the purpose form those screens ask first."""

from flask import Blueprint

bp = Blueprint("datarights", __name__)
