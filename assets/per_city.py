"""Per-city lake tables in runs scoped to the cities whose data changed (the ``scn/changed-cities`` tag of an
incremental `scn run`): which cities a run recomputes (``scope``), and the table with every other city's rows kept
from the last run (``recompute``). The analysis and review domains' per-city assets use these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dagster import AssetExecutionContext, AssetKey, AssetRecordsFilter, MaterializeResult, MetadataValue

from assets.ingest.partitions import changed_cities

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def scope(context: AssetExecutionContext, deps: list[AssetKey]) -> tuple[list[str] | None, str]:
    """The cities this run recomputes (None: every city) and why. Scoped only when the run carries the changed
    cities and the asset's last result is current for every other city: no input was materialized since, other
    than by this run or for a changed city (a run that failed half-way, a `--select` run of the marts)."""
    cities = changed_cities(context.run.tags)
    if cities is None:
        return None, "every city (run not scoped)"
    instance = context.instance
    last = instance.fetch_materializations(context.asset_key, limit=1).records
    if not last:
        return None, "every city (never computed)"
    for dep in deps:
        since = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=dep, after_storage_id=last[0].storage_id), limit=10_000).records
        for r in since:
            if r.run_id != context.run_id and (r.partition_key is None or r.partition_key not in cities):
                return None, f"every city ({dep.to_user_string()} changed since the last result)"
    return sorted(cities), "changed cities only"


@dataclass(frozen=True)
class Recomputed:
    """A per-city table after ``recompute``: the whole table, the cities computed, how many kept, and why."""
    frame: pa.Table
    computed: list[str]
    kept: int
    reason: str


def recompute(name: str, cities: list[str] | None, reason: str, compute: Callable[..., pd.DataFrame],
              order: list[str], widen: Callable[[], set[str]] | None = None) -> Recomputed:
    """The per-city table ``name``: ``compute(cities=...)`` for ``cities`` (with ``widen()``'s, cities whose
    other inputs changed) and every other city's rows kept from the lake table ``name`` as the last run left
    it, merged in ``order``; every city recomputed when ``cities`` is None or there is no previous table.
    Inside the lake's scope."""
    import pyarrow as pa

    from scn.analysis.tables import merge_cities, previous_table

    previous = previous_table(name) if cities is not None else None
    if cities is not None and previous is None:
        cities, reason = None, "every city (no previous result)"
    if cities is not None and widen is not None:
        cities = sorted(set(cities) | widen())
    fresh = compute(cities=cities)
    if cities is None:
        return Recomputed(pa.Table.from_pandas(fresh, preserve_index=False),
                          sorted(set(fresh["city_id"].astype(str))) if "city_id" in fresh else [], 0, reason)
    kept = 0 if previous is None else len(set(previous["city_id"].to_pylist()) - set(cities))
    return Recomputed(merge_cities(previous, fresh, cities, order), cities, kept, reason)


def per_city_result(frame, computed: list[str] | None, kept: int, reason: str, preview: bool = True,
            extra: dict | None = None) -> MaterializeResult:
    meta: dict = {"rows": len(frame), "scope": reason, "cities_kept": kept}
    if computed is not None:
        meta["cities_computed"] = MetadataValue.json(computed)
    if "city_id" in frame.column_names and len(frame):
        meta["cities"] = len(set(frame["city_id"].to_pylist()))
    if preview and len(frame):
        meta["preview"] = MetadataValue.md(frame.slice(0, 10).to_pandas().astype(str).to_markdown(index=False))
    return MaterializeResult(metadata={**meta, **(extra or {})})
