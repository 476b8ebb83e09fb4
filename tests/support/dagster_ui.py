"""The real Dagster webserver and daemon (what `make ui` starts) on an SCN_HOME instance, and GraphQL queries to
the webserver."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import requests

from tests.support.cli import BIN, REPO
from tests.support.servers import free_port, start_process, start_server, stop_processes, wait_for

T = TypeVar("T")


@dataclass(frozen=True)
class DagsterUI:
    """A running webserver (``url``) and daemon whose output goes to ``daemon_log``."""

    url: str
    daemon_log: Path
    web_log: Path

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> dict:
        """The ``data`` of a GraphQL answer; a GraphQL error fails the test with the error."""
        response = requests.post(f"{self.url}/graphql", json={"query": query, "variables": dict(variables or {})},
                                 timeout=60)
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def logs(self, chars: int = 4000) -> str:
        """The end of the daemon's and the webserver's logs (for assertion messages)."""
        tail = lambda p: p.read_text(errors="replace")[-chars:] if p.exists() else "(no log)"  # noqa: E731
        return f"daemon log:\n{tail(self.daemon_log)}\nwebserver log:\n{tail(self.web_log)}"

    def wait_for(self, probe: Callable[[], T | None], timeout: float, what: str, every: float = 2) -> T:
        """The first truthy value of ``probe()``, polled every ``every`` seconds for at most ``timeout``; else the
        test fails naming ``what``, with the end of the daemon's and the webserver's logs."""
        return wait_for(probe, timeout, what, [self.daemon_log, self.web_log], every)


@contextmanager
def running_daemon(home: Path, env: Mapping[str, str]) -> Iterator[Path]:
    """The instance prepared under ``home/dagster`` and ``dagster-daemon`` (run queue, sensors, schedules) on the
    platform's code location with environment ``env`` (scn_env), stopped afterwards; yields its log file."""
    subprocess.run([str(BIN / "python"), "-c", "from orchestration.instance import prepare_dagster_home; "
                    "prepare_dagster_home()"], env=dict(env), cwd=REPO, check=True)
    daemon_log = home / "daemon.log"
    with daemon_log.open("w") as log:
        daemon = start_process([str(BIN / "dagster-daemon"), "run", "-m", "orchestration.definitions"],
                               env=dict(env), cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield daemon_log
    finally:
        stop_processes(daemon)


@contextmanager
def running_dagster(home: Path, env: Mapping[str, str]) -> Iterator[DagsterUI]:
    """`make ui` on ``home``: the instance prepared under ``home/dagster``, ``dagster-daemon`` and
    ``dagster-webserver`` on the platform's code location with environment ``env`` (scn_env), both stopped
    afterwards."""
    web_log = home / "webserver.log"
    with running_daemon(home, env) as daemon_log:
        port = free_port()
        web = start_server([str(BIN / "dagster-webserver"), "-m", "orchestration.definitions", "-h", "127.0.0.1",
                            "-p", str(port)], port=port, ready_path="/server_info", ready_status=range(200, 400),
                           env=env, cwd=REPO, log=web_log, timeout=180)
        try:
            yield DagsterUI(web.url, daemon_log, web_log)
        finally:
            stop_processes(web)
