"""The collect domain: per-source assets partitioned by city, their jobs, the sensor and daily schedules, and a
freshness check per source."""

from dagster import Definitions

from assets.collect.assets import collect_assets
from assets.collect.checks import collect_freshness_checks, collect_freshness_sensor
from assets.collect.schedules import collect_jobs, collect_sensor, daily_schedules
from assets.resources import shared_resources


def defs() -> Definitions:
    return Definitions(
        assets=collect_assets,
        asset_checks=collect_freshness_checks,
        jobs=list(collect_jobs.values()),
        schedules=daily_schedules,
        sensors=[collect_sensor, collect_freshness_sensor],
        resources=shared_resources(),
    )
