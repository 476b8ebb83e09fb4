"""Ingest assets are partitioned by city: `scn run` materialized every city partition of the demo world, and the
inbox sensor turns a file dropped into inbox/<kind>/<city_id>/ into a run of that city's partition."""

import json
import shutil
from pathlib import Path

from dagster import AssetKey, DagsterInstance, SensorResult, build_sensor_context

from assets.ingest.sensors import inbox_sensor, inbox_state
from orchestration.definitions import defs

DEMO_CITIES = {"london", "mombasa", "saida", "dakar", "montreal", "tunis"}


def test_every_city_partition_was_materialized(in_demo_home: Path) -> None:
    with DagsterInstance.get() as instance:
        assert set(instance.get_dynamic_partitions("city")) == DEMO_CITIES
        for table in ("posts", "crimes", "areas"):
            assert instance.get_materialized_partitions(AssetKey(["lake", table])) == DEMO_CITIES, table
        # the network-wide registry is not partitioned
        assert instance.get_latest_materialization_event(AssetKey(["lake", "cities"])) is not None


def test_sensor_runs_the_partition_of_the_city_whose_file_arrived(in_demo_home: Path, tmp_path: Path) -> None:
    inbox = in_demo_home / "inbox"
    cursor = json.dumps(inbox_state())
    src = sorted((inbox / "social" / "saida").glob("*"))[0]
    dropped = [inbox / "social" / "saida" / f"new-{src.name}", inbox / "social" / "kumanovo" / f"new-{src.name}"]
    try:
        shutil.copyfile(src, dropped[0])
        with DagsterInstance.get() as instance:
            result = inbox_sensor(build_sensor_context(instance=instance, cursor=cursor,
                                                       repository_def=defs.get_repository_def()))
            assert isinstance(result, SensorResult)
            (request,) = result.run_requests
            assert request.partition_key == "saida" and request.tags["scn/city"] == "saida"
            assert not result.dynamic_partitions_requests
            keys = set(request.asset_selection)
            assert AssetKey(["lake", "posts"]) in keys and AssetKey(["serving", "snapshot"]) in keys
            assert AssetKey(["lake", "crimes"]) not in keys  # other families' ingests are not re-run

            # a city the instance has never seen: its partition is added by the same tick
            dropped[1].parent.mkdir()
            shutil.copyfile(src, dropped[1])
            result = inbox_sensor(build_sensor_context(instance=instance, cursor=cursor,
                                                       repository_def=defs.get_repository_def()))
            (request,) = result.run_requests
            (add,) = result.dynamic_partitions_requests
            assert add.partition_keys == ["kumanovo"]
            assert request.partition_key is None  # two cities changed: one run over every city partition
            assert request.tags["dagster/asset_partition_range_end"] == "kumanovo"
    finally:
        for p in dropped:
            p.unlink(missing_ok=True)
        shutil.rmtree(inbox / "social" / "kumanovo", ignore_errors=True)
