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
UNKNOWN_SURVEYS = "codebook_unknown_surveys"  # a codebook's survey ids naming no survey export: said while true


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
    rows = _unknown_surveys_now(rows)
    sources = {}
    if lake.has_table("crime_counts"):
        hate = lake.query(f"select city_id, string_agg(distinct source_file, ', ' order by source_file) as files "
                          f"from {lake.scan('crime_counts')} where is_hate group by city_id")
        sources = dict(zip(hate["city_id"], hate["files"], strict=True))
    stored = rows["params"].map(lambda p: json.loads(p).get("hate_source") if p else None)
    rows["hate_source"] = rows["city_id"].map(sources).fillna(stored).where(rows["code"].eq("no_hate_flag"))
    return rows[COLUMNS]


def _unknown_surveys_now(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with their ``UNKNOWN_SURVEYS`` warnings (a codebook's survey ids naming no survey export) as the
    lake is now: a value an export of which was ingested since leaves its warning, and a warning left with none
    leaves ``rows`` (a codebook ingested before its exports is said while they are missing). The same bytes
    ingested again from another path (an upload, the inbox) are one codebook: said once."""
    mine = rows["code"].eq(UNKNOWN_SURVEYS).to_numpy()
    if not mine.any():
        return rows
    again = mine & rows.assign(_m=mine).duplicated(["_m", "sha256"]).to_numpy()  # ``rows``: newest first
    rows, mine = rows[~again].reset_index(drop=True), mine[~again]
    from scn.ingest.survey import export_surveys, unknown_surveys, unknown_surveys_warning

    surveys = export_surveys()
    now: list[str | None] = []
    for raw in rows.loc[mine, "params"]:  # one per codebook file
        params = json.loads(raw) if isinstance(raw, str) and raw else {}
        values = [str(v) for v in params.get("values") or []]
        left = unknown_surveys(values, surveys)
        count = params.get("count")
        unseen = count - len(values) if isinstance(count, int) and count > len(values) else 0  # beyond the list
        warning = unknown_surveys_warning(left, len(left) + unseen if left else 0, surveys)
        now.append(json.dumps(warning, ensure_ascii=False, default=str) if warning else None)
    rows = rows.copy()
    rows.loc[mine, "params"] = pd.Series(now, index=rows.index[mine], dtype=object)
    return rows[~(mine & rows["params"].isna().to_numpy())].reset_index(drop=True)


def current_waits(warned: pd.DataFrame, logged: pd.DataFrame) -> np.ndarray:
    """Which ``warned`` rows (``WAIT_CODES`` warnings: sha256, city_id, warned_at) are waits not over: the newest
    warning of its file and city, and no more ingest-log rows (``logged``: sha256, city_id) for them than such
    warnings. Every load of a file writes one log row and, if it still waits, one warning: a file taken again
    that loaded whole, or was refused for its own fault, has a log row more than its warnings and waits no more.
    The one rule for the inbox walk (``scn.ingest.pipeline``) and the data-health page. A missing city is "". """
    if warned.empty:
        return np.zeros(0, dtype=bool)
    key = ["sha256", "city_id"]

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"sha256": frame["sha256"].astype("string").fillna("").to_numpy(),
                             "city_id": frame["city_id"].astype("string").fillna("").to_numpy()})
    mine = keyed(warned)
    n_warned = mine.groupby(key)["sha256"].transform("size")
    n_logged = mine.merge(keyed(logged).groupby(key).size().rename("n").reset_index(), on=key, how="left")["n"]
    order = pd.to_datetime(warned["warned_at"], utc=True).to_numpy()
    newest = ~mine.assign(_t=order).sort_values("_t", kind="stable").duplicated(key, keep="last") \
        .reindex(mine.index).to_numpy()
    return newest & (n_warned.to_numpy() >= n_logged.fillna(0).to_numpy())


def _without_loaded_waits(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` less the waits that are over or superseded (``current_waits``, against the ingest log)."""
    waiting = rows["code"].isin(WAIT_CODES).to_numpy()
    if not waiting.any():
        return rows
    log = lake.read_table("ingest_log", columns=["sha256", "kind", "city_id"]) if lake.has_table("ingest_log") \
        else pd.DataFrame({"sha256": [], "kind": [], "city_id": []})
    mine = rows[waiting]
    keep = np.ones(len(rows), dtype=bool)
    for kind in mine["kind"].dropna().unique():  # a few kinds
        of_kind = (mine["kind"] == kind).to_numpy()
        keep[np.flatnonzero(waiting)[of_kind]] = current_waits(mine[of_kind].reset_index(drop=True),
                                                               log[log["kind"] == kind])
    return rows[keep].reset_index(drop=True)
