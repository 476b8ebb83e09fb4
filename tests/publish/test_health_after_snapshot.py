"""``asset_health`` lists the assets that run before the snapshot publishing it (and the snapshot), never the
ones after it (alert notifications): what runs after is Dagster's ``AssetSelection.downstream`` on the graph."""

from __future__ import annotations

import pandas as pd
from dagster import AssetKey, asset, materialize

from assets.publish.health import _downstream, asset_health


@asset(key=["lake", "posts"])
def posts() -> int:
    return 1


@asset(key=["serving", "snapshot"], deps=[posts])
def snapshot(context) -> pd.DataFrame:  # unannotated: Dagster checks the hint, a string here
    return asset_health(context)


@asset(key=["alerts", "notifications"], deps=[snapshot])
def notifications() -> int:
    return 1


@asset(key=["alerts", "digest_log"], deps=[notifications])
def digest_log() -> int:  # two steps after the snapshot
    return 1


@asset(key=["lake", "crimes"])
def crimes() -> int:  # beside the snapshot, neither before nor after it
    return 1


def test_asset_health_leaves_out_what_runs_after_the_snapshot() -> None:
    result = materialize([posts, snapshot, notifications, digest_log, crimes])
    assert result.success
    health = result.output_for_node("serving__snapshot")
    assert sorted(health["asset_key"]) == ["lake/crimes", "lake/posts", "serving/snapshot"]
    assert health.set_index("asset_key").loc["lake/posts", "last_run_id"] == result.run_id


def test_downstream_is_every_asset_after_the_key() -> None:
    from dagster import Definitions

    graph = Definitions(assets=[posts, snapshot, notifications, digest_log, crimes]).resolve_asset_graph()
    assert _downstream(graph, AssetKey(["serving", "snapshot"])) == {AssetKey(["alerts", "notifications"]),
                                                                    AssetKey(["alerts", "digest_log"])}
    assert _downstream(graph, AssetKey(["alerts", "digest_log"])) == set()
