"""The published serving snapshot: what dashboards and exports read, swapped in atomically after a good run.

Layout: ``serving/snapshots/<snapshot_id>/<table>.parquet`` plus ``manifest.json``; ``serving/current`` is a
symlink replaced with one ``rename`` so readers see either the old snapshot or the new one, never a mix.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn.scratch import sql_path, sql_string
from scn.settings import paths, settings

KEEP_SNAPSHOTS = 3


class NoSnapshotError(FileNotFoundError):
    """Raised when nothing has been published yet."""


def current_dir() -> Path:
    """Folder of the current snapshot (resolved, so a reader keeps one snapshot even if a swap happens)."""
    link = paths().serving_current
    if not link.exists():
        raise NoSnapshotError(f"no serving snapshot under {paths().serving}: run `scn run` first")
    return link.resolve()


def manifest(snapshot: Path | None = None) -> dict:
    """The manifest of the current (or given) snapshot."""
    return json.loads(((snapshot or current_dir()) / "manifest.json").read_text())


def table_path(name: str, snapshot: Path | None = None) -> Path:
    return (snapshot or current_dir()) / f"{name}.parquet"


def read_serving(name: str, city_id: str | None = None, snapshot: Path | None = None,
                 columns: list[str] | None = None) -> pd.DataFrame:
    """Read one published table, optionally filtered to one city (tables with a ``city_id`` column)."""
    path = table_path(name, snapshot)
    if not path.exists():
        raise NoSnapshotError(f"table {name!r} is not in the serving snapshot {path.parent.name}")
    filters = [("city_id", "=", city_id)] if city_id is not None else None
    if filters and "city_id" not in pq.read_schema(path).names:
        filters = None
    return pq.read_table(path, columns=columns, filters=filters).to_pandas()


def has_city_column(name: str, snapshot: Path | None = None) -> bool:
    """Whether a published table has a ``city_id`` column (False when it is not published)."""
    path = table_path(name, snapshot)
    return path.exists() and "city_id" in pq.read_schema(path).names


def publish(tables: Mapping[str, pd.DataFrame | pa.Table], run_id: str, data_date: str | None = None,
            from_duckdb: tuple[Path, Mapping[str, str]] | None = None,
            fingerprints: Mapping[str, str] | None = None, reuse: bool = True) -> Path:
    """Write a new snapshot and swap ``serving/current`` to it atomically. Returns the snapshot folder.

    ``tables`` maps serving names to frames; ``from_duckdb`` = (database file, {serving name: sql}) copies
    query results straight from a DuckDB file (opened read-only) with COPY, without passing through pandas.

    Every table gets a content fingerprint (``fingerprints`` where the caller knows one, e.g. a lake table's
    content-named parts; else a digest of its rows and schema), kept in the manifest. With ``reuse``, a table
    whose fingerprint equals the current snapshot's is hard-linked from it instead of written again (the new
    snapshot is still complete on its own and swapped in whole); the officials' levels are chosen again only for
    the cities whose published cells, areas or counts changed (``published_levels``, the same rule).
    """
    root = paths().serving
    snap_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{run_id[:8]}"
    tmp = root / "snapshots" / f".tmp-{os.getpid()}-{snap_id}"  # a killed publish's folder is swept (prune)
    final = root / "snapshots" / snap_id
    tmp.mkdir(parents=True, exist_ok=True)
    previous, before = _previous() if reuse else (None, {})
    old_prints, old_counts = before.get("fingerprints", {}), before.get("tables", {})
    prints: dict[str, str] = {}
    counts: dict[str, int] = {}
    reused: list[str] = []

    def take(name: str, fingerprint: str) -> bool:
        """Link ``name`` from the previous snapshot when its content is the same; True when done."""
        prints[name] = fingerprint
        if previous is None or old_prints.get(name) != fingerprint or name not in old_counts \
                or not _intact(table_path(name, previous), int(old_counts[name])):
            return False
        _link(table_path(name, previous), tmp / f"{name}.parquet")
        counts[name] = int(old_counts[name])
        reused.append(name)
        return True

    for name, frame in tables.items():
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        if not take(name, arrow_fingerprint(table)):
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
            counts[name] = table.num_rows
    if from_duckdb:
        db, queries = from_duckdb
        with duckdb.connect(str(db), read_only=True) as con:
            for name, sql in queries.items():
                known = (fingerprints or {}).get(name)
                if take(name, _digest([sql, known]) if known else query_fingerprint(con, sql)):
                    continue
                target = tmp / f"{name}.parquet"
                con.execute(f"copy ({sql}) to {sql_string(target)} (format parquet, compression zstd)")
                counts[name] = con.execute(f"select count(*) from read_parquet({sql_path(target)})").fetchone()[0]
    # the official's level of detail, chosen once (not per page load)
    counts.update(_levels(tmp, previous if reuse else None, reused))
    meta = {
        "snapshot_id": snap_id,
        "run_id": run_id,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_date": data_date,
        "tables": counts,
        "fingerprints": prints,
        "reused": sorted(reused),
    }
    (tmp / "manifest.json").write_text(json.dumps(meta, indent=2))
    _sync_folder(tmp, files=True)  # every table on disk before the snapshot is named and served
    os.replace(tmp, final)
    _sync_folder(final.parent)
    swap_current(final)
    _sync_folder(root)
    prune(keep=KEEP_SNAPSHOTS)
    return final


def _previous() -> tuple[Path | None, dict]:
    """The current snapshot and its manifest ((None, {}) when there is none or it cannot be read)."""
    try:
        snap = current_dir()
        return snap, manifest(snap)
    except (OSError, ValueError):
        return None, {}


def _intact(path: Path, rows: int) -> bool:
    """Whether a published table can be linked into the next snapshot: its footer reads and holds the rows the
    manifest says (a file emptied or cut by a crash, a full disk or a hand would otherwise be linked into every
    later snapshot, as its fingerprint is the manifest's, not the file's)."""
    try:
        return pq.read_metadata(path).num_rows == rows
    except (OSError, ValueError, pa.ArrowException):
        return False


def _sync_folder(folder: Path, files: bool = False) -> None:
    """fsync ``folder`` (its entries), and with ``files`` each file in it first (``lake.io.fsync_path``)."""
    from scn.lake.io import fsync_path

    for path in sorted(folder.iterdir()) if files else ():
        if path.is_file() and not path.is_symlink():
            fsync_path(path)
    fsync_path(folder)


def _link(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (snapshots are never modified once published), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _digest(parts: list) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def arrow_fingerprint(table: pa.Table) -> str:
    """Digest of an Arrow table's schema and rows (in order)."""
    digest = hashlib.sha256(str(table.schema).encode())
    for batch in table.to_batches(max_chunksize=1_000_000):
        digest.update(batch.serialize().to_pybytes())
    return digest.hexdigest()[:32]


