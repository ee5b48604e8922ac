"""The test side of tests/forkserver.py: start `python app.py` servers and `python -m flask` commands from
processes that have already imported civicnet's libraries, and handle each as a subprocess.Popen (pid,
poll, wait, signals)."""

import atexit
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ForkServer:
    """One tests/forkserver.py process, started on first use and ended with the test run."""

    def __init__(self, mode: str) -> None:
        self.mode = mode  # "gevent" (for servers) or "plain"
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def _ask(self, request: dict) -> dict:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = subprocess.Popen(
                    [sys.executable, str(ROOT / "tests" / "forkserver.py"), self.mode],
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    bufsize=1,
                )
                self._read()  # {"ready": pid}
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            return self._read()

    def _read(self) -> dict:
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the test fork server ended (exit code {self._process.wait()})")
        return json.loads(line)

    def spawn(self, argv: list[str], env: dict, cwd: Path, log: Path) -> "ForkedProcess":
        """Start argv (a script under cwd, or "-m" and a module) as __main__ in a forked child, writing
        to log."""
        reply = self._ask({"spawn": argv, "env": env, "cwd": str(cwd), "log": str(log)})
        return ForkedProcess(self, reply["pid"], argv)

    def poll(self, pid: int) -> int | None:
        return self._ask({"poll": pid})["code"]

    def close(self) -> None:
        with self._lock:
            if self._process and self._process.poll() is None:
                self._process.stdin.close()
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()


class ForkedProcess:
    """A child of the fork server, with the part of subprocess.Popen's interface the tests use."""

    def __init__(self, server: ForkServer, pid: int, args: list[str]) -> None:
        self.server, self.pid, self.args = server, pid, args
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.poll(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


SERVERS = ForkServer("gevent")
COMMANDS = ForkServer("plain")
atexit.register(SERVERS.close)
atexit.register(COMMANDS.close)


def flask_command(*args: str, env: dict, log: Path) -> ForkedProcess:
    """`python -m flask --app app ARGS...` in the project folder, as a forked child writing to log."""
    return COMMANDS.spawn(["-m", "flask", "--app", "app", *args], env, ROOT, log)
