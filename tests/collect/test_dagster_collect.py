"""The Dagster side: the mastodon collect asset materializes a city partition against a fake instance with its
metadata, a city without an entry is skipped, and the sensor requests each configured (source, city) once per
cron tick, its state in Dagster's cursor storage."""

from __future__ import annotations

from pathlib import Path

import yaml
from dagster import DagsterInstance, SkipReason, build_sensor_context, materialize

from assets.collect.assets import collect_assets, collect_key
from assets.collect.schedules import collect_sensor
from assets.ingest.partitions import CITY_PARTITIONS
from assets.resources import LakeResource
from scn.settings import override
from tests.support.collect_checks import lake_posts
from tests.support.fake_platforms import fake_platform
from tests.support.fake_social import FakeMastodon


def test_collect_asset_and_sensor(home: Path, tmp_path: Path) -> None:
    mastodon = next(a for a in collect_assets if collect_key("mastodon") in a.keys)
    with fake_platform() as fp:
        fm = FakeMastodon(fp)
        fm.add_many(45)
        sources = tmp_path / "sources.yml"
        sources.write_text(yaml.safe_dump({
            "sources": {"mastodon": {"retention_days": 400, "page_size": 20}},
            "cities": {"london": {"mastodon": {"instance": fp.url, "tags": [fm.tag], "schedule": "*/15 * * * *"}},
                       "paris": {"mastodon": {"instance": fp.url, "tags": [fm.tag], "enabled": False}}}}))
        with override(sources_file=sources), DagsterInstance.ephemeral() as instance:
            instance.add_dynamic_partitions(CITY_PARTITIONS.name, ["london", "paris"])
            result = materialize([mastodon], partition_key="london", instance=instance,
                                 resources={"lake": LakeResource()})
            assert result.success
            meta = {k: v.value for k, v in result.asset_materializations_for_node(mastodon.node_def.name)[0]
                    .metadata.items()}
            assert (meta["fetched"], meta["accepted"], meta["duplicates"], meta["quarantined"]) == (45, 45, 0, 0)
            assert meta["requests"] == 4 and meta["rate_limit_waits"] == 0 and meta["cities"] == ["london"]
            assert len(lake_posts(home)) == 45

            skipped = materialize([mastodon], partition_key="paris", instance=instance,
                                  resources={"lake": LakeResource()})
            meta = {k: v.value for k, v in skipped.asset_materializations_for_node(mastodon.node_def.name)[0]
                    .metadata.items()}
            assert skipped.success and meta["cities"] == [] and meta["requests"] == 0

            ctx = build_sensor_context(instance=instance)
            first = collect_sensor(ctx)
            assert [(r.partition_key, r.job_name) for r in first.run_requests] == [("london", "collect_mastodon")]
            again = collect_sensor(build_sensor_context(instance=instance, cursor=ctx.cursor))
            assert isinstance(again, SkipReason)
