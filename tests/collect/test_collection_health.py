"""The ``collection_health`` snapshot table: one row per configured (source, city); a source whose last collection
(an answered collect materialization of that city, or its cursor's time) is older than three intervals of its
schedule is stalled, one never collected says so, a fresh one is ok."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import yaml
from dagster import AssetMaterialization, DagsterInstance, build_asset_context

from assets.collect.assets import collect_key
from assets.publish.health import collection_health
from scn.ingest.sources import cursor as cursors
from scn.publish.collection_health import collection_health as table
from scn.settings import override


def test_stalled_fresh_and_never(home: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources.yml"
    sources.write_text(yaml.safe_dump({"cities": {
        "london": {"mastodon": {"instance": "https://m.example", "tags": ["x"]},  # hourly (the default)
                   "rss": {"feeds": ["https://n.example/rss.xml"], "schedule": "*/30 * * * *"}},
        "paris": {"rss": {"feeds": ["https://n.example/rss.xml"], "schedule": "*/30 * * * *"},
                  "reddit": {"subreddits": ["paris"], "enabled": False}}}}))
    with override(sources_file=sources), DagsterInstance.ephemeral() as instance:
        # london/mastodon: its cursor was last saved five hours ago (three hourly ticks missed)
        cursors.save("mastodon", "london", {"timelines": {"tag:x": "1"}})
        five_hours_ago = time.time() - 5 * 3600
        os.utime(cursors.cursor_path("mastodon", "london"), (five_hours_ago, five_hours_ago))
        # paris/rss: collected just now by Dagster; london/rss: only runs that never got an answer
        instance.report_runless_asset_event(AssetMaterialization(
            collect_key("rss"), partition="paris", metadata={"cities": ["paris"], "errors": [], "fetched": 0}))
        instance.report_runless_asset_event(AssetMaterialization(
            collect_key("rss"), partition="london",
            metadata={"cities": ["london"], "errors": ["rss: HTTP 503 from n.example after 5 attempts"],
                      "fetched": 0}))
        health = collection_health(build_asset_context(instance=instance))

    rows = {(r.source, r.city_id): r for r in health.itertuples()}
    assert set(rows) == {("mastodon", "london"), ("rss", "london"), ("rss", "paris")}  # disabled reddit: no row
    assert list(health.columns) == ["source", "city_id", "last_collected_at", "expected_every_hours", "status"]
    assert rows[("mastodon", "london")].status == "stalled"
    assert rows[("mastodon", "london")].expected_every_hours == 1.0
    assert abs(rows[("mastodon", "london")].last_collected_at.timestamp() - five_hours_ago) < 1
    assert (rows[("rss", "paris")].status, rows[("rss", "paris")].expected_every_hours) == ("ok", 0.5)
    assert rows[("rss", "london")].status == "never" and pd.isna(rows[("rss", "london")].last_collected_at)


def test_thresholds(home: Path) -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    entries = [("x", "london", 3600.0), ("x", "paris", 3600.0), ("kobo", "saida", 7 * 86400.0)]
    collected = {("x", "london"): now - timedelta(hours=2, minutes=59), ("x", "paris"): now - timedelta(hours=3.1),
                 ("kobo", "saida"): now - timedelta(days=2)}
    out = table(entries, collected, now).set_index(["source", "city_id"])
    assert out.loc[("x", "london"), "status"] == "ok" and out.loc[("x", "paris"), "status"] == "stalled"
    # a weekly cron is still collected daily by the collect_<source>_daily schedule: stalled after three days
    assert (out.loc[("kobo", "saida"), "status"], out.loc[("kobo", "saida"), "expected_every_hours"]) == ("ok", 24)
    assert table(entries, {}, now)["status"].eq("never").all()
