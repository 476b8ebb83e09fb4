"""Servers for tests: a free port, start a process and wait until its HTTP port answers (or any probe holds), stop
processes, the dashboards served over a home.

Every process starts in its own process group with SIGTERM at its default action, and is stopped by signalling
that group. The default action matters: an in-process Dagster execution (``capture_interrupts``) sets this
process's SIGTERM handler to whatever SIGINT's was, and when pytest was started in the background by a
non-interactive shell, SIGINT is ignored, so SIGTERM became ignored too, and an ignored signal is inherited
across exec: every server then ignored SIGTERM and each teardown waited the whole timeout before SIGKILL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


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


@contextmanager
def default_sigterm() -> Iterator[None]:
    """For the duration, SIGTERM is at its default action in this process if it was ignored (see the module
    docstring), so that processes started meanwhile do not inherit an ignored SIGTERM. Only the main thread can
    change a handler; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def start_process(cmd: Sequence[str], **popen_kwargs) -> subprocess.Popen:
    """``subprocess.Popen(cmd, **popen_kwargs)`` as the leader of a new process group, with SIGTERM at its default
    action; ``stop_processes`` stops it and its children."""
    with default_sigterm():
        proc = subprocess.Popen(list(cmd), process_group=0, **popen_kwargs)
    proc.leads_group = True  # type: ignore[attr-defined]
    return proc


def _signal(proc: subprocess.Popen, sig: signal.Signals) -> None:
    """Send ``sig`` to the process group ``proc`` leads (started by ``start_process``; the group outlives its
    leader, and Linux reuses no PID that still names a group), else to ``proc`` while it runs."""
    if getattr(proc, "leads_group", False):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    elif proc.poll() is None:
        proc.send_signal(sig)


def stop_processes(*procs: subprocess.Popen | Server, timeout: float = 30) -> None:
    """Stop server processes and their process groups: SIGTERM, then SIGKILL whatever is still up after
    ``timeout`` seconds (a loaded machine can take a while to tear down a big process; a teardown must not fail
    a test for that)."""
    popens = [p.proc if isinstance(p, Server) else p for p in procs]
    for proc in popens:
        _signal(proc, signal.SIGTERM)
    for proc in popens:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
            proc.wait(timeout=timeout)
        if getattr(proc, "leads_group", False):
            _signal(proc, signal.SIGKILL)  # children the leader left behind, if any


def wait_for(probe: Callable[[], T | None], timeout: float, what: str, logs: Sequence[Path] = (),
             every: float = 0.5) -> T:
    """The first truthy value of ``probe()``, polled every ``every`` seconds for at most ``timeout``; else the test
    fails naming ``what``, with the end of each of ``logs``. An AssertionError that ``probe`` raises (a process
    that died) fails the test at once."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log}\n{_tail(log, 4000)}" for log in logs)
            raise AssertionError(f"{what}: not within {timeout:.0f} s\n{tails}")
        time.sleep(every)


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
        proc = start_process(cmd, env=dict(env) if env is not None else None, cwd=cwd, stdout=fh,
                             stderr=subprocess.STDOUT)
    server = Server(proc, url, log)
    last: int | None = None

    def ready() -> bool:
        nonlocal last
        if proc.poll() is not None:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode} before {url}{ready_path} answered; "
                                 f"log {log}:\n{server.log_tail()}")
        last = answers(url + ready_path)
        return last is not None and last in ready_status

    try:
        wait_for(ready, timeout, f"{' '.join(cmd)}: {url}{ready_path} ready", [log], every=0.25)
    except AssertionError as exc:
        exited = proc.poll() is not None
        stop_processes(proc)  # and whatever it started
        if exited:
            raise  # the message says so, with its log
        state = "nothing answered" if last is None else f"last answer was HTTP {last}"
        raise AssertionError(f"{exc}\n({state})") from None
    return server


@contextmanager
def running_server(cmd: Sequence[str], **kwargs) -> Iterator[Server]:
    """``start_server(cmd, **kwargs)`` for the duration of the block, stopped afterwards."""
    server = start_server(cmd, **kwargs)
    try:
        yield server
    finally:
        stop_processes(server)


@contextmanager
def running_dashboards(home: Path, log: Path, env: Mapping[str, str] | None = None,
                       secret: str = "test-secret") -> Iterator[Server]:
    """`dashboards.app.serve` over ``home`` on a free port of 127.0.0.1 (this process's environment with
    SCN_HOME=home and SCN_SECRET_KEY=secret; ``env`` adds or overrides variables), ready once /login answers,
    stopped afterwards; stdout and stderr go to ``log``."""
    port = free_port()
    env = {**os.environ, "SCN_HOME": str(home), "SCN_SECRET_KEY": secret, **(env or {})}
    with running_server([sys.executable, "-c", f"from dashboards.app import serve; serve('127.0.0.1', {port})"],
                        port=port, ready_path="/login", ready_status=range(200, 400), env=env, log=log) as srv:
        yield srv


def _tail(path: Path, chars: int) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError as exc:
        return f"(no log: {exc})"
