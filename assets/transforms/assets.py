"""Every dbt model is a Dagster asset; dbt tests (data and unit tests) surface as asset checks."""

import json
import shutil
import time
import uuid
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Output

from assets.ingest.partitions import changed_cities
from assets.resources import LakeResource
from assets.transforms.dbt_lib import DbtCliResource, dbt_assets
from assets.transforms.project import TRANSLATOR, dbt_project, dbt_vars
from assets.transforms.state import (
    as_of_state,
    as_of_state_after,
    built_from,
    cities_path,
    follow_home,
    lake_fingerprints,
    parse_cache_path,
    project_fingerprint,
    state_path,
)
from scn.hashing import copy_atomic, read_state, write_state
from scn.settings import settings

# the DuckDB warehouse has one writer: every dbt step takes a slot of this pool (one slot in the production profile)
WAREHOUSE_POOL = "duckdb_warehouse"
# skip models none of whose lake tables changed (and their tests) in a per-city build; their checks keep their
# last completed evaluation (assets/publish/health.py reads a check only planned as not re-run)
SKIP_UNCHANGED = True
PARSE_FILE = "partial_parse.msgpack"  # what dbt keeps of a parse in its target folder
INVOCATION_PREFIX = "scn_dbt_models-"  # target folders of this asset's dbt commands (<run>-<random>)
KEEP_INVOCATIONS = 20  # the newest kept for reading (dbt.log; a full build's run_results.json); older removed
UNCHANGED = "scn/unchanged"  # materialization metadata of a model not rebuilt: nothing it is built from changed


@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), dagster_dbt_translator=TRANSLATOR,
            name="scn_dbt_models", pool=WAREHOUSE_POOL, op_tags={"scn/writes-warehouse": "true"})
def scn_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, lake: LakeResource):
    """`dbt build` (models, then their tests) over the selected models. Lake tables of families no file has
    brought yet are created empty first (a sensor run that ingested social files only must still build).

    A run tagged with the cities whose data changed (an incremental `scn run`), on a warehouse last built
    successfully by this same project in this home, is a per-city build: the per-city marts replace those cities'
    rows only, models (and seeds) none of whose lake tables changed since they were built are not rebuilt (nor
    their tests run: they are reported materialized with ``scn/unchanged``), and unit tests are skipped (they
    test the SQL, which already passed them). Any other run rebuilds every selected table and runs every data
    test, and the unit tests unless this project's SQL already passed them all in this home (``unit_tests`` of
    the state: a home copied or moved, or rebuilt whole for a new day, does not test the same SQL again; dbt
    advises unit tests in development and CI only, and `make test` runs them all, tests/transforms)."""
    created = lake.ensure_tables(())
    if created:
        context.log.info(f"lake tables created empty: {', '.join(created)}")
    if moved := follow_home():  # a home moved or copied: its views re-pointed at its own lake
        context.log.info(f"views re-pointed at this home's lake: {', '.join(moved)}")
    built, project = read_state(state_path()), project_fingerprint()
    tables, copied = lake_fingerprints(), lake_fingerprints(copied=True)
    cities = changed_cities(context.run.tags)
    selected = {k.path[-1] for k in context.selected_asset_keys}
    home = str(settings().home)
    current = built_from(built, project)
    per_city = cities is not None and current
    skipped = sorted(selected & unchanged_nodes(changed_tables(built.get("lake", {}), tables))) \
        if per_city and SKIP_UNCHANGED else []
    units_passed = built.get("unit_tests") == project
    units_run = not (per_city or units_passed)
    args = build_args(per_city, skipped, unit_tests=units_run)
    context.log.info(f"dbt {' '.join(args)}" + (f" (cities: {', '.join(cities)})" if per_city else ""))
    state_path().unlink(missing_ok=True)  # a build that fails half-way leaves the next one a full rebuild
    yield from unchanged_outputs(context, skipped)  # first: Dagster wants outputs in dependency order
    target = invocation_target(context.run.run_id)
    write_cities(cities if per_city else None)
    try:
        yield from dbt.cli(args, context=context, target_path=target).stream()
    finally:
        write_cities(None)
    keep_parse(target)
    prune_invocations(target.parent)
    # the lake state each table's models are now built from: kept old for a table some model of which was not built
    done = selected
    lake_state = {t: fp if downstream(t) <= done else built.get("lake", {}).get(t) for t, fp in tables.items()}
    copied_before = built.get("lake_copied") if isinstance(built.get("lake_copied"), dict) else {}
    copied_state = {t: fp if downstream(t) <= done else copied_before.get(t) for t, fp in copied.items()}
    # every model not built in this run is as this project builds it in this home: the warehouse was current
    # before (and stays so), or every model was built now
    whole = set(model_names()) <= done
    if current or whole:
        units = units_passed or (whole and units_run)  # every unit test ran (a subset's would not) and passed
        write_state(state_path(), {"project": project, "home": home, **({"unit_tests": project} if units else {}),
                                   "lake": {t: fp for t, fp in lake_state.items() if fp},
                                   "lake_copied": {t: fp for t, fp in copied_state.items() if fp},
                                   **(as_of_state_after(built, selected - set(skipped)) if per_city
                                      else as_of_state())})


