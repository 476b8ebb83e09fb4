"""The dashboards' only data access: the published serving snapshot (scn.serving), never the warehouse."""

from __future__ import annotations

import pandas as pd

from scn import serving


def table(name: str, city_id: str | None = None) -> pd.DataFrame:
    """A published table (optionally one city's rows); empty frame when it is not in the snapshot."""
    try:
        return serving.read_serving(name, city_id=city_id)
    except serving.NoSnapshotError:
        return pd.DataFrame()


def snapshot_info() -> dict:
    """The manifest of the current snapshot (empty when nothing is published)."""
    try:
        return serving.manifest()
    except serving.NoSnapshotError:
        return {}
