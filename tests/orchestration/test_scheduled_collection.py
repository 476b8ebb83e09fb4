"""A scheduled collection through the real parts (issue 20): the sources file gives a demo city a Mastodon entry with
a per-minute `schedule` against a fake instance on loopback; the real `dagster-daemon` evaluates `collect_sensor`
and launches the runs, and the real `dagster-webserver` shows them as partitioned materializations of
`collect/mastodon` with their metadata. The next tick fetches only what is new (the connector's cursor)."""

from __future__ import annotations

import json
import time

from tests.support.collect_checks import lake_posts
from tests.support.dagster_ui import DagsterUI
from tests.support.scheduled_world import CITY, FIRST, LATER, WAIT_FIRST, WAIT_SECOND, World

SENSORS = """
{ repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name
    sensorState { status typeSpecificData { ... on SensorData { lastCursor } } } } } } } }
"""
MATERIALIZATIONS = """
query($partitions: [String!]) { assetOrError(assetKey: {path: ["collect", "mastodon"]}) { ... on Asset {
  assetMaterializations(partitions: $partitions) { partition runId timestamp
    metadataEntries { label ... on IntMetadataEntry { intValue } ... on JsonMetadataEntry { jsonString } } } } } }
"""
DONE = ("SUCCESS", "FAILURE", "CANCELED")
RUN = """
query($id: ID!) { runOrError(runId: $id) { ... on Run { status startTime tags { key value } } } }
"""


def _materializations(ui: DagsterUI) -> list[dict]:
    """Materializations of collect/mastodon for the city, oldest first, metadata as a dict."""
    data = ui.graphql(MATERIALIZATIONS, {"partitions": [CITY]})["assetOrError"]
    out = []
    for m in sorted(data.get("assetMaterializations") or [], key=lambda m: float(m["timestamp"])):
        meta = {e["label"]: e["intValue"] if "intValue" in e else json.loads(e["jsonString"]) if "jsonString" in e
                else None for e in m["metadataEntries"]}
        out.append({**m, "meta": meta})
    return out


def _sensor(ui: DagsterUI) -> dict:
    """``collect_sensor`` as the webserver shows it: its status and its cursor (Dagster's cursor storage)."""
    nodes = ui.graphql(SENSORS)["repositoriesOrError"]["nodes"]
    return next(s for n in nodes for s in n["sensors"] if s["name"] == "collect_sensor")


def _run(ui: DagsterUI, run_id: str) -> dict:
    run = ui.graphql(RUN, {"id": run_id})["runOrError"]
    return {**run, "tags": {t["key"]: t["value"] for t in run["tags"]}}


def test_the_daemon_collects_a_city_on_its_schedule(scheduled_world: World) -> None:
    world = scheduled_world
    ui, fake = world.ui, world.fake
    assert _sensor(ui)["sensorState"]["status"] == "RUNNING"  # on by default: nobody starts it

    first = ui.wait_for(lambda: _materializations(ui), WAIT_FIRST, "a scheduled collect/mastodon materialization")[0]
    hits = world.fp.hits(f"/api/v1/timelines/tag/{fake.tag}")  # the next run waits for this one (scn/city limit)
    added_at = time.time()
    fake.add_many(LATER, start_minutes_ago=2)
    assert first["partition"] == CITY
    meta = first["meta"]
    assert (meta["fetched"], meta["accepted"], meta["duplicates"], meta["quarantined"]) == (FIRST, FIRST, 0, 0)
    assert meta["cities"] == [CITY] and meta["errors"] == [] and meta["rate_limit_waits"] == 0
    newest = max(int(s["id"]) for s in fake.statuses[:FIRST])
    assert meta["cursor"][CITY]["timelines"] == {f"tag:{fake.tag}": str(newest)}, meta["cursor"]
    # the daemon launched it for the sensor, and the fake instance answered every page of it
    run = ui.wait_for(lambda: (r := _run(ui, first["runId"]))["status"] in DONE and r, 60, "the end of the run")
    assert run["status"] == "SUCCESS"
    assert run["tags"]["dagster/sensor_name"] == "collect_sensor" and run["tags"]["dagster/partition"] == CITY
    assert run["tags"]["scn/trigger"] == "collect"
    assert meta["requests"] == len(hits) == 4  # 45 posts in pages of 20, then an empty page
    assert len(lake_posts(world.home)) == FIRST
    assert f"mastodon/{CITY}" in json.loads(_sensor(ui)["sensorState"]["typeSpecificData"]["lastCursor"] or "{}")

    # the next tick of the schedule: only the new posts, from the cursor on
    second = ui.wait_for(lambda: (ms := _materializations(ui))[1:] and ms[1], WAIT_SECOND,
                         "the next tick's materialization")
    run = _run(ui, second["runId"])
    assert second["partition"] == CITY and run["tags"]["dagster/sensor_name"] == "collect_sensor"
    expected = LATER if float(run["startTime"]) > added_at else second["meta"]["accepted"]
    assert second["meta"]["accepted"] == expected and expected in (0, LATER)
    assert (second["meta"]["duplicates"], second["meta"]["quarantined"]) == (0, 0)
    assert second["meta"]["fetched"] == expected
    later = world.fp.hits(f"/api/v1/timelines/tag/{fake.tag}")[len(hits)]
    assert later.arg("min_id") == str(newest)  # started from the cursor, not from the beginning
    assert len(lake_posts(world.home)) == FIRST + expected
