"""Schedules: a daily full run and an hourly social-media ingest (with what depends on it)."""


from dagster import (
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
)

from orchestration.partitions import range_tags, register_inbox_cities

full_refresh_job = define_asset_job("full_refresh", selection=AssetSelection.all(),
                                    description="Every asset: ingest, enrich, dbt build, analyses, publish.")

social_refresh_job = define_asset_job(
    "social_refresh", selection=AssetSelection.assets(AssetKey(["lake", "posts"])).downstream(),
    description="New social-media files and everything downstream of posts, then publish.")


def _every_city(context: ScheduleEvaluationContext, what: str) -> RunRequest | SkipReason:
    """One run over every city partition (new city folders in the inbox are registered first)."""
    cities = register_inbox_cities(context.instance)
    if not cities:
        return SkipReason("no city has files in the inbox yet")
    return RunRequest(run_key=f"{what}-{context.scheduled_execution_time:%Y%m%dT%H%M}",
                      tags={**range_tags(cities), "scn/trigger": what})


@schedule(name="daily_full_run", job=full_refresh_job, cron_schedule="0 3 * * *", execution_timezone="UTC",
          default_status=DefaultScheduleStatus.RUNNING)
def daily_full_run(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    return _every_city(context, "daily")


@schedule(name="hourly_social_ingest", job=social_refresh_job, cron_schedule="15 * * * *",
          execution_timezone="UTC", default_status=DefaultScheduleStatus.RUNNING)
def hourly_social_ingest(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    return _every_city(context, "hourly-social")
