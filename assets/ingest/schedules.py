"""The hourly social-media ingest (with what depends on posts)."""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
)

from assets.ingest.partitions import range_tags, register_inbox_cities
from assets.keys import lake_key

social_refresh_job = define_asset_job(
    "social_refresh", selection=AssetSelection.assets(lake_key("posts")).downstream(),
    description="New social-media files and everything downstream of posts, then publish.")


def every_city(context: ScheduleEvaluationContext, what: str) -> RunRequest | SkipReason:
    """One run over every city partition (new city folders in the inbox are registered first)."""
    cities = register_inbox_cities(context.instance)
    if not cities:
        return SkipReason("no city has files in the inbox yet")
    return RunRequest(run_key=f"{what}-{context.scheduled_execution_time:%Y%m%dT%H%M}",
                      tags={**range_tags(cities), "scn/trigger": what})


@schedule(name="hourly_social_ingest", job=social_refresh_job, cron_schedule="15 * * * *",
          execution_timezone="UTC", default_status=DefaultScheduleStatus.RUNNING)
def hourly_social_ingest(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    return every_city(context, "hourly-social")
