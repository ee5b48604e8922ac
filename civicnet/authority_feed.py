"""How changes of authority made in other processes reach this one: announced on the Socket.IO queue
when Redis is there (ahead of any later event), and polled from the table in any case."""

import logging
import time

from flask import Flask
from sqlalchemy import delete, select

from civicnet.connections import KEEP_FOR, LOOK_BACK, AuthorityChange, apply_change, change_key, registry
from civicnet.db_types import utcnow
from civicnet.extensions import db, socketio

log = logging.getLogger(__name__)


def poll_changes(app: Flask) -> None:
    """Apply the changes other processes committed since the last look, and forget old ones."""
    since = utcnow() - LOOK_BACK
    found = registry(app)
    rows = db.session.scalars(select(AuthorityChange).where(AuthorityChange.created_at >= since))
    for change in rows:
        if change_key(change) not in found.applied:
            apply_change(app, change)
    with found._lock:
        for key, at in list(found.applied.items()):
            if at < since - LOOK_BACK:
                del found.applied[key]


def prune(app: Flask) -> int:
    """Delete rows every process has had time to see."""
    result = db.session.execute(delete(AuthorityChange).where(AuthorityChange.created_at < utcnow() - KEEP_FOR))
    db.session.commit()
    return result.rowcount


def _heard(app: Flask, data) -> None:
    """Another process announced a change: apply it now (in the queue's listener, before later events)."""
    if isinstance(data, list | tuple) and len(data) == 1:  # the queue carries an event's arguments
        data = data[0]
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return
    try:
        with app.app_context():
            change = db.session.get(AuthorityChange, data["id"])
            if change is not None:
                apply_change(app, change)
            db.session.remove()
    except Exception:
        log.exception("Could not apply an announced change of authority; the poll will")


def start_poller(app: Flask) -> None:
    """Listen for, and poll for, other processes' changes in the background of this server (once)."""
    found = registry(app)
    interval = app.config["AUTHORITY_POLL_INTERVAL"]
    if found.poller_started or not interval:
        return
    found.poller_started = True
    manager = socketio.server.manager
    if hasattr(manager, "on_authority_change"):
        manager.on_authority_change = lambda data: _heard(app, data)

    def run() -> None:
        last_prune = 0.0
        while True:
            try:
                with app.app_context():
                    poll_changes(app)
                    if time.monotonic() - last_prune > 600:
                        prune(app)
                        last_prune = time.monotonic()
                    db.session.remove()
            except Exception:
                log.exception("Could not read authority changes; trying again")
            socketio.sleep(interval)

    socketio.start_background_task(run)
