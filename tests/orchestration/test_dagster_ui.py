"""`make ui`: the real Dagster webserver and daemon on an SCN_HOME instance show one connected asset graph (the
instance is the package's one, tests/support/scheduled_world.py: a demo city with a scheduled collection)."""

from __future__ import annotations

import time

import pytest

from tests.support.dagster_ui import DagsterUI
from tests.support.marts import MARTS
from tests.support.scheduled_world import World

GRAPH_QUERY = """
{ assetNodes { assetKey { path } groupName dependencyKeys { path } hasAssetChecks } }
"""
DAEMON_QUERY = """
{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }
"""


@pytest.fixture(scope="module")
def dagster_ui(scheduled_world: World) -> DagsterUI:
    """The package's one webserver + daemon (tests/support/scheduled_world.py): starting another costs a minute."""
    return scheduled_world.ui


def test_one_connected_graph_from_raw_files_to_snapshot(dagster_ui: DagsterUI) -> None:
    nodes = dagster_ui.graphql(GRAPH_QUERY)["assetNodes"]
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


def test_daemon_is_running(dagster_ui: DagsterUI) -> None:
    deadline = time.monotonic() + 90
    statuses: list = []
    while time.monotonic() < deadline:
        statuses = dagster_ui.graphql(DAEMON_QUERY)["instance"]["daemonHealth"]["allDaemonStatuses"]
        required = [s for s in statuses if s["required"]]
        if required and all(s["healthy"] for s in required):
            break
        time.sleep(3)
    required = {s["daemonType"]: s["healthy"] for s in statuses if s["required"]}
    assert required.get("SENSOR") and required.get("SCHEDULER"), statuses
