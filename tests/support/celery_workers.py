"""The celery executor's moving parts for tests: a Redis broker (Debian's ``redis-server``, installed by `make
system-deps`) on loopback with a random port, and Celery worker processes of the platform's app
(``orchestration.celery_app``), started as deploy/celery/README.md says and stopped afterwards."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import redis
from celery import Celery

from tests.support.cli import BIN, REPO
from tests.support.servers import free_port, start_process, stop_processes, wait_for


@contextmanager
def running_redis(root: Path) -> Iterator[str]:
    """``redis-server`` on 127.0.0.1 with a random port, nothing persisted (files under ``root``); yields the broker
    URL ``redis://127.0.0.1:PORT/0``."""
    server = shutil.which("redis-server")
    assert server, "redis-server is not installed: `make test` installs Debian's redis-server"
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = root / "redis.log"
    with log.open("w") as fh:
        proc = start_process([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                              "--dir", str(root)], stdout=fh, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)

        def answers() -> bool:
            assert proc.poll() is None, f"redis-server exited {proc.returncode}:\n{log.read_text()[-2000:]}"
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, 30, "redis-server answering PING", [log])
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_processes(proc)


@contextmanager
def running_celery_workers(names: Sequence[str], env: Mapping[str, str], log_dir: Path,
                           timeout: float = 180) -> Iterator[list[subprocess.Popen]]:
    """One ``celery -A orchestration.celery_app worker`` per name (node ``NAME@%h``, one step at a time each, the
    code location loaded once before the worker forks its step process) with
    environment ``env`` (scn_env with ``SCN_CELERY_BROKER``), waited for until every one answers a ping through the
    broker, stopped afterwards. Logs: ``log_dir/worker-NAME.log``."""
    broker = env["SCN_CELERY_BROKER"]
    log_dir.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    try:
        for name in names:
            with (log_dir / f"worker-{name}.log").open("w") as fh:
                procs.append(start_process(
                    [str(BIN / "celery"), "-A", "orchestration.celery_app", "worker", "-Q", "dagster", "-c", "1",
                     "--prefetch-multiplier=1", "-I", "orchestration.definitions", "-n", f"{name}@%h", "-l", "INFO",
                     "--without-gossip", "--without-mingle"], env=dict(env), cwd=REPO, stdout=fh, stderr=subprocess.STDOUT))
        app = Celery(broker=broker)

        def all_answer() -> bool:
            for name, proc in zip(names, procs, strict=True):
                assert proc.poll() is None, f"worker {name} exited {proc.returncode}:\n" \
                    f"{(log_dir / f'worker-{name}.log').read_text(errors='replace')[-4000:]}"
            replies = app.control.ping(timeout=1.0) or []
            return {n.split("@", 1)[0] for reply in replies for n in reply} >= set(names)

        wait_for(all_answer, timeout, f"celery workers {', '.join(names)} answering a ping",
                 [log_dir / f"worker-{name}.log" for name in names])
        app.close()
        yield procs
    finally:
        stop_processes(*procs)
