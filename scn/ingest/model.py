"""What the ingest pipeline and the source families share: the file being ingested, a family's parsed output,
and the quarantine lines of rejected rows. A leaf of the ingest package (imports no family, nor the pipeline)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scn.ingest.readers import ROW, Progress

REJECT_COLUMNS = [ROW, "field", "reason", "raw_json"]


@dataclass
class Source:
    """The file being ingested (read from its archived copy) and what we know about it."""

    path: Path
    archived: Path
    kind: str
    city_id: str | None
    sha256: str
    progress: Progress = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Parsed:
    """A family's output: candidate rows per lake table, rejected rows, and the table whose rows are counted."""

    tables: dict[str, pd.DataFrame]
    count_table: str
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))


def rejects_from(raw: pd.DataFrame, fails: pd.DataFrame, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """One quarantine line per failing row: fields and reasons joined with '; ', raw values as JSON (minus ``drop``)."""
    if fails.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    grouped = fails.groupby(ROW, sort=True).agg({"field": "; ".join, "reason": "; ".join}).reset_index()
    rows = raw[raw[ROW].isin(grouped[ROW])].drop(columns=[c for c in drop if c in raw]).set_index(ROW)
    body = rows.astype("string").to_json(orient="records", lines=True, force_ascii=False)
    grouped["raw_json"] = grouped[ROW].map(dict(zip(rows.index, body.splitlines(), strict=True)))
    return grouped[REJECT_COLUMNS]


def bad_line_rejects(bad_rows: pd.DataFrame, keep_raw: bool) -> pd.DataFrame:
    """Reader-level failures (ragged CSV rows, invalid JSON lines); raw text only where it cannot hold handles."""
    if bad_rows.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    raw = bad_rows["raw"].astype("string") if keep_raw else pd.Series("withheld: may contain author fields",
                                                                       index=bad_rows.index)
    return pd.DataFrame({ROW: bad_rows[ROW].to_numpy(), "field": "(row)", "reason": bad_rows["reason"].to_numpy(),
                         "raw_json": pd.DataFrame({"line": raw}).to_json(orient="records", lines=True,
                                                                          force_ascii=False).splitlines()})
