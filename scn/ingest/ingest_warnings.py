"""The ingest warnings as published for the data-health page: one row per city x file x code (``no_hate_flag``:
one per city, its newest file), ``hate_source`` read again at publish time (a crime-counts file ingested after
the police.uk file is named)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from scn import lake

COLUMNS = ["city_id", "kind", "file", "code", "hate_source", "params", "warned_at"]
WAITING = "waiting"  # a file refused for want of something sent apart (its city, its boundaries): it waits for it
ROWS_WAITING = "rows_waiting"  # rows of a loaded file refused for naming a city the registry has not yet
WAIT_CODES = (WAITING, ROWS_WAITING)  # the codes by which the inbox walk takes a file again once what it needs is there


def published() -> pd.DataFrame:
    """``ingest_warnings`` newest first, one row per (city, file, code), ``no_hate_flag`` one per city; empty (with
    its columns) when none."""
    if not lake.has_table("ingest_warnings"):
        empty = {c: pd.Series(dtype="string") for c in COLUMNS}
        return pd.DataFrame({**empty, "warned_at": pd.Series(dtype="datetime64[us, UTC]")})
    rows = lake.read_table("ingest_warnings").sort_values("warned_at", ascending=False, kind="stable")
    rows = _without_loaded_waits(rows)
    # no_hate_flag is said once per city (its newest file: collected police.uk pages are many files)
    per = rows["file"].where(rows["code"].ne("no_hate_flag"), "")
    rows = rows[~rows.assign(_per=per).duplicated(["city_id", "code", "_per"])].reset_index(drop=True)
    sources = {}
    if lake.has_table("crime_counts"):
        hate = lake.query(f"select city_id, string_agg(distinct source_file, ', ' order by source_file) as files "
                          f"from {lake.scan('crime_counts')} where is_hate group by city_id")
        sources = dict(zip(hate["city_id"], hate["files"], strict=True))
    stored = rows["params"].map(lambda p: json.loads(p).get("hate_source") if p else None)
    rows["hate_source"] = rows["city_id"].map(sources).fillna(stored).where(rows["code"].eq("no_hate_flag"))
    return rows[COLUMNS]


def _without_loaded_waits(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` less the waits that are over: a ``waiting`` warning of a file taken since (an ingest_log row of
    the same bytes and city that read rows, logged after the warning: the city or its boundaries arrived and the
    file loaded); a ``rows_waiting`` warning of a file taken again since (two such rows logged from the warning on:
    the load that wrote it and a later one, which writes its own warning if rows still wait)."""
    waiting = rows["code"].isin(WAIT_CODES).to_numpy()
    if not waiting.any() or not lake.has_table("ingest_log"):
        return rows
    log = lake.query(f"select sha256, city_id, ingested_at from {lake.scan('ingest_log')} where rows_read > 0")
    key = ["sha256", "city_id"]
    mine = rows.loc[waiting, [*key, "code", "warned_at"]].astype({"sha256": "string", "city_id": "string"})
    mine["_i"] = np.flatnonzero(waiting)
    both = mine.merge(log.astype({"sha256": "string", "city_id": "string"}), on=key, how="inner")
    after = pd.to_datetime(both["ingested_at"], utc=True) > pd.to_datetime(both["warned_at"], utc=True)
    loads = both[after.to_numpy()].groupby("_i").size()
    n = loads.reindex(mine["_i"]).fillna(0).to_numpy()
    over = np.where(mine["code"].eq(ROWS_WAITING).to_numpy(), n >= 2, n >= 1)
    drop = np.zeros(len(rows), dtype=bool)
    drop[mine["_i"].to_numpy()[over]] = True
    return rows[~drop].reset_index(drop=True)
