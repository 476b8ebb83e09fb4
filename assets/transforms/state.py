"""What the warehouse was last built from (``warehouse.dbt-state.json``: the dbt project's fingerprint, the home,
each lake table's parts (``lake``; ``lake_copied``: what a copy of the home keeps of them), the as-of date it was
built on and the day its earliest planned programme activity starts), whether a build may be per city, and how a
moved or copied home's warehouse follows it (``follow_home``). Light: no Dagster or dbt import, so a `scn run`
with nothing new can check it."""

import hashlib
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from scn.hashing import read_state, tree_stamp, write_state
from scn.scratch import sql_path
from scn.settings import as_of, settings

TRANSFORMS_DIR = Path(__file__).resolve().parents[2] / "transforms"


def project_files(root: Path = TRANSFORMS_DIR) -> list[Path]:
    """The files that define the dbt project under ``root`` (models, macros, tests, seeds, project and profile
    yml), sorted. Hidden files are not the project's: dbt itself writes ``.user.yml`` next to the profile when
    usage tracking is on, and an editor leaves ``.*.swp``; neither may make the warehouse stale."""
    return sorted(p for pattern in ("models/**/*", "macros/**/*", "tests/**/*", "seeds/**/*", "*.yml")
                  for p in root.glob(pattern)
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


def project_fingerprint(root: Path = TRANSFORMS_DIR) -> str:
    """Hash of the project's files (under ``root``) and of the vars every row depends on: a per-city incremental
    build is only valid on a warehouse built with the same fingerprint (otherwise unchanged cities' rows are
    stale)."""
    digest = hashlib.sha256(json.dumps({"min_group": settings().min_group}).encode())
    for p in project_files(root):
        digest.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def lake_fingerprints(copied: bool = False) -> dict[str, str]:
    """lake table -> fingerprint of its parts' ``tree_stamp`` (names, sizes, modification and change times,
    inodes): a part rewritten within one mtime tick still changes it. ``copied``: of the names, sizes and
    modification times only, which a copy of the home that keeps them (``shutil.copytree``, ``cp -a``) or a move
    leaves as they were (``follow_home``)."""
    root = settings().paths.lake
    out = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []:
        stamps = tree_stamp(folder, "part-*.parquet")
        text = json.dumps([s[:3] for s in stamps] if copied else stamps)
        out[folder.name] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out


def lake_literal(home: str | Path) -> str:
    """How the SQL of a view names the lake of ``home``: the start of its lake paths' string literal
    (macros/lake_source.sql: the home as ``sql_path`` writes it, then ``/lake/``)."""
    return sql_path(f"{home}/lake/")[:-1]


def follow_home() -> list[str]:
    """Make a warehouse built in another home (this home was moved or copied, with its warehouse and dbt state)
    this home's, without a dbt build: the views that read the old home's lake (the lake sources' paths are
    absolute) are re-created on this home's lake, in one transaction, and the state adopts this home; each lake
    table whose parts still have the names, sizes and modification times the build recorded (``lake_copied``)
    takes this home's fingerprint, any other keeps the old one, so the next build counts it as changed. The
    project, unit-test and as-of records stay: the next build is per city where it would have been in the old
    home (an incremental `scn run` of a copied demo home: a whole rebuild before). Returns the views re-created.

    Nothing is done when the state is this home's, is not of a whole build by this project (``built_from``: the
    next build is whole anyway), or the warehouse cannot be opened for writing (another process holds it): the
    state then still names the old home and the next build is whole, as for any warehouse not current."""
    import duckdb

    state, home = read_state(state_path()), str(settings().home)
    old = state.get("home")
    if not isinstance(old, str) or old == home or not built_from({**state, "home": home}, project_fingerprint()):
        return []
    before, after = lake_literal(old), lake_literal(home)
    copied = state.get("lake_copied") if isinstance(state.get("lake_copied"), dict) else {}
    try:
        with duckdb.connect(str(settings().paths.warehouse)) as con:
            views = con.execute("select schema_name, view_name, sql from duckdb_views() where not internal "
                                "and contains(sql, ?)", [before]).fetchall()
            con.execute("begin")
            for schema, name, sql in views:
                con.execute(f"drop view {_ident(schema)}.{_ident(name)}")
                con.execute(sql.replace(before, after))
            con.execute("commit")
    except duckdb.Error:
        return []
    now, now_copied = lake_fingerprints(), lake_fingerprints(copied=True)
    lake = {t: now[t] if t in now and copied.get(t) == now_copied.get(t) else fp for t, fp in state["lake"].items()}
    write_state(state_path(), {**state, "home": home, "lake": lake})
    return sorted(name for _, name, _ in views)


def _ident(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def state_path() -> Path:
    """What the last successful build was built from (project fingerprint, lake tables' parts): next to the
    warehouse."""
    return settings().paths.warehouse.with_name("warehouse.dbt-state.json")


def cities_path() -> Path:
    """The cities a per-city build recomputes, as ``{"cities": [...]}``, written for that build only (dbt reads
    it through the ``cities_file`` var, macros/city_incremental.sql): next to the warehouse."""
    return settings().paths.warehouse.with_name("warehouse.dbt-cities.json")


def parse_cache_path() -> Path:
    """dbt's partial-parse file of the last successful build in this home (dbt reuses it when the project's
    files, vars, profile and dbt version are those it was made from, and parses anew otherwise)."""
    return settings().paths.warehouse.with_name("warehouse.dbt-partial-parse.msgpack")


def built_from(state: dict[str, Any], project: str) -> bool:
    """Was the warehouse whose state (``scn.hashing.read_state(state_path())``) is ``state`` last built whole by
    the project with fingerprint ``project`` in this home, and is it still today's (``dated``)? A state of another
    shape (a damaged or hand-edited file: ``lake`` not a table -> fingerprint object) says no, so the next build is
    whole rather than a crash."""
    lake = state.get("lake", {})
    shaped = isinstance(lake, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in lake.items())
    return shaped and state.get("project") == project and state.get("home") == str(settings().home) and dated(state)


def dated(state: dict[str, Any]) -> bool:
    """Does the as-of date in force (``SCN_AS_OF``, else today) fall within the days the warehouse of ``state``
    holds for: on or after the as-of date it was built on (``as_of``) and before the first day a programme activity
    it counts as planned is held (``planned_until``, int_activities.held_from; null: nothing planned)? A planned
    activity turns held only when what counts it is rebuilt, so the day it starts the warehouse is not current;
    with nothing planned it stays current whatever the day."""
    built_on, until, today = state.get("as_of"), state.get("planned_until", ""), as_of().isoformat()
    return (isinstance(built_on, str) and built_on <= today
            and (until is None or (isinstance(until, str) and today < until)))


def as_of_state(warehouse: Path | None = None) -> dict[str, str | None]:
    """The as-of part of the state of a build that just succeeded: the as-of date in force and the earliest
    ``held_from`` of a planned activity in the warehouse (None: none planned, or a warehouse the model cannot be
    read from: then nothing planned is known, and a daily whole rebuild would cost more than a late "held")."""
    import duckdb

    today = as_of()
    try:
        with duckdb.connect(str(warehouse or settings().paths.warehouse), read_only=True) as con:
            row = con.execute("select min(held_from) from int_activities where planned").fetchone()
        until = row[0].isoformat() if row and row[0] is not None else None
    except duckdb.Error:
        until = None
    return {"as_of": today.isoformat(), "planned_until": until}


def as_of_state_after(built: dict[str, Any], rebuilt: Collection[str]) -> dict[str, str | None]:
    """``as_of_state`` of a build that rebuilt the models ``rebuilt`` of a warehouse whose state was ``built``:
    with int_activities not rebuilt, the earliest planned start ``built`` recorded (what the warehouse would say:
    the table is as that build left it) without opening the warehouse (~1 s)."""
    if "int_activities" not in rebuilt and "planned_until" in built:
        return {"as_of": as_of().isoformat(), "planned_until": built["planned_until"]}
    return as_of_state()


def warehouse_current() -> bool:
    """Was the warehouse last built whole by this project (files and vars) in this home, and does it still hold
    for the as-of date in force (``dated``)? Otherwise a build must rebuild every model: the views name the lake by
    its path (a moved or copied home would read the old one, unless ``follow_home`` re-pointed them), a model
    whose SQL or vars changed is stale until rebuilt, whatever data is new, and so are the counts of held
    activities once a planned one has started."""
    return built_from(read_state(state_path()), project_fingerprint())
