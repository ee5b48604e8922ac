"""Start test servers and commands as `python app.py` and `python -m flask` do, without each paying for
its imports again.

A new interpreter spends about 1.2 s of CPU importing Flask, SQLAlchemy, Socket.IO, gevent, Whoosh, Huey
and the rest before civicnet's own code runs, and the tests start dozens of servers, workers and
indexers. This helper process imports those libraries once, then forks a child for each process asked
for. The child takes that process's environment, working directory and log, and runs app.py as
__main__ (or a module, as `python -m` does): civicnet's own modules (whose configuration is read from
the environment when they are imported) are imported fresh in every child.

Since civicnet reads its configuration when an app is made (civicnet.config), not when it is imported,
this process imports civicnet too, and makes one app to fill two caches its children share: each
URL rule's compiled parts (tests/compiled.py) and the compiled templates, kept in a directory of this
process's own so that a template one child compiled is loaded, not compiled, by the next.

`forkserver.py gevent` first does what app.py does first (gevent's monkey-patching), for servers;
`forkserver.py plain` does not, for `flask` commands, which run unpatched.

Run by tests/launcher.py; it speaks JSON lines on stdin and stdout:
  {"spawn": [argv...], "env": {...}, "cwd": "...", "log": "path"}  ->  {"pid": N}
  {"poll": N}                                                       ->  {"code": null | exit code}
argv is a script and its arguments, or "-m", a module and its arguments. An exit code is given as
subprocess does: the status, or minus the signal that ended the process."""

import os
import sys

if sys.argv[1:] == ["gevent"]:
    from gevent import monkey

    monkey.patch_all()  # first, as app.py does
    from gevent.os import fork_gevent as fork  # the child starts gevent afresh

    # This process never runs gevent's loop, so it reaps its children itself: the patched waitpid
    # would wait for the loop to notice them.
    waitpid = monkey.get_original("os", "waitpid")
else:
    fork, waitpid = os.fork, os.waitpid

import atexit
import importlib
import json
import runpy
import shutil
import tempfile
import threading
import traceback

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


def warm_up() -> None:
    """Import civicnet and make one app, so that children start from shared compiled rules and templates."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from jinja2 import FileSystemBytecodeCache

    from civicnet.config import TestConfig
    from civicnet.factory import Civicnet, create_app
    from tests.compiled import share_url_builders

    share_url_builders()
    scratch = tempfile.mkdtemp(prefix="civicnet-forkserver-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    templates = os.path.join(scratch, "templates")
    os.mkdir(templates)
    Civicnet.jinja_options = {**Civicnet.jinja_options, "bytecode_cache": FileSystemBytecodeCache(templates)}
    create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        SEARCH_INDEX_DIR=os.path.join(scratch, "search-index"),
        EXPORT_DIR=os.path.join(scratch, "exports"),
        UPLOADS_DIR=os.path.join(scratch, "uploads"),
    )
    # Making the app started short timers (the rate limiter's memory store expires its counts after 10
    # ms): let them end here, or each child would start them as threads it does not have.
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=5)
    sys.path.pop(0)


def run_child(request: dict, reply: int) -> None:
    """In the forked child: become the process asked for, with its environment, and never return."""
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
        argv = request["spawn"]
        if argv[0] == "-m":
            sys.argv = argv[1:]
            sys.path[0] = request["cwd"]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            script = os.path.join(request["cwd"], argv[0])
            sys.argv = list(argv)
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
    warm_up()
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    ended: dict[int, int] = {}
    print(json.dumps({"ready": os.getpid()}), file=reply)
    for line in sys.stdin:
        request = json.loads(line)
        if "spawn" in request:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = fork()
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
