"""Schedules: a daily full run."""

from __future__ import annotations

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

full_refresh_job = define_asset_job("full_refresh", selection=AssetSelection.all(),
                                    description="Every asset: ingest, enrich, dbt build, analyses, publish.")

daily_full_run = ScheduleDefinition(name="daily_full_run", job=full_refresh_job, cron_schedule="0 3 * * *",
                                    execution_timezone="UTC", default_status=DefaultScheduleStatus.RUNNING)
