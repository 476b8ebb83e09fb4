"""Data-health tables for the serving snapshot, read from the Dagster instance (the quarantine summary is a dbt
mart)."""


from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dagster import AssetExecutionContext

if TYPE_CHECKING:
    import pandas as pd


def _ts(seconds: float | None) -> pd.Timestamp | None:
    import pandas as pd

    return pd.Timestamp(datetime.fromtimestamp(seconds, UTC)) if seconds else None


def _graph(context: AssetExecutionContext):
    """The asset graph of the code location running this step (the job's view of it: every asset)."""
    return context.job_def.asset_layer.asset_graph


def asset_health(context: AssetExecutionContext) -> pd.DataFrame:
    """Latest materialization of every asset in the graph: when, in which run, how many rows."""
    import pandas as pd

    graph = _graph(context)
    keys = sorted(graph.materializable_asset_keys)
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


def check_results(context: AssetExecutionContext) -> pd.DataFrame:
    """Latest evaluation of every asset check (dbt tests included): passed, severity, when."""
    import pandas as pd

    graph = _graph(context)
    rows = []
    for ck in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        record = context.instance.get_latest_asset_check_evaluation_record(ck)
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
