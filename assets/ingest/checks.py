"""Checks on the ingest domain: the quarantine rate, and freshness of every lake table a family writes."""

from datetime import timedelta

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    DefaultSensorStatus,
    MetadataValue,
    asset_check,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
)

from assets.keys import lake_key
from assets.resources import LakeResource
from scn.ingest.families import FAMILY_TABLES
from scn.settings import settings

MAX_QUARANTINE_RATE = 0.05


@asset_check(asset=lake_key("quarantine"), description="Share of rows quarantined per family stays under 5%.")
def quarantine_rate(lake: LakeResource) -> AssetCheckResult:
    log = lake.read_table("ingest_log")
    if log.empty:
        return AssetCheckResult(passed=True, metadata={"files": 0})
    per_kind = log.groupby("kind")[["rows_read", "quarantined"]].sum()
    rate = (per_kind["quarantined"] / per_kind["rows_read"].clip(lower=1)).round(4)
    worst = float(rate.max())
    return AssetCheckResult(
        passed=worst <= MAX_QUARANTINE_RATE,
        severity=AssetCheckSeverity.WARN,
        metadata={"worst_rate": worst, "rates": MetadataValue.json(rate.to_dict())},
    )


# every lake table of an ingest family is refreshed at least daily (the daily full run and the inbox sensor)
freshness_checks = build_last_update_freshness_checks(
    assets=[lake_key(t) for tables in FAMILY_TABLES.values() for t in tables],
    lower_bound_delta=timedelta(hours=settings().freshness_hours),
)
# running by default, as docs/operations.md says (dagster's default is stopped)
freshness_sensor = build_sensor_for_freshness_checks(freshness_checks=freshness_checks,
                                                      name="ingest_freshness_sensor",
                                                      default_status=DefaultSensorStatus.RUNNING)
