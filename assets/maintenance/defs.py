"""The maintenance domain: post retention, the daily full run, run-failure alerts."""

from dagster import Definitions

from assets.maintenance.assets import post_retention
from assets.maintenance.schedules import daily_full_run, full_refresh_job
from assets.maintenance.sensors import run_failure_alert
from assets.resources import shared_resources


def defs() -> Definitions:
    return Definitions(assets=[post_retention], jobs=[full_refresh_job], schedules=[daily_full_run],
                       sensors=[run_failure_alert], resources=shared_resources())
