"""Servers for tests: a free port, start a process and wait until its HTTP port answers, stop processes."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    """A started server process, the base URL it answers on and the file its stdout and stderr go to."""

    proc: subprocess.Popen
    url: str
    log: Path

    def log_tail(self, chars: int = 6000) -> str:
        return _tail(self.log, chars)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def stop_processes(*procs: subprocess.Popen | Server, timeout: float = 30) -> None:
    """Stop server processes: SIGTERM, then SIGKILL whatever is still up after ``timeout`` seconds (a loaded
    machine can take a while to tear down a big process; a teardown must not fail a test for that)."""
    popens = [p.proc if isinstance(p, Server) else p for p in procs]
    for proc in popens:
        if proc.poll() is None:
            proc.terminate()
    for proc in popens:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


def answers(url: str, timeout: float = 2) -> int | None:
    """The HTTP status ``url`` answers with (4xx and 5xx included), or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def start_server(cmd: Sequence[str], *, port: int, ready_path: str = "/", host: str = "127.0.0.1",
                 env: Mapping[str, str] | None = None, cwd: Path | str | None = None, log: Path | None = None,
                 timeout: float = 120, ready_status: range = range(100, 500)) -> Server:
    """Start ``cmd`` (which must listen on ``host:port``) and wait until ``GET ready_path`` answers with a status
    in ``ready_status`` (default: anything but a 5xx). ``env`` is the whole environment (default: this process's).
    stdout and stderr go to ``log`` (default: a new file in the temp directory). If the process exits or
    ``timeout`` seconds pass first, the process is stopped and an AssertionError carries the end of its log."""
    if log is None:
        with tempfile.NamedTemporaryFile(prefix=f"scn-test-server-{port}-", suffix=".log", delete=False) as tmp:
            log = Path(tmp.name)
    log.parent.mkdir(parents=True, exist_ok=True)
    url = f"http://{host}:{port}"
    with log.open("wb") as fh:
        proc = subprocess.Popen(list(cmd), env=dict(env) if env is not None else None, cwd=cwd, stdout=fh,
                                stderr=subprocess.STDOUT)
    server = Server(proc, url, log)
    deadline = time.monotonic() + timeout
    last: int | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode} before {url}{ready_path} answered; "
                                 f"log {log}:\n{server.log_tail()}")
        last = answers(url + ready_path)
        if last is not None and last in ready_status:
            return server
        time.sleep(0.25)
    stop_processes(proc)
    state = "nothing answered" if last is None else f"last answer was HTTP {last}"
    raise AssertionError(f"{' '.join(cmd)}: {url}{ready_path} not ready after {timeout:.0f} s ({state}); "
                         f"log {log}:\n{server.log_tail()}")


@contextmanager
def running_server(cmd: Sequence[str], **kwargs) -> Iterator[Server]:
    """``start_server(cmd, **kwargs)`` for the duration of the block, stopped afterwards."""
    server = start_server(cmd, **kwargs)
    try:
        yield server
    finally:
        stop_processes(server)


def _tail(path: Path, chars: int) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError as exc:
        return f"(no log: {exc})"
