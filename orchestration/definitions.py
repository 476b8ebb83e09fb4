"""The Dagster code location: every asset from inbox files to the serving snapshot, in one connected graph.

Load with ``dagster dev -m orchestration.definitions`` (``make ui``) or run in process with ``scn run``.
"""


import os
from datetime import timedelta

from dagster import (
    Definitions,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
    multiprocess_executor,
)

from assets.analysis import analysis_assets
from assets.dbt import scn_dbt_models
from assets.enrich import enrich_assets
from assets.ingest import FAMILY_TABLES, ingest_assets, ingest_ledger, lake_key, quarantine_rate
from assets.maintenance import post_retention
from assets.publish import serving_snapshot
from orchestration.alerts import run_failure_alert
from orchestration.dbt_project import dbt_resource
from orchestration.schedules import daily_full_run, full_refresh_job, hourly_social_ingest, social_refresh_job
from orchestration.sensors import inbox_sensor

# every lake table of an ingest family is refreshed at least daily (the daily full run and the inbox sensor)
freshness_checks = build_last_update_freshness_checks(
    assets=[lake_key(t) for tables in FAMILY_TABLES.values() for t in tables],
    lower_bound_delta=timedelta(hours=int(os.environ.get("SCN_FRESHNESS_HOURS", "26"))),
)
freshness_sensor = build_sensor_for_freshness_checks(freshness_checks=freshness_checks,
                                                      name="ingest_freshness_sensor")

defs = Definitions(
    assets=[*ingest_assets, ingest_ledger, *enrich_assets, scn_dbt_models, *analysis_assets, serving_snapshot,
            post_retention],
    asset_checks=[quarantine_rate, *freshness_checks],
    jobs=[full_refresh_job, social_refresh_job],
    schedules=[daily_full_run, hourly_social_ingest],
    sensors=[inbox_sensor, run_failure_alert, freshness_sensor],
    resources={"dbt": dbt_resource()},
    # runs launched by the daemon (sensor, schedules, UI): parallel steps, one step per city partition at a time
    executor=multiprocess_executor.configured({
        "max_concurrent": int(os.environ.get("SCN_MAX_CONCURRENT", "2")),
        "tag_concurrency_limits": [{"key": "scn/city", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}],
    }),
)
