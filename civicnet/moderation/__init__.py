"""Moderation with due process: reports, a queue, actions with reasons, appeals, an audit log, transparency."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
