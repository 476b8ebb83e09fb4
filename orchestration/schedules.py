"""Schedules: a daily full run and an hourly social-media ingest (with what depends on it)."""


from dagster import AssetKey, AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

full_refresh_job = define_asset_job("full_refresh", selection=AssetSelection.all(),
                                    description="Every asset: ingest, enrich, dbt build, analyses, publish.")

social_refresh_job = define_asset_job(
    "social_refresh", selection=AssetSelection.assets(AssetKey(["lake", "posts"])).downstream(),
    description="New social-media files and everything downstream of posts, then publish.")

daily_full_run = ScheduleDefinition(name="daily_full_run", job=full_refresh_job, cron_schedule="0 3 * * *",
                                    execution_timezone="UTC", default_status=DefaultScheduleStatus.RUNNING)

hourly_social_ingest = ScheduleDefinition(name="hourly_social_ingest", job=social_refresh_job,
                                          cron_schedule="15 * * * *", execution_timezone="UTC",
                                          default_status=DefaultScheduleStatus.RUNNING)