def build_args(per_city: bool, skipped: list[str], unit_tests: bool = False) -> list[str]:
    """The `dbt build` arguments: per city (the cities in ``cities_path()``; no unit tests, ``skipped`` models
    and seeds excluded, and no manifest.json or run_results.json written: the manifest alone, 2 MB of JSON, cost
    ~1 s of an incremental run, and dbt.log holds each node's result) or a full refresh with every data test, and
    the unit tests if ``unit_tests`` (46% of a whole build's node-seconds on the demo world)."""
    if not per_city:
        return ["build", "--vars", dbt_vars(), "--full-refresh",
                *([] if unit_tests else ["--exclude", "resource_type:unit_test"])]
    return ["build", "--no-write-json", "--vars", dbt_vars(), "--exclude",
            " ".join(["resource_type:unit_test", *skipped])]


def write_cities(cities: list[str] | None) -> None:
    """The cities the next build recomputes (macros/city_incremental.sql), or none: the file removed."""
    if cities is None:
        cities_path().unlink(missing_ok=True)
    else:
        write_state(cities_path(), {"cities": sorted(cities)})


def invocation_target(run_id: str) -> Path:
    """A new target folder for one dbt command (as dagster-dbt names them), holding the partial-parse file of
    the last successful build in this home, so dbt parses only what changed since (all, when anything it
    checks differs)."""
    target = Path(dbt_project().project_dir) / "target" / f"{INVOCATION_PREFIX}{run_id[:7]}-{uuid.uuid4().hex[:7]}"
    target.mkdir(parents=True)
    if parse_cache_path().exists():
        shutil.copyfile(parse_cache_path(), target / PARSE_FILE)
    return target


def prune_invocations(folder: Path, keep: int = KEEP_INVOCATIONS, younger: float = 3600.0) -> list[Path]:
    """Remove the target folders of past dbt commands of this asset but the ``keep`` newest and any changed in
    the last ``younger`` seconds (a command may still be writing it); each holds ~10 MB (manifest, parse,
    logs), one per run. Folders another process removes meanwhile are skipped. Returns what it removed."""
    now = time.time()
    ages = {}
    for p in folder.glob(f"{INVOCATION_PREFIX}*"):
        try:
            ages[p] = now - p.stat().st_mtime
        except FileNotFoundError:
            continue
    old = [p for p in sorted(ages, key=ages.__getitem__)[keep:] if ages[p] > younger and p.is_dir()]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    return old


def keep_parse(target: Path) -> None:
    """Keep a successful build's partial-parse file for the next build in this home (replaced whole)."""
    made = target / PARSE_FILE
    if made.exists():
        copy_atomic(made, parse_cache_path())


