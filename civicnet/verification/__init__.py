"""Verified public servants: an official email address, then a moderator's attestation."""

from flask import Blueprint

bp = Blueprint("verification", __name__)
