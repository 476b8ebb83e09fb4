"""The published serving snapshot: what dashboards and exports read, swapped in atomically after a good run.

Layout: ``serving/snapshots/<snapshot_id>/<table>.parquet`` plus ``manifest.json``; ``serving/current`` is a
symlink replaced with one ``rename`` so readers see either the old snapshot or the new one, never a mix.
"""

from __future__ import annotations

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

from scn.settings import paths

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


def publish(tables: Mapping[str, pd.DataFrame | pa.Table], run_id: str, data_date: str | None = None,
            from_duckdb: tuple[Path, Mapping[str, str]] | None = None) -> Path:
    """Write a new snapshot and swap ``serving/current`` to it atomically. Returns the snapshot folder.

    ``tables`` maps serving names to frames; ``from_duckdb`` = (database file, {serving name: sql}) copies
    query results straight from a DuckDB file (opened read-only) with COPY, without passing through pandas.
    """
    root = paths().serving
    snap_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{run_id[:8]}"
    tmp = root / "snapshots" / f".tmp-{snap_id}"
    final = root / "snapshots" / snap_id
    tmp.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, frame in tables.items():
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
        counts[name] = table.num_rows
    if from_duckdb:
        db, queries = from_duckdb
        with duckdb.connect(str(db), read_only=True) as con:
            for name, sql in queries.items():
                target = tmp / f"{name}.parquet"
                con.execute(f"copy ({sql}) to '{target}' (format parquet, compression zstd)")
                counts[name] = con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]
    from scn.privacy import published_levels  # shapely, h3: only when publishing

    counts.update(published_levels.publish(tmp))  # the official's level of detail, chosen once (not per page load)
    meta = {
        "snapshot_id": snap_id,
        "run_id": run_id,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_date": data_date,
        "tables": counts,
    }
    (tmp / "manifest.json").write_text(json.dumps(meta, indent=2))
    os.replace(tmp, final)
    swap_current(final)
    prune(keep=KEEP_SNAPSHOTS)
    return final


def swap_current(snapshot: Path) -> None:
    """Point ``serving/current`` at ``snapshot`` with an atomic rename of a fresh symlink."""
    link = paths().serving_current
    tmp_link = link.with_name(f".current-{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("snapshots") / snapshot.name)
    os.replace(tmp_link, link)


def prune(keep: int = KEEP_SNAPSHOTS) -> None:
    """Delete all but the newest ``keep`` snapshots (never the current one)."""
    snaps = sorted((p for p in (paths().serving / "snapshots").iterdir() if not p.name.startswith(".")),
                   key=lambda p: p.name)
    current = paths().serving_current.resolve()
    for old in snaps[:-keep]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)
