"""Data-health tables for the serving snapshot, read from the Dagster instance (the quarantine summary is a dbt
mart)."""


from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dagster import AssetExecutionContext, AssetSelection

if TYPE_CHECKING:
    import pandas as pd


def _ts(seconds: float | None) -> pd.Timestamp | None:
    import pandas as pd

    return pd.Timestamp(datetime.fromtimestamp(seconds, UTC)) if seconds else None


_FULL_GRAPH: list[Callable[[], object]] = []  # the merged definitions' graph, handed in by orchestration


def use_full_graph(resolve: Callable[[], object]) -> None:
    """Where the whole asset graph comes from (``orchestration.definitions`` hands in its ``resolve_asset_graph``:
    this domain does not import the merge)."""
    _FULL_GRAPH[:] = [resolve]


def _graph(context: AssetExecutionContext):
    """The whole asset graph: the merged definitions' for the platform's runs (tagged ``scn/trigger``: an
    incremental run's job, and the repository ``execute_in_process`` builds for it, hold only the assets it
    selected, and the tables lost every other one); the job's graph otherwise (a run of other definitions, a
    step invoked on its own)."""
    if _FULL_GRAPH and "scn/trigger" in context.run.tags:  # a platform run (scn run, the sensors' runs)
        return _FULL_GRAPH[0]()
    return context.job_def.asset_layer.asset_graph


def _downstream(graph, key) -> set:
    """Every asset that runs after ``key`` (its children, theirs, ...), resolved by Dagster on the graph."""
    return set(AssetSelection.assets(key).downstream(include_self=False).resolve(graph))


def asset_health(context: AssetExecutionContext) -> pd.DataFrame:
    """Latest materialization of every asset in the graph that runs before the snapshot publishing it (the ones
    after it, e.g. alert notifications, cannot have run yet for this snapshot): when, in which run, how many rows."""
    import pandas as pd

    graph = _graph(context)
    after = _downstream(graph, context.asset_key) if graph.has(context.asset_key) else set()
    keys = sorted(k for k in graph.materializable_asset_keys if k not in after)
    latest = context.instance.get_latest_materialization_events(keys)
    rows = []
    for key in keys:
        event = latest.get(key)
        meta = event.asset_materialization.metadata if event and event.asset_materialization else {}
        rows_value = meta.get("rows")
        rows.append({
            "asset_key": key.to_user_string(),
            "group": graph.get(key).group_name,
            "last_materialized_at": _ts(event.timestamp) if event else None,
            "last_run_id": event.run_id if event else None,
            "rows": int(rows_value.value) if rows_value is not None and str(rows_value.value).isdigit() else None,
        })
    out = pd.DataFrame(rows)
    out["last_materialized_at"] = pd.to_datetime(out["last_materialized_at"], utc=True)
    out["rows"] = out["rows"].astype("Int64")
    return out


def _latest_completed(context: AssetExecutionContext, keys: list) -> dict:
    """check key -> the latest evaluation of it that ran to a result (passed or failed), for every key of ``keys``
    evaluated once at least. A check only planned by a later run (the run stopped before it, or its model skipped
    as unchanged) leaves the previous result standing. One query for every key's latest record (one a key was
    ~2 s of a snapshot's 276 checks), then one per check whose latest record is not a result."""
    from dagster._core.storage.asset_check_execution_record import (
        COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES,
    )

    storage = context.instance.event_log_storage
    latest = storage.get_latest_asset_check_execution_by_key(keys)
    out = {}
    for ck in keys:
        record = latest.get(ck)
        if record is not None and record.status not in COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES:
            history = storage.get_asset_check_execution_history(
                ck, limit=1, status=set(COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES))
            record = history[0] if history else None
        if record is not None:
            out[ck] = record
    return out


def check_results(context: AssetExecutionContext) -> pd.DataFrame:
    """Latest evaluation of every asset check (dbt tests included): passed, severity, when."""
    import pandas as pd

    graph = _graph(context)
    rows = []
    keys = sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name))
    completed = _latest_completed(context, keys)
    for ck in keys:
        record = completed.get(ck)
        evaluation = record.evaluation if record else None
        rows.append({
            "asset_key": ck.asset_key.to_user_string(),
            "check_name": ck.name,
            "status": record.status.value if record else "never_run",
            "passed": bool(evaluation.passed) if evaluation else None,
            "severity": evaluation.severity.value if evaluation else None,
            "evaluated_at": _ts(record.create_timestamp) if record else None,
            "description": (evaluation.description or "") if evaluation else "",
        })
    out = pd.DataFrame(rows, columns=["asset_key", "check_name", "status", "passed", "severity",
                                      "evaluated_at", "description"])
    out["evaluated_at"] = pd.to_datetime(out["evaluated_at"], utc=True)
    out["passed"] = out["passed"].astype("boolean")
    return out


def _every(cron: str, now: float) -> float:
    """Seconds between the two latest ticks of ``cron`` (UTC) before ``now``; a day when it is not a cron string."""
    from dagster._utils.schedules import reverse_cron_string_iterator

    try:
        ticks = reverse_cron_string_iterator(now, cron, "UTC")
        return next(ticks).timestamp() - next(ticks).timestamp()
    except Exception:  # noqa: BLE001 - the sensor reports a bad cron string; here it is a daily source
        return 86400.0


def _last_collected(context: AssetExecutionContext, source: str, city: str) -> datetime | None:
    """When the latest collect materialization of ``city`` that collected it and answered happened (the last
    50 looked at): its metadata lists the city and has no error, or fetched something."""
    from dagster import AssetRecordsFilter

    from assets.collect.assets import collect_key

    records = context.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=collect_key(source), asset_partitions=[city]), limit=50).records
    for record in records:  # newest first
        meta = record.asset_materialization.metadata if record.asset_materialization else {}
        cities = meta["cities"].value if "cities" in meta else []
        errors = meta["errors"].value if "errors" in meta else []
        fetched = meta["fetched"].value if "fetched" in meta else 0
        if city in (cities or []) and (not errors or fetched):
            return datetime.fromtimestamp(record.timestamp, UTC)
    return None


def collection_health(context: AssetExecutionContext) -> pd.DataFrame:
    """One row per enabled (source, city) of the sources file whose city is a member (a city that left the network
    is not collected, so not late: ``scn.ingest.sources.config.entries``): last collected, expected interval,
    status (scn.publish.collection_health). An unreadable sources file gives an empty table (the page says so)."""
    from scn.ingest.sources.base import SourceError
    from scn.ingest.sources.config import entries as enabled
    from scn.ingest.sources.config import source_config
    from scn.publish.collection_health import COLUMNS
    from scn.publish.collection_health import collection_health as table

    now = datetime.now(UTC)
    try:
        entries = [(s, city, _every(source_config(s, city).schedule, now.timestamp())) for s, city in enabled()]
    except SourceError as exc:
        context.log.warning(f"collection health: {exc}")
        import pandas as pd

        return pd.DataFrame(columns=list(COLUMNS))
    collected = {(s, c): t for s, c, _ in entries if (t := _last_collected(context, s, c)) is not None}
    return table(entries, collected, now)
