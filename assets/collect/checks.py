"""A freshness check per source: its collect asset materialized within ``SCN_FRESHNESS_HOURS``; a stalled
source fails its check (and shows on the data-health page with the other failed checks)."""

from datetime import timedelta

from dagster import DefaultSensorStatus, build_last_update_freshness_checks, build_sensor_for_freshness_checks

from assets.collect.assets import collect_key
from scn.ingest.sources.base import SOURCES
from scn.settings import settings

collect_freshness_checks = build_last_update_freshness_checks(
    assets=[collect_key(s) for s in SOURCES], lower_bound_delta=timedelta(hours=settings().freshness_hours))
collect_freshness_sensor = build_sensor_for_freshness_checks(
    freshness_checks=collect_freshness_checks, name="collect_freshness_sensor",
    default_status=DefaultSensorStatus.RUNNING)
