"""Run civicnet: `python app.py` serves it with gevent; `flask --app app ...` runs commands."""

if __name__ == "__main__":
    # Patch before anything imports socket or threading, so every wait yields to other requests.
    from gevent import monkey

    monkey.patch_all()

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import gevent

from civicnet.config import served_address
from civicnet.extensions import db, socketio
from civicnet.factory import create_app

app = create_app()
log = logging.getLogger("civicnet.app")


@app.shell_context_processor
def shell_context() -> dict:
    from civicnet.accounts.models import User
    from civicnet.profiles.models import Profile
    from civicnet.tags.models import Tag, UserTag

    return {"db": db, "User": User, "Profile": Profile, "Tag": Tag, "UserTag": UserTag}


class ChildCommand:
    """A `flask` command run as a child of this server (the search indexer, the jobs worker): started
    with it, restarted if it dies, stopped with it.

    A child process rather than a thread, so that its work takes none of the server's CPU time; a child
    rather than a second command in the Makefile, so that `python app.py` alone (and every test server)
    runs exactly what `make run` runs, and the child can watch its parent and never outlive it."""

    RESTART_SECONDS = 1.0

    def __init__(self, name: str, *args: str, niceness: int = 0) -> None:
        self.name, self.niceness = name, niceness
        self.command = [sys.executable, "-m", "flask", "--app", str(Path(__file__).resolve()), *args]
        self.command += ["--parent-pid", str(os.getpid())]
        self.process: subprocess.Popen | None = None
        self.stopping = False

    def start(self) -> None:
        self._spawn()
        socketio.start_background_task(self._watch)

    def _spawn(self) -> None:
        self.process = subprocess.Popen(self.command)
        if self.niceness:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, self.niceness)

    def _watch(self) -> None:
        while not self.stopping:
            code = self.process.wait()
            if self.stopping or code == 0:  # 0: it was asked to stop (Ctrl+C reaches it too)
                return
            log.warning("the %s stopped (exit code %s): starting it again", self.name, code)
            socketio.sleep(self.RESTART_SECONDS)
            if not self.stopping:
                self._spawn()

    def stop(self) -> None:
        self.stopping = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def children() -> list[ChildCommand]:
    """What runs beside the server, as the configuration says."""
    started = []
    if app.config["SEARCH_INDEXER"]:
        # Indexing can wait; members' messages cannot: on a small machine the indexer otherwise takes
        # CPU from the server at the moments it is busiest (measured: ack p99 224 ms against 123 ms).
        started.append(ChildCommand("search indexer", "search", "indexer", niceness=10))
    if app.config["JOBS_WORKER"] and not app.config["JOBS_IMMEDIATE"]:
        started.append(ChildCommand("jobs worker", "jobs", "worker", niceness=5))
    return started


if __name__ == "__main__":
    host, port = app.config["SERVER_HOST"], app.config["SERVER_PORT"]
    # SIGTERM and Ctrl+C stop the server gracefully (requests in flight get a second to finish), then
    # its children. Through gevent, in a greenlet of their own: Python's own handler raised
    # KeyboardInterrupt in whichever greenlet was running, and a Socket.IO handler busy with the
    # database swallowed it, so the server went on until it was killed.
    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, socketio.stop)
    running = children()
    for child in running:
        child.start()  # the indexer rebuilds a missing index at once, before anyone searches
    print(f"civicnet is running ({socketio.async_mode}): open {served_address()}/ (Ctrl+C to stop).", flush=True)
    try:
        socketio.run(app, host=host, port=port)
    except KeyboardInterrupt:
        pass
    finally:
        for child in running:
            child.stop()
