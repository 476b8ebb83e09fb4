"""The daily full run: every asset, every city partition, at 03:00 UTC."""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
)

from assets.ingest.schedules import every_city

full_refresh_job = define_asset_job("full_refresh", selection=AssetSelection.all(),
                                    description="Every asset: ingest, enrich, dbt build, analyses, publish.")


@schedule(name="daily_full_run", job=full_refresh_job, cron_schedule="0 3 * * *", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING)
def daily_full_run(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    return every_city(context, "daily")
