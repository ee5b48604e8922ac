"""Start test servers as `python app.py` does, without each one paying for its imports again.

A new interpreter spends about 1.2 s of CPU importing Flask, SQLAlchemy, Socket.IO, gevent, Whoosh, Huey
and the rest before civicnet's own code runs, and the tests start dozens of servers. This helper process
does once what app.py does first (gevent's monkey-patching) and imports those libraries, then forks a
child for each server. The child takes the server's environment, working directory and log, and runs
app.py as __main__ exactly as `python app.py` would: civicnet's own modules (whose configuration is
read from the environment when they are imported) are imported fresh in every child.

Run by tests/servers.py; it speaks JSON lines on stdin and stdout:
  {"spawn": [argv...], "env": {...}, "cwd": "...", "log": "path"}  ->  {"pid": N}
  {"poll": N}                                                       ->  {"code": null | exit code}
An exit code is given as subprocess does: the status, or minus the signal that ended the process."""

from gevent import monkey

monkey.patch_all()  # first, as app.py does

import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402

from gevent.os import fork_gevent  # noqa: E402

# This process never runs gevent's loop, so it reaps its children itself: the patched waitpid would
# wait for the loop to notice them.
waitpid = monkey.get_original("os", "waitpid")

# What civicnet imports from outside itself (a module missing here is still imported by the child,
# only more slowly).
LIBRARIES = [
    "alembic",
    "argon2",
    "bleach",
    "dotenv",
    "engineio.async_drivers.gevent",
    "flask",
    "flask_limiter",
    "flask_login",
    "flask_mail",
    "flask_migrate",
    "flask_socketio",
    "flask_sqlalchemy",
    "flask_talisman",
    "flask_wtf",
    "geventwebsocket.handler",
    "govuk_frontend_jinja",
    "govuk_frontend_wtf.main",
    "huey",
    "jinja2",
    "linkify_it",
    "markdown_it",
    "psycopg",
    "redis",
    "socketio",
    "socketio.redis_manager",
    "sqlalchemy",
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.orm",
    "werkzeug",
    "whoosh.index",
    "whoosh.qparser",
    "whoosh.sorting",
    "wtforms",
]


def run_child(request: dict, reply: int) -> None:
    """In the forked child: become `python app.py` with the request's environment, and never return."""
    code = 1
    try:
        # Standard input from /dev/null and output to the log, as Popen gives them; the requests'
        # pipes are left to this process alone (fd 0 must stay taken, or a socket opened later
        # becomes the stdin its own subprocesses inherit).
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        for fd in (log, null, reply):
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        script = os.path.join(request["cwd"], request["spawn"][0])
        sys.argv = list(request["spawn"])
        sys.path[0] = os.path.dirname(script)
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as error:
        code = error.code if isinstance(error.code, int) else (0 if error.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def exit_code(status: int) -> int:
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def serve() -> None:
    """Answer requests until the tests close stdin."""
    for name in LIBRARIES:
        importlib.import_module(name)
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    ended: dict[int, int] = {}
    print(json.dumps({"ready": os.getpid()}), file=reply)
    for line in sys.stdin:
        request = json.loads(line)
        if "spawn" in request:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = fork_gevent()  # the child starts gevent afresh
            if pid == 0:
                run_child(request, reply.fileno())
            print(json.dumps({"pid": pid}), file=reply)
        elif "poll" in request:
            pid = request["poll"]
            if pid not in ended:
                done, status = waitpid(pid, os.WNOHANG)
                if done:
                    ended[pid] = exit_code(status)
            print(json.dumps({"code": ended.get(pid)}), file=reply)


if __name__ == "__main__":
    serve()
