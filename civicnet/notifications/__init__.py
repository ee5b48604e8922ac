"""Notifications: one record per thing a member should know about, whichever capability it comes from.

A capability registers each kind it sends with a renderer (civicnet.notifications.kinds) and calls
`notify(recipient, kind, subject_id)`; this package stores it, delivers it live after the commit, and
lists it on /notifications."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
