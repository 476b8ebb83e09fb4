"""The dashboards' only data access: the published serving snapshot (scn.publish.serving), never the warehouse
or the lake.

Tables are read once per snapshot and kept in memory (a new snapshot has a new folder, so a swap is picked up
on the next request). Any table may be missing: callers get an empty frame and show "not yet available".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from scn.publish import serving


def snapshot_dir() -> Path | None:
    """Folder of the current snapshot, or None when nothing is published."""
    try:
        return serving.current_dir()
    except serving.NoSnapshotError:
        return None


@lru_cache(maxsize=128)
def _read(snapshot: Path, name: str) -> pd.DataFrame:
    try:
        return serving.read_serving(name, snapshot=snapshot)
    except serving.NoSnapshotError:
        return pd.DataFrame()


@lru_cache(maxsize=512)
def _read_city(snapshot: Path, name: str, city_id: str) -> pd.DataFrame:
    frame = _read(snapshot, name)
    if "city_id" not in frame.columns:
        return frame
    return frame[frame["city_id"] == city_id].reset_index(drop=True)


def table(name: str, city_id: str | None = None) -> pd.DataFrame:
    """A published table (only one city's rows when ``city_id`` is given); empty when it is not published.

    The frame is a shallow copy of a cached one: with pandas copy-on-write, callers may change it freely.
    """
    snap = snapshot_dir()
    if snap is None:
        return pd.DataFrame()
    frame = _read(snap, name) if city_id is None else _read_city(snap, name, city_id)
    return frame.copy(deep=False)


def snapshot_info() -> dict:
    """The manifest of the current snapshot (empty when nothing is published)."""
    snap = snapshot_dir()
    return serving.manifest(snap) if snap else {}


def snapshot_key() -> str:
    """A key that changes with every publish (for caches of derived data)."""
    snap = snapshot_dir()
    return str(snap) if snap else ""


def city_ids() -> set[str]:
    """Member cities known to the snapshot."""
    cities = table("cities")
    return set(cities["city_id"]) if "city_id" in cities.columns else set()


def city_name(city_id: str) -> str:
    cities = table("cities", city_id)
    return str(cities["name"].iloc[0]) if len(cities) and "name" in cities.columns else city_id


def left_year(city_id: str) -> int | None:
    """The year ``city_id`` left the network (the published registry's ``left_year``), None for a current member
    (or a snapshot published before the column)."""
    cities = table("cities", city_id)
    if not len(cities) or "left_year" not in cities.columns or pd.isna(cities["left_year"].iloc[0]):
        return None
    return int(cities["left_year"].iloc[0])


def current_members(cities: pd.DataFrame) -> pd.Series:
    """True for each row of a registry frame that is a current member (no ``left_year``)."""
    if "left_year" not in cities.columns:
        return pd.Series(True, index=cities.index)
    return cities["left_year"].isna()
