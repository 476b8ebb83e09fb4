"""Collect assets: one per source, partitioned by city. A materialization collects what is new for each city of
its partition (range) that has an enabled entry for the source in the sources file; a city without one is
skipped (``scn run`` materializes every asset: it must not call platforms nobody configured)."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.ingest.partitions import CITY_PARTITIONS
from assets.keys import lake_key
from assets.resources import LakeResource
from assets.retry import retry_policy
from scn.ingest.sources.base import SOURCES

COUNTS = ("fetched", "accepted", "quarantined", "duplicates", "requests", "rate_limit_waits")


def collect_key(source: str) -> AssetKey:
    """``collect/<source>`` (assets.ingest.partitions.partitioned_keys lists them with the partitioned assets)."""
    return AssetKey(["collect", source])


def _collect_asset(source: str):
    @asset(
        key=collect_key(source),
        group_name="collect",
        deps=[lake_key("cities")],
        partitions_def=CITY_PARTITIONS,
        backfill_policy=BackfillPolicy.single_run(),
        retry_policy=retry_policy(),
        description=f"Public content collected from {source} into the lake (posts, survey responses or crimes, "
                    "validated and pseudonymised like ingested files); per city, from config/sources.yml.",
    )
    def _asset(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
        from scn.ingest.sources.base import AuthError, ConfigError
        from scn.ingest.sources.collect import collect
        from scn.ingest.sources.config import configured

        totals = dict.fromkeys(COUNTS, 0)
        cities, errors, cursors = [], [], {}
        with lake.scope():
            wanted = set(configured()[source])
            for city in context.partition_keys:  # one per city of the range, not per post
                if city not in wanted:
                    continue
                try:
                    result = collect(source, city, progress=lambda r, c=city: context.log.info(
                        f"{source}/{c}: page {r.pages}, fetched {r.fetched}, accepted {r.accepted}"))
                except (AuthError, ConfigError) as exc:  # not transient: fail the step, naming the source
                    raise Failure(description=str(exc)) from exc
                cities.append(city)
                errors += result.errors
                cursors[city] = result.cursor
                for k in COUNTS:
                    totals[k] += getattr(result, k)
        if not cities:
            context.log.info(f"{source}: no city of this partition is configured in the sources file")
        return MaterializeResult(metadata={
            **totals, "cities": MetadataValue.json(cities), "errors": MetadataValue.json(errors[:20]),
            "cursor": MetadataValue.json(cursors),
        })

    return _asset


collect_assets = [_collect_asset(s) for s in SOURCES]
