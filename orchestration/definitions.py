"""The Dagster code location: every asset from inbox files to the serving snapshot, in one connected graph.

Load with ``dagster dev -m orchestration.definitions`` (``make ui``) or run in process with ``scn run``.
"""

from __future__ import annotations

from dagster import Definitions

from assets.analysis import analysis_assets
from assets.dbt import scn_dbt_models
from assets.enrich import enrich_assets
from assets.ingest import ingest_assets, ingest_ledger, quarantine_rate
from assets.publish import serving_snapshot
from orchestration.dbt_project import dbt_resource
from orchestration.schedules import daily_full_run, full_refresh_job
from orchestration.sensors import inbox_sensor

defs = Definitions(
    assets=[*ingest_assets, ingest_ledger, *enrich_assets, scn_dbt_models, *analysis_assets, serving_snapshot],
    asset_checks=[quarantine_rate],
    jobs=[full_refresh_job],
    schedules=[daily_full_run],
    sensors=[inbox_sensor],
    resources={"dbt": dbt_resource()},
)