def unchanged_outputs(context: AssetExecutionContext, names: list[str]) -> Iterator[Output]:
    """Outputs of the selected models not rebuilt, in dependency order, so what depends on them in the run still
    runs (none of them depends on a model rebuilt: that one would be built from a changed table too)."""
    order = {n: i for i, n in enumerate(topological_names())}
    for name in sorted(names, key=order.__getitem__):
        key = AssetKey(["warehouse", name])  # seeds too (ScnDbtTranslator)
        if key in context.selected_asset_keys:
            yield Output(None, output_name=key.to_python_identifier(),
                         metadata={UNCHANGED: "none of the lake tables it is built from changed since its last build"})


def changed_tables(before: dict[str, str], now: dict[str, str]) -> set[str]:
    """Lake tables whose parts differ from the last successful build's."""
    return {t for t in before.keys() | now.keys() if before.get(t) != now.get(t)}


def unbuilt_keys(written: Collection[str]) -> set[AssetKey]:
    """The warehouse assets (models and seeds) a per-city build would not rebuild after a run that writes the lake
    tables ``written``: built from none of them, nor from a table whose parts already differ from the last build's.
    An incremental `scn run` leaves them out of its selection (orchestration/run.py), so their asset checks are not
    planned (``scn_dbt_models`` still skips, with ``scn/unchanged``, a selected model none of whose tables changed)."""
    before = read_state(state_path()).get("lake", {})
    changed = set(written) | changed_tables(before if isinstance(before, dict) else {}, lake_fingerprints())
    return {AssetKey(["warehouse", n]) for n in unchanged_nodes(changed)}


def unchanged_nodes(changed: set[str]) -> set[str]:
    """Models and seeds (names) built from none of the ``changed`` lake tables."""
    touched = set().union(*(downstream(t) for t in changed)) if changed else set()
    return (set(model_names()) | set(seed_names())) - touched


@cache
def _manifest() -> dict[str, Any]:
    return json.loads(dbt_project().manifest_path.read_text())


def _descendants(node: str) -> set[str]:
    children, seen, todo = _manifest()["child_map"], set(), [node]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


@cache
def downstream(table: str) -> frozenset[str]:
    """Models (names) built from a lake table. The ingest log counts for `stg_ingest_log` and what reads it only:
    the registries' newest-part order (macros/newest_part.sql) changes only with the registry table's own parts."""
    node = "model.scn.stg_ingest_log" if table == "ingest_log" else f"source.scn.lake.{table}"
    nodes = _descendants(node) | ({node} if table == "ingest_log" else set())
    return frozenset(n.split(".")[-1] for n in nodes if n.startswith("model."))


@cache
def topological_names() -> tuple[str, ...]:
    """Every model and seed (names), each after what it is built from."""
    parents, nodes = _manifest()["parent_map"], _manifest()["nodes"]
    ids = [i for i, n in nodes.items() if n["resource_type"] in ("model", "seed")]
    done: dict[str, None] = {}

    def visit(node: str) -> None:
        if node in done or node not in nodes:
            return
        for parent in parents.get(node, []):
            visit(parent)
        done[node] = None

    for node in sorted(ids):
        visit(node)
    return tuple(nodes[i]["name"] for i in done if nodes[i]["resource_type"] in ("model", "seed"))


@cache
def model_names() -> tuple[str, ...]:
    return tuple(n["name"] for n in _manifest()["nodes"].values() if n["resource_type"] == "model")


@cache
def seed_names() -> tuple[str, ...]:
    return tuple(n["name"] for n in _manifest()["nodes"].values() if n["resource_type"] == "seed")


@cache
def incremental_names() -> tuple[str, ...]:
    """The models built per city (materialized incremental)."""
    return tuple(n["name"] for n in _manifest()["nodes"].values()
                 if n["resource_type"] == "model" and n["config"].get("materialized") == "incremental")


@cache
def mart_keys() -> tuple[AssetKey, ...]:
    """Asset keys of every model under models/marts/, read from the manifest."""
    manifest = json.loads(dbt_project().manifest_path.read_text())
    names = sorted(n["name"] for n in manifest["nodes"].values()
                   if n["resource_type"] == "model" and n.get("fqn", [None, None])[1] == "marts")
    return tuple(AssetKey(["warehouse", n]) for n in names)
