"""Accounts: registration, email verification, sign-in, passwords and roles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
