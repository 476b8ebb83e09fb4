"""`make ui`: the real Dagster webserver and daemon on an SCN_HOME instance show one connected asset graph."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
import requests

from tests.support.cli import BIN, REPO, scn_env
from tests.support.marts import MARTS
from tests.support.servers import free_port, start_server, stop_processes

GRAPH_QUERY = """
{ assetNodes { assetKey { path } groupName dependencyKeys { path } hasAssetChecks } }
"""
DAEMON_QUERY = """
{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }
"""


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("scn-ui")
    env = scn_env(home)
    subprocess.run([str(BIN / "python"), "-c", "from orchestration.instance import prepare_dagster_home; "
                    "prepare_dagster_home()"], env=env, cwd=REPO, check=True)
    with (home / "daemon.log").open("w") as log:
        daemon = subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-m", "orchestration.definitions"],
                                  env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        port = free_port()
        web = start_server([str(BIN / "dagster-webserver"), "-m", "orchestration.definitions", "-h", "127.0.0.1",
                            "-p", str(port)], port=port, ready_path="/server_info", ready_status=range(200, 400),
                           env=env, cwd=REPO, log=home / "webserver.log", timeout=180)
        try:
            yield web.url
        finally:
            stop_processes(web)
    finally:
        stop_processes(daemon)


def _graphql(url: str, query: str) -> dict:
    response = requests.post(f"{url}/graphql", json={"query": query}, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_one_connected_graph_from_raw_files_to_snapshot(dagster_ui: str) -> None:
    nodes = _graphql(dagster_ui, GRAPH_QUERY)["assetNodes"]
    key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    deps = {k: {"/".join(d["path"]) for d in n["dependencyKeys"]} for k, n in key.items()}
    assert "serving/snapshot" in key and "lake/posts" in key and "warehouse/cell_month" in key
    # everything reaches the snapshot, and the snapshot reaches back to every ingest asset
    upstream: set[str] = set()
    frontier = {"serving/snapshot"}
    while frontier:
        upstream |= frontier
        frontier = {d for k in frontier for d in deps.get(k, ())} - upstream
    ingest = {k for k, n in key.items() if n["groupName"] == "ingest"}
    assert ingest - {"lake/quarantine", "lake/ingest_log"} <= upstream
    marts = {k for k in key if k.removeprefix("warehouse/") in MARTS}
    assert marts and marts <= upstream
    # every dbt model hangs off Python assets: staging models depend on lake tables
    staging = {k: deps[k] for k in key if k.startswith("warehouse/stg_")}
    assert staging and all(any(d.startswith("lake/") for d in ds) for ds in staging.values()), staging
    assert key["warehouse/cell_month"]["hasAssetChecks"]


def test_daemon_is_running(dagster_ui: str) -> None:
    deadline = time.monotonic() + 90
    statuses: list = []
    while time.monotonic() < deadline:
        statuses = _graphql(dagster_ui, DAEMON_QUERY)["instance"]["daemonHealth"]["allDaemonStatuses"]
        required = [s for s in statuses if s["required"]]
        if required and all(s["healthy"] for s in required):
            break
        time.sleep(3)
    required = {s["daemonType"]: s["healthy"] for s in statuses if s["required"]}
    assert required.get("SENSOR") and required.get("SCHEDULER"), statuses
