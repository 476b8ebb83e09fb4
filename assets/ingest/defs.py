"""The ingest domain: family assets and the ledger, checks, the inbox sensor, the hourly social schedule."""

from dagster import Definitions

from assets.ingest.assets import ingest_assets, ingest_ledger
from assets.ingest.checks import freshness_checks, freshness_sensor, quarantine_rate
from assets.ingest.schedules import hourly_social_ingest, social_refresh_job
from assets.ingest.sensors import inbox_sensor
from assets.resources import shared_resources


def defs() -> Definitions:
    return Definitions(
        assets=[*ingest_assets, ingest_ledger],
        asset_checks=[quarantine_rate, *freshness_checks],
        jobs=[social_refresh_job],
        schedules=[hourly_social_ingest],
        sensors=[inbox_sensor, freshness_sensor],
        resources=shared_resources(),
    )
