"""The ``collection_health`` table of the serving snapshot: one row per configured (source, city) with when it
was last collected, how often it should be, and whether it has stalled (the data-health page lists the stalled
ones). No counts of posts: when, not what.

A collection counts when it answered: a collect materialization of that city (passed in by the publish step,
which reads the Dagster instance) or a saved cursor (its file time: `scn collect` and Dagster runs alike). A source
is ``stalled`` when its last collection is older than ``STALL_AFTER`` times its interval, ``never`` when it has
not been collected at all, else ``ok``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import pandas as pd

STALL_AFTER = 3  # intervals without a collection before a source counts as stalled (one or two missed: noise)
DAILY_SECONDS = 86400.0  # the collect_<source>_daily schedules collect every configured city once a day
COLUMNS = ("source", "city_id", "last_collected_at", "expected_every_hours", "status")

Entry = tuple[str, str, float]  # (source, city_id, expected seconds between collections)


def cursor_times(entries: Iterable[Entry]) -> dict[tuple[str, str], datetime]:
    """(source, city) -> the time its cursor was last saved (a page stored), for the entries that have one."""
    from datetime import UTC

    from scn.ingest.sources.cursor import cursor_path

    out = {}
    for source, city, _ in entries:  # one stat per configured (source, city), not per post
        try:
            out[(source, city)] = datetime.fromtimestamp(cursor_path(source, city).stat().st_mtime, UTC)
        except FileNotFoundError:
            continue
    return out


def collection_health(entries: Iterable[Entry], collected: Mapping[tuple[str, str], datetime],
                      now: datetime) -> pd.DataFrame:
    """The table: per entry, the latest of ``collected`` and its cursor's time, the expected interval (its
    schedule's, at most a day) in hours, and its status."""
    entries = list(entries)
    cursors = cursor_times(entries)
    frame = pd.DataFrame(entries, columns=["source", "city_id", "every"])
    key = list(zip(frame["source"], frame["city_id"], strict=True))
    last = [max((t for t in (collected.get(k), cursors.get(k)) if t is not None), default=None) for k in key]
    frame["last_collected_at"] = pd.to_datetime(pd.Series(last, dtype=object), utc=True)
    every = frame["every"].astype(float).clip(upper=DAILY_SECONDS)
    frame["expected_every_hours"] = (every / 3600).round(2)
    age = (pd.Timestamp(now) - frame["last_collected_at"]).dt.total_seconds()
    frame["status"] = "ok"
    frame.loc[age > STALL_AFTER * every, "status"] = "stalled"
    frame.loc[frame["last_collected_at"].isna(), "status"] = "never"
    return frame[list(COLUMNS)].sort_values(["source", "city_id"], kind="stable").reset_index(drop=True)
