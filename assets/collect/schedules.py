"""What drives collection: the ``collect_sensor`` follows each (source, city) entry's own ``schedule`` (cron, in
the sources file), its last requests kept in Dagster's cursor storage; the daily ``collect_daily`` schedule
requests every configured (source, city) once a day whatever the sensor does."""

import json
from datetime import UTC, datetime

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from assets.collect.assets import collect_key
from assets.ingest.partitions import CITY_PARTITIONS
from scn.ingest.sources.base import SOURCES

collect_jobs = {s: define_asset_job(f"collect_{s.replace('-', '_')}", selection=AssetSelection.assets(collect_key(s)),
                                    partitions_def=CITY_PARTITIONS,
                                    description=f"Collect what is new from {s} for one city.") for s in SOURCES}


def _entries() -> list[tuple[str, str, str]]:
    """(source, city, cron) of every enabled entry of the sources file, of member cities only (a city that left the
    network is no longer collected: ``scn.ingest.sources.config.entries``)."""
    from scn.ingest.sources.config import entries, source_config

    return [(s, city, source_config(s, city).schedule) for s, city in entries()]


def _new_partitions(instance, cities: set[str]) -> list[str]:
    known = set(instance.get_dynamic_partitions(CITY_PARTITIONS.name))
    return sorted(cities - known)


@sensor(name="collect_sensor", minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING,
        jobs=list(collect_jobs.values()),
        description="Collects each (source, city) of config/sources.yml on its own cron `schedule`.")
def collect_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    from dagster._utils.schedules import reverse_cron_string_iterator

    entries = _entries()
    if not entries:
        return SkipReason("no source is configured for any city (config/sources.yml)")
    last = json.loads(context.cursor) if context.cursor else {}
    now = datetime.now(UTC).timestamp()
    requests, state = [], dict(last)
    for source, city, cron in entries:
        try:
            due = next(reverse_cron_string_iterator(now, cron, "UTC")).isoformat()
        except Exception as exc:  # noqa: BLE001 - a bad cron string names its entry, the others go on
            context.log.warning(f"{source}/{city}: schedule '{cron}' is not a cron string ({exc})")
            continue
        key = f"{source}/{city}"
        if last.get(key) != due:
            state[key] = due
            requests.append(RunRequest(run_key=f"collect-{source}-{city}-{due}", job_name=collect_jobs[source].name,
                                       partition_key=city, tags={"scn/trigger": "collect", "scn/city": city}))
    context.update_cursor(json.dumps(state, sort_keys=True))
    new = _new_partitions(context.instance, {c for _, c, _ in entries})
    if not requests:
        return SkipReason("no collection is due")
    return SensorResult(run_requests=requests,
                        dynamic_partitions_requests=[CITY_PARTITIONS.build_add_request(new)] if new else [])


def _daily(source: str):
    @schedule(name=f"collect_{source.replace('-', '_')}_daily", job=collect_jobs[source], cron_schedule="30 3 * * *",
              execution_timezone="UTC", default_status=DefaultScheduleStatus.RUNNING,
              description=f"Collects {source} for every configured city once a day.")
    def _schedule(context: ScheduleEvaluationContext):
        cities = sorted({c for s, c, _ in _entries() if s == source})
        if not cities:
            return SkipReason(f"{source}: no city is configured")
        new = _new_partitions(context.instance, set(cities))
        if new:
            context.instance.add_dynamic_partitions(CITY_PARTITIONS.name, new)
        return [RunRequest(run_key=f"daily-{source}-{c}-{context.scheduled_execution_time:%Y%m%d}",
                           partition_key=c, tags={"scn/trigger": "collect-daily", "scn/city": c}) for c in cities]

    return _schedule


daily_schedules = [_daily(s) for s in SOURCES]