def query_fingerprint(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """Digest of what ``sql`` returns: its columns and types, row count and an order-free sum of the rows'
    hashes (one scan, no sort, nothing written); the query text and DuckDB's version included."""
    columns = [(d[0], str(d[1])) for d in con.execute(f"select * from ({sql}) limit 0").description]
    n, total = con.execute(f"select count(*), sum(hash(q)::hugeint) from ({sql}) q").fetchone()
    return _digest([sql, duckdb.__version__, columns, int(n), str(total)])


LEVEL_INPUTS = ("cell_month", "area_month", "city_month", "areas")


def _levels(tmp: Path, previous: Path | None, reused: list[str]) -> dict[str, int]:
    """Write ``levels.parquet`` into ``tmp``: linked from ``previous`` when every table it is chosen from was
    reused and it was chosen under the current rule; chosen again for the cities whose rows of those tables
    changed (the others' rows kept, chosen from the same rows under the same rule); chosen for every city when
    there is no previous choice to keep. Returns {table: rows}."""
    from scn.privacy import published_levels  # shapely, h3: only when publishing

    name, k = published_levels.TABLE, settings().suppress_below
    old_path = table_path(name, previous) if previous is not None else None
    if old_path is None or not old_path.exists():
        return published_levels.publish(tmp, k)
    old = pq.read_table(old_path).to_pandas()
    if not set(published_levels.COLUMNS) <= set(old.columns) or \
            not (old["rule"].astype(str) == published_levels.rule_text(k)).all():
        return published_levels.publish(tmp, k)
    if all(t in reused or not (tmp / f"{t}.parquet").exists() and not table_path(t, previous).exists()
           for t in LEVEL_INPUTS):
        _link(old_path, tmp / f"{name}.parquet")
        reused.append(name)
        return {name: len(old)}
    present = [t for t in LEVEL_INPUTS if (tmp / f"{t}.parquet").exists()]
    if present != [t for t in LEVEL_INPUTS if table_path(t, previous).exists()]:
        return published_levels.publish(tmp, k)
    new_tables = {t: pq.read_table(tmp / f"{t}.parquet").to_pandas() for t in present}
    # a table linked from the previous snapshot has its rows (same fingerprint): no city of it changed, so it is
    # neither read again nor compared (the areas' outlines, a large city's cells)
    old_tables = {t: pq.read_table(table_path(t, previous)).to_pandas() for t in present if t not in reused}
    if any(list(new_tables[t].columns) != list(old_tables[t].columns) for t in old_tables):
        return published_levels.publish(tmp, k)
    changed = set().union(*(_cities_differing(old_tables[t], new_tables[t]) for t in old_tables))
    subset = {t: f[f["city_id"].astype(str).isin(changed)] if "city_id" in f.columns else f
              for t, f in new_tables.items()}
    fresh = published_levels.levels_table(subset, k)
    frame = pd.concat([old[~old["city_id"].astype(str).isin(changed)], fresh], ignore_index=True)
    frame = frame.astype(fresh.dtypes.to_dict()).sort_values("city_id", kind="stable", ignore_index=True)
    frame.to_parquet(tmp / f"{name}.parquet", index=False, compression="zstd")
    return {name: len(frame)}


def _cities_differing(before: pd.DataFrame, after: pd.DataFrame) -> set[str]:
    """Cities whose rows (as a multiset, compared by row hash) differ between two versions of a published
    table."""
    if "city_id" not in after.columns:
        return set()

    def rows(frame: pd.DataFrame) -> pd.Series:
        index = pd.MultiIndex.from_arrays([frame["city_id"].astype(str).to_numpy(),
                                           pd.util.hash_pandas_object(frame, index=False).to_numpy()])
        return pd.Series(1, index=index).groupby(level=[0, 1]).sum()

    diff = rows(before).sub(rows(after), fill_value=0)
    return set(diff[diff != 0].index.get_level_values(0))


def swap_current(snapshot: Path) -> None:
    """Point ``serving/current`` at ``snapshot`` with an atomic rename of a fresh symlink."""
    link = paths().serving_current
    tmp_link = link.with_name(f".current-{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("snapshots") / snapshot.name)
    os.replace(tmp_link, link)


def prune(keep: int = KEEP_SNAPSHOTS) -> None:
    """Delete all but the newest ``keep`` snapshots (never the current one), and the unfinished snapshot folders
    of publishes that were killed (``.tmp-<pid>-...`` of a process that is gone)."""
    from scn.lake.io import sweep_dead

    folder = paths().serving / "snapshots"
    for unfinished in folder.glob(".tmp-*"):
        sweep_dead(unfinished, lambda p: shutil.rmtree(p, ignore_errors=True))
    snaps = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    current = paths().serving_current.resolve()
    for old in snaps[:-keep]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)
