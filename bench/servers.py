"""What the benchmarks share: a snapshot of civicnet, servers and Redis started and stopped on 127.0.0.1,
and a look at the machine. Every wait is bounded."""

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
SNAPSHOT_PARTS = ("app.py", "civicnet", "migrations", "templates", "static")


def git(*words: str) -> str:
    return subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True).stdout


def snapshot_civicnet(work: Path, commit: str = "HEAD") -> tuple[Path, dict]:
    """Extract civicnet as committed, so every round runs one version while others edit the working tree."""
    target = work / "civicnet-snapshot"
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *SNAPSHOT_PARTS], cwd=ROOT, capture_output=True, timeout=60
    )
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {commit} failed: {archive.stderr.decode()[-1000:]}")
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    digest = hashlib.sha1()
    for path in sorted((target / "civicnet").rglob("*.py")):
        digest.update(path.relative_to(target).as_posix().encode() + path.read_bytes())
    code = {"commit": git("rev-parse", "--short", commit).strip(), "uncommitted": [], "digest": digest.hexdigest()[:12]}
    return target, code


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_copy(template: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return target


@dataclass
class Started:
    """Server processes started by the bench, each in a process group of its own."""

    processes: list[subprocess.Popen]
    ports: list[int]
    logs: list[Path]
    database: Path | None = None

    def log_tail(self) -> str:
        return "\n".join(log.read_text()[-2000:] for log in self.logs if log.exists())

    def stop(self) -> None:
        """End each process and whatever it started, by its group id: TERM, then KILL after 10 s."""
        for process in self.processes:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
                try:
                    process.wait(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    continue
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # anything it left behind in its group


def wait_until_ready(process: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer on port {port} within {timeout}s:\n{log.read_text()[-3000:]}")


def start(commands: list[list[str]], envs: list[dict], stem: Path, port_flag: bool = False) -> Started:
    """Start each command on a free port (`--port N`, or PORT in its environment) and wait for it to answer."""
    started = Started([], [], [])
    try:
        for number, (command, env) in enumerate(zip(commands, envs, strict=True)):
            port, log = free_port(), stem.with_name(f"{stem.name}-{number}.log")
            if port_flag:
                command = [*command, "--port", str(port)]
            else:
                env = {**env, "PORT": str(port), "BASE_URL": f"http://127.0.0.1:{port}"}
            with log.open("w") as output:
                process = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
                )
            started.processes.append(process)
            started.ports.append(port)
            started.logs.append(log)
            wait_until_ready(process, port, log)
    except BaseException:
        started.stop()
        raise
    return started


@contextmanager
def redis_server(work: Path, enabled: bool = True):
    """A throwaway redis-server on a free 127.0.0.1 port, nothing saved; yields its URL ("" if not enabled)."""
    if not enabled:
        yield ""
        return
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    log = work / f"redis-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "--dir", str(work)], stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Started([process], [port], [log])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"redis-server did not start:\n{server.log_tail()}")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.stop()


def machine_busy() -> float:
    """Seconds of CPU used so far by the whole machine (all cores), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(budget: list[float], threshold: float = 0.5, longest: float = 8) -> float:
    """Wait (at most `longest` s, and within what is left of `budget`) until other work on the machine
    uses under `threshold` of a core; return the load seen last. The machine may be shared."""
    deadline = time.monotonic() + min(longest, budget[0])
    started = time.monotonic()
    load = 0.0
    while True:
        before = machine_busy()
        time.sleep(1)
        load = machine_busy() - before
        if load < threshold or time.monotonic() >= deadline:
            break
    budget[0] = max(0.0, budget[0] - (time.monotonic() - started))
    return round(load, 2)


def versions() -> dict:
    from importlib.metadata import version

    def node_package(name: str) -> str:
        return json.loads((BENCH / "node_modules" / name / "package.json").read_text())["version"]

    names = ("flask", "flask-socketio", "python-socketio", "python-engineio", "gevent", "gevent-websocket")
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, timeout=10).stdout
    return {
        "python": sys.version.split()[0],
        "node": subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10).stdout.strip(),
        "socket.io": node_package("socket.io"),
        "socket.io-client": node_package("socket.io-client"),
        "redis-server": next((w[2:] for w in redis.split() if w.startswith("v=")), "?"),
        **{name: version(name) for name in (*names, "sqlalchemy")},
    }


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line), "?")
    debian = Path("/etc/debian_version")
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "kernel": os.uname().release,
        "os": f"Debian {debian.read_text().strip()}" if debian.exists() else os.uname().sysname,
    }
