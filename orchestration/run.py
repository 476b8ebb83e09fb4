"""`scn run`: materialize the asset graph in process on the $SCN_HOME instance, then publish.

A plain `scn run` is incremental: it finds what is new (inbox files not in the ingest log, cities whose enriched
parts were computed from other inputs than the lake holds, a snapshot older than what it is built from) and
materializes only the affected city partitions and what depends on them; with nothing new it launches nothing.
`scn run --full` (or any ``--select``) materializes every selected asset over every city partition.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from dagster import AssetKey, AssetSelection, DagsterInstance, EventLogEntry

from assets.ingest.partitions import (
    CITY_PARTITIONS,
    changed_cities_tags,
    partitioned_keys,
    range_tags,
    register_inbox_cities,
    touches_partitions,
)
from assets.keys import SNAPSHOT_KEY, lake_key
from assets.maintenance.dead_runs import fail_dead_runs, run_process_tags
from assets.transforms.state import follow_home, warehouse_current
from orchestration.instance import scn_instance
from scn.hashing import cached_sha256, file_stamp, memo_by_stamps, read_state, write_state
from scn.settings import output_settings, paths

if TYPE_CHECKING:
    from dagster import Definitions

# the Dagster definitions (dbt, the analysis and publishing stacks) load only when something is to run: a `scn run`
# with nothing new plans from file stamps, the lake and the instance (``graph_summary``, ``pending_inbox``)
REPO_ROOT = Path(__file__).resolve().parents[1]
# what the asset graph is built from: its code (Python) and the dbt project (models, macros, seeds, sources)
GRAPH_SOURCES = (("assets", "*.py"), ("orchestration", "*.py"), ("scn", "*.py"), ("geo", "*.py"),
                 ("transforms/models", "*"), ("transforms/macros", "*"), ("transforms/seeds", "*"), ("config", "*"))
GRAPH_FILES = ("transforms/dbt_project.yml",)

ENRICHED = ("posts_enriched", "crimes_enriched")


@dataclass
class Plan:
    """What an incremental `scn run` materializes: ``runs`` = (asset keys, city partitions or None) in order."""

    runs: list[tuple[set[AssetKey], list[str] | None]] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    scoped: bool = True  # the unpartitioned assets downstream may recompute ``cities`` only (every city if False)


def run_pipeline(selection: str | None = None, raise_on_error: bool = False, publish: bool = True,
                 full: bool = False) -> bool:
    """Materialize what is new (default), every asset (``full``) or a Dagster selection string, with their checks,
    then the serving snapshot.

    Runs in this process on the $SCN_HOME/dagster instance, so the runs appear in the Dagster UI.
    ``publish=False`` skips the republication after a partial selection. Returns True when every step
    succeeded (True as well when nothing was new and nothing ran).
    """
    instance = scn_instance()
    for run_id in fail_dead_runs(instance):
        print(f"scn run: run {run_id} was left STARTED by a process that is gone; marked failed")
    if follow_home():  # a moved or copied home: its warehouse's views read its own lake from now on
        print("scn run: the home was moved or copied; the warehouse's views now read this home's lake")
    cities = register_cities(instance)
    if selection is None and not full:
        plan = plan_incremental(instance, cities)
        if not plan.runs:
            print("scn run: nothing new since the last run; nothing materialized (`scn run --full` rebuilds all)")
            return True
        print(f"scn run: {'; '.join(plan.reasons)}")
        ok = True
        for keys, run_cities in plan.runs:
            tags = {"scn/trigger": "cli", "scn/incremental": "true", **range_tags(run_cities or [])}
            if plan.cities and plan.scoped:  # the unpartitioned assets downstream recompute these cities only
                tags.update(changed_cities_tags(plan.cities))
            ok = _execute(instance, sorted(keys), tags, raise_on_error, selection)
            if not ok:
                break
        if ok:
            record_settings()
        return ok
    graph = _defs().resolve_asset_graph()
    keys = set(AssetSelection.from_string(selection).resolve(graph)) if selection else None
    if keys is not None and not keys:  # an empty selection would run every asset (None means all to Dagster)
        print(f"scn run: --select {selection!r} matches no asset; nothing materialized (the asset groups and keys "
              "are in the Dagster UI)", file=sys.stderr)
        return False
    tags = {"scn/trigger": "cli"}
    if touches_partitions(keys) or (keys is not None and keys & city_partitioned_keys()):
        if cities:
            tags.update(range_tags(cities))  # every city partition, in one run
        else:  # no city has any file yet: nothing to compute per city
            keys = (keys if keys is not None else set(graph.get_all_asset_keys())) - city_partitioned_keys()
            if not keys:
                print("scn run: the selection holds only per-city assets and no city has a file yet; nothing "
                      "materialized")
                return True
    ok = _execute(instance, sorted(keys) if keys else None, tags, raise_on_error, selection)
    if ok and keys is not None:
        record_settings(keys)  # what this selection computed, with the settings in force
    if publish and ok and keys is not None and SNAPSHOT_KEY not in keys:
        ok = _execute(instance, [SNAPSHOT_KEY], {"scn/trigger": "cli-publish"}, raise_on_error, selection)
        if ok:
            record_settings([SNAPSHOT_KEY])
    if ok and selection is None:
        record_settings()
    return ok


def _settings_state() -> Path:
    return paths().home / "state" / "output_settings.json"


def changed_settings(keys: Collection[AssetKey] | None = None) -> list[str]:
    """The ``OUTPUT_SETTINGS`` that differ from those ``keys`` were last computed with (None: those the last
    complete `scn run` computed every table with). An asset's own record comes from a `scn run --select` that
    computed it; without one, the last complete run's counts; without either (a home built before settings
    were recorded, or by runs that did not go through `scn run`), every setting counts as changed. A change
    recomputes every city: the kept rows of unchanged cities, the per-city marts and the officials' detail levels
    would otherwise stay as the old settings made them."""
    state = read_state(_settings_state())
    complete = state.get("settings")
    by_asset = state.get("assets") if isinstance(state.get("assets"), dict) else {}
    now = output_settings()
    records = [complete] if keys is None else [by_asset.get(k.to_user_string(), complete) for k in keys]
    if any(not isinstance(r, dict) for r in records):
        return list(now)
    return [name for name, value in now.items() if any(r.get(name) != value for r in records)]


def record_settings(keys: Collection[AssetKey] | None = None) -> None:
    """Record the settings ``keys`` were just computed with (None: a complete run computed every table with them,
    and the per-asset records are superseded) (``changed_settings``)."""
    now = output_settings()
    state = read_state(_settings_state())
    if keys is None:
        write_state(_settings_state(), {"settings": now})
        return
    by_asset = state.get("assets") if isinstance(state.get("assets"), dict) else {}
    by_asset.update({k.to_user_string(): now for k in keys})
    write_state(_settings_state(), {**({"settings": state["settings"]} if isinstance(state.get("settings"), dict)
                                       else {}), "assets": by_asset})


def _execute(instance: DagsterInstance, keys: list[AssetKey] | None, tags: dict[str, str], raise_on_error: bool,
             selection: str | None) -> bool:
    from scn.ops.notify import notify

    job = _defs().resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=instance, asset_selection=keys, raise_on_error=raise_on_error,
                                    tags={**tags, **run_process_tags()})
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        notify("SCN pipeline run failed (scn run)", f"failed steps: {', '.join(failed) or 'unknown'}",
               run_id=result.run_id, selection=selection, failed_steps=failed)
    return result.success


def city_partitioned_keys() -> set[AssetKey]:
    """Every asset partitioned by city (ingests, collects, enrichment)."""
    graph = _defs().resolve_asset_graph()
    return {k for k in graph.get_all_asset_keys() if graph.get(k).partitions_def is not None} | \
        set(partitioned_keys())


def register_cities(instance: DagsterInstance) -> list[str]:
    """Register a `city` partition for every city folder in the inbox and every city with rows in the lake (a file
    ingested by hand with `scn ingest ... --city`); return every city partition, in order."""
    from scn.enrich.parts import lake_cities

    cities = register_inbox_cities(instance)
    new = sorted(set(lake_cities()) - set(cities))
    if new:
        instance.add_dynamic_partitions(CITY_PARTITIONS.name, new)
        cities = list(instance.get_dynamic_partitions(CITY_PARTITIONS.name))
    return cities


def _defs():
    """The merged Dagster definitions (imported on first use: loading them costs seconds)."""
    from orchestration.definitions import defs

    return defs


def pending_inbox() -> dict[str, set[str | None]]:
    """kind -> the cities (None: files outside city folders) of the inbox files not yet in the ingest log, or
    logged as waiting for their city or its boundaries, now there (``scn.ingest.pipeline.ready_waiting``).

    File hashes are kept in ``$SCN_HOME/state/inbox_sha256.json`` by path with each file's size, mtime, ctime
    and inode (``scn.hashing.cached_sha256``): an unchanged file is not read again. A file rewritten in place
    is hashed again even when its size is the same and its mtime was set back (its ctime changed)."""
    from scn import lake
    from scn.ingest.families import FAMILY_TABLES
    from scn.ingest.pipeline import city_from_path, inbox_entries, ready_waiting

    files = [(kind, p) for kind in FAMILY_TABLES for p in inbox_entries(kind)[0]]
    hashes = cached_sha256([p for _, p in files], paths().home / "state" / "inbox_sha256.json")
    if not files:
        return {}
    logged = lake.read_table("ingest_log", ["sha256", "kind", "city_id"]) if lake.has_table("ingest_log") else None
    done = set() if logged is None else \
        set(zip(logged["kind"], logged["sha256"], logged["city_id"].fillna(""), strict=True))
    if logged is not None:  # files that waited for their city or its boundaries, which are there now
        done -= ready_waiting(logged)
    pending: dict[str, set[str | None]] = {}
    for kind, p in files:
        city, sha = city_from_path(kind, p), hashes[p]
        if sha is None:
            continue  # unreadable: recorded as such by the ingest, if it ever runs
        if (kind, sha, city or "") not in done:
            pending.setdefault(kind, set()).add(city)
    return pending


@dataclass(frozen=True)
class GraphSummary:
    """What planning needs of the asset graph when nothing is new: every key, the city-partitioned ones, and
    what the snapshot is built from."""

    keys: frozenset[AssetKey]
    per_city: frozenset[AssetKey]
    snapshot_upstream: frozenset[AssetKey]


def _graph_stamp() -> list:
    """Stamps of every file the asset graph is built from, and the versions of the libraries that build it."""
    files = [f for folder, pattern in GRAPH_SOURCES for f in sorted((REPO_ROOT / folder).rglob(pattern))
             if f.is_file() and "__pycache__" not in f.parts] + \
        [REPO_ROOT / f for f in GRAPH_FILES if (REPO_ROOT / f).exists()]
    libraries = [metadata.version(d) for d in ("dagster", "dagster-dbt", "dbt-core")]
    return [sys.version, libraries, [[str(f.relative_to(REPO_ROOT)), *file_stamp(f)] for f in files]]


def _summarise() -> str:
    import json

    graph = _defs().resolve_asset_graph()
    upstream = snapshot_upstream(_defs())
    return json.dumps({name: sorted(k.to_user_string() for k in keys) for name, keys in (
        ("keys", graph.get_all_asset_keys()), ("per_city", city_partitioned_keys()), ("upstream", upstream))})


def graph_summary() -> GraphSummary:
    """The ``GraphSummary`` of the definitions, kept in ``$SCN_HOME/state/asset_graph.json`` with the
    ``_graph_stamp`` it was computed under: the definitions load only when their code or the dbt project
    changed."""
    import json

    text = memo_by_stamps(paths().home / "state" / "asset_graph.json", _graph_stamp(), _summarise)
    data = json.loads(text)
    keys = {name: frozenset(AssetKey.from_user_string(k) for k in data[name]) for name in data}
    return GraphSummary(keys["keys"], keys["per_city"], keys["upstream"])


def plan_incremental(instance: DagsterInstance, cities: list[str]) -> Plan:
    """The runs that bring the lake, the warehouse and the snapshot up to date with the inbox; none when nothing
    is new. With nothing new it reads file stamps, the lake and the instance only (``graph_summary``)."""
    from scn.enrich.parts import stale_cities, stale_label_parts
    from scn.ingest.sources.config import configured

    pending = pending_inbox()
    relabel = bool(stale_label_parts())
    summary = graph_summary()
    latest = instance.get_latest_materialization_events(sorted(summary.keys))
    # the settings every computed asset was last computed with (one never computed is built below anyway)
    settings_changed = changed_settings([k for k in summary.keys if latest.get(k) is not None])
    stale = {table: [c for c in stale_cities(table) if c in cities] for table in ENRICHED}
    collecting = {s: cs for s, cs in configured().items() if cs}
    # assets never materialized (a fresh home, or a model added since): built with what is new
    never = {k for k in summary.keys - summary.per_city if latest.get(k) is None}
    reasons = []
    if not warehouse_current():  # another dbt project or vars, another home, a build that failed: every model
        never |= {k for k in summary.keys if k.path[0] == "warehouse"}
        reasons.append("the warehouse was not built whole by this dbt project in this home")
    if not (pending or relabel or settings_changed or any(stale.values()) or collecting or never
            or snapshot_out_of_date(summary.snapshot_upstream, latest)):
        return Plan()
    plan = _plan_with_graph(cities, pending, relabel, settings_changed, stale, collecting, never, latest)
    plan.reasons[:0] = reasons
    # a warehouse rebuilt whole changes every city's marts: the per-city analyses must not keep any city's rows
    plan.scoped = not reasons
    if plan.cities and plan.scoped:  # a per-city dbt build: the models it would skip as unchanged are not selected
        drop_unbuilt_models(plan, latest)
    return plan


def drop_unbuilt_models(plan: Plan, latest: Mapping[AssetKey, EventLogEntry | None]) -> None:
    """Leave out of ``plan`` the warehouse models and seeds built from none of the lake tables its runs write (nor
    from one already changed since the last build: ``assets.transforms.assets.unbuilt_keys``): a per-city build
    would skip them, but selected, each of their dbt tests is planned as an asset check (~170 of ~230 checks of a
    social file's run) and each is reported materialized unchanged. Kept: one never materialized (it would stay
    "never" otherwise, and be planned by every run)."""
    from assets.transforms.assets import SKIP_UNCHANGED, unbuilt_keys

    if not SKIP_UNCHANGED:
        return
    written = {k.path[-1] for keys, _ in plan.runs for k in keys if k.path[0] == "lake"}
    drop = {k for k in unbuilt_keys(written) if latest.get(k) is not None}
    plan.runs = [(keys - drop, run_cities) for keys, run_cities in plan.runs]


def _plan_with_graph(cities: list[str], pending: dict[str, set[str | None]], relabel: bool, settings_changed: list[str],
                     stale: dict[str, list[str]], collecting: dict[str, list[str]], never: set[AssetKey],
                     latest: Mapping[AssetKey, EventLogEntry | None]) -> Plan:
    """``plan_incremental`` once something is new: the runs, resolved on the asset graph."""
    from assets.transforms.project import SEEDS_GROUP
    from scn.ingest.families import FAMILY_TABLES

    graph = _defs().resolve_asset_graph()
    per_city = city_partitioned_keys()
    plan = Plan()
    affected: set[str] = set()
    unpartitioned_ingest: set[AssetKey] = set()
    for kind, kind_cities in sorted(pending.items()):
        tables = {lake_key(t) for t in FAMILY_TABLES[kind]}
        plan.reasons.append(f"new {kind} files ({', '.join(sorted(c or '(network)' for c in kind_cities))})")
        if tables & per_city:
            affected |= set(cities) if None in kind_cities else {c for c in kind_cities if c in cities}
        else:
            unpartitioned_ingest |= tables
            if AssetSelection.assets(*tables).downstream().resolve(graph) & per_city:
                affected |= set(cities)  # the registry: every city is located against it
    if relabel:
        affected |= set(cities)
        plan.reasons.append("a new labelling version")
    if settings_changed:
        affected |= set(cities)
        plan.reasons.append(f"settings changed since the last complete run: {', '.join(settings_changed)}")
    for table in ENRICHED:
        if stale[table]:
            plan.reasons.append(f"{table} out of date for {', '.join(stale[table])}")
        affected |= set(stale[table])
    collect = {AssetKey(["collect", s]) for s in collecting}
    if collecting:
        affected |= {c for cs in collecting.values() for c in cs if c in cities}
        plan.reasons.append(f"collection configured for {', '.join(sorted(collecting))}")
    partitioned = {k for k in per_city if k.path[0] != "collect"} | collect
    seeds = set(AssetSelection.groups(SEEDS_GROUP).resolve(graph))
    never = set(AssetSelection.assets(*never).downstream().resolve(graph)) - per_city if never else set()
    if affected:
        plan.cities = [c for c in cities if c in affected]
        downstream = set(AssetSelection.assets(*partitioned, *unpartitioned_ingest).downstream().resolve(graph))
        tail = (downstream - per_city) | seeds | never
        # the per-city assets something new reaches: every one after a new registry or changed settings, or
        # when collecting (a collector's files are ingested in the run that fetched them, and no asset edge says
        # which); what is downstream of them all (warehouse, analyses, snapshot) is planned whatever reached it
        if not (unpartitioned_ingest or settings_changed or collecting):
            starts = {lake_key(t) for kind in pending for t in FAMILY_TABLES[kind]} | \
                {lake_key(t) for t in ENRICHED if stale[t]} | ({lake_key("post_labels")} if relabel else set())
            partitioned &= set(AssetSelection.assets(*(starts & per_city)).downstream().resolve(graph))
        ranges = contiguous_ranges(plan.cities, cities)
        for i, run_cities in enumerate(ranges):
            keys = set(partitioned) | (unpartitioned_ingest if i == 0 else set())
            plan.runs.append((keys | (tail if i == len(ranges) - 1 else set()), run_cities))
    elif unpartitioned_ingest or never or snapshot_out_of_date(snapshot_upstream(_defs()), latest):
        if not unpartitioned_ingest:
            plan.reasons.append("the snapshot is older than what it is built from")
        sources = unpartitioned_ingest or partitioned
        tail = set(AssetSelection.assets(*sources).downstream().resolve(graph)) - per_city
        plan.runs.append((tail | unpartitioned_ingest | seeds | never, None))
    return plan


def contiguous_ranges(wanted: list[str], order: list[str]) -> list[list[str]]:
    """``wanted`` (a subset of ``order``) as runs of neighbours in ``order``: one partition range per run."""
    ranges: list[list[str]] = []
    last = -2
    for i, c in enumerate(order):
        if c in wanted:
            if i != last + 1:
                ranges.append([])
            ranges[-1].append(c)
            last = i
    return ranges


def snapshot_upstream(defs: Definitions) -> set[AssetKey]:
    """Every asset of ``defs`` the snapshot is built from."""
    return set(AssetSelection.assets(SNAPSHOT_KEY).upstream().resolve(defs.resolve_asset_graph())) - {SNAPSHOT_KEY}


def snapshot_out_of_date(upstream: set[AssetKey] | frozenset[AssetKey],
                         latest: Mapping[AssetKey, EventLogEntry | None]) -> bool:
    """Was anything the snapshot is built from (``upstream``) materialized after it (a run that failed before
    publishing), or has it never been published? ``latest``: each asset's latest materialization."""
    snap = latest.get(SNAPSHOT_KEY)
    if snap is None:
        return True
    return any(e is not None and e.timestamp > snap.timestamp for e in (latest.get(k) for k in upstream))
