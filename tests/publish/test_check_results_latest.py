"""The data-health table of checks (``assets.publish.health.check_results``): each check's latest evaluation that
ran to a result, read for every check at once. A snapshot lists every check of the graph (276 in the small
world); it read them with one query each (~2 s of an incremental run's snapshot)."""

from __future__ import annotations

from types import SimpleNamespace

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    DagsterInstance,
    Definitions,
    MaterializeResult,
    asset,
    asset_check,
)

FAIL = {"now": False}


@asset
def table() -> MaterializeResult:
    if FAIL["now"]:
        raise RuntimeError("the asset fails: its checks are planned, never evaluated")
    return MaterializeResult()


@asset_check(asset=table)
def table_passes() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset_check(asset=table)
def table_fails() -> AssetCheckResult:
    return AssetCheckResult(passed=False)


@asset
def other() -> None:
    return None


@asset_check(asset=other)
def other_never_runs() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def _context(instance: DagsterInstance, defs: Definitions) -> AssetExecutionContext:
    """What ``check_results`` reads of a step's context: the instance and the job's graph (no platform tag)."""
    graph = defs.resolve_asset_graph()
    return SimpleNamespace(instance=instance, run=SimpleNamespace(tags={}),  # type: ignore[return-value]
                           job_def=SimpleNamespace(asset_layer=SimpleNamespace(asset_graph=graph)))


def test_check_results_keep_the_last_result_of_checks_only_planned_since(monkeypatch) -> None:  # noqa: ANN001
    from assets.publish.health import check_results

    defs = Definitions(assets=[table, other], asset_checks=[table_passes, table_fails, other_never_runs])
    job = defs.resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        FAIL["now"] = False
        assert job.execute_in_process(instance=instance, asset_selection=[table.key]).success
        FAIL["now"] = True  # a later run plans the checks, then stops before them
        assert not job.execute_in_process(instance=instance, asset_selection=[table.key],
                                          raise_on_error=False).success
        FAIL["now"] = False
        storage = instance.event_log_storage
        batched = storage.get_latest_asset_check_execution_by_key
        calls: list[int] = []

        def counted(keys, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            calls.append(len(keys))
            return batched(keys, *args, **kwargs)

        monkeypatch.setattr(storage, "get_latest_asset_check_execution_by_key", counted)
        out = check_results(_context(instance, defs)).set_index("check_name")
    assert out.loc["table_passes", "status"] == "SUCCEEDED" and bool(out.loc["table_passes", "passed"])
    assert out.loc["table_fails", "status"] == "FAILED" and not bool(out.loc["table_fails", "passed"])
    assert out.loc["other_never_runs", "status"] == "never_run"
    assert len(out) == 3
    assert calls == [3], calls  # every check's latest record in one read
