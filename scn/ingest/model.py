"""What the ingest pipeline and the source families share: the file being ingested, a family's parsed output,
and the quarantine lines of rejected rows. A leaf of the ingest package (imports no family, nor the pipeline)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scn.ingest import readers
from scn.ingest.readers import ROW, Progress
from scn.ingest.result import printable

REJECT_COLUMNS = [ROW, "field", "reason", "raw_json"]
RAW_VALUE_CHARS = 2000  # a quarantined value longer than this is cut (a 50 MB post must not be copied around)


@dataclass
class Source:
    """The file being ingested (read from its archived copy) and what we know about it."""

    path: Path
    archived: Path | None  # None: refused before it was archived (a symbolic link)
    kind: str
    city_id: str | None
    sha256: str
    progress: Progress = None
    sheet: str | None = None  # set by ``read_table`` when the file is a workbook
    options: dict[str, Any] = field(default_factory=dict)  # a family's flags (--value-column, --category, --hate)

    @property
    def name(self) -> str:
        """The file name, printable (a name that is not valid UTF-8 gets backslash escapes)."""
        return printable(self.path.name)

    @property
    def display(self) -> str:
        """The whole path, printable: what the quarantine and the ingest log record."""
        return printable(self.path)


@dataclass
class Parsed:
    """A family's output: candidate rows per lake table, rejected rows, and the table whose rows are counted."""

    tables: dict[str, pd.DataFrame]
    count_table: str
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    warnings: list[dict[str, Any]] = field(default_factory=list)  # {"code": ..., params}: docs/your-data.md
    # the file is refused with this message (IngestError), yet ``tables`` holds what is kept of it all the same (a
    # survey export with no numeric question: the names of the columns it dropped as text); None: a load
    refusal: str | None = None


def read_table(src: Source) -> readers.Table:
    """The archived copy as a table of strings (``readers.read_tabular``); remembers the workbook sheet read."""
    table = readers.read_tabular(src.archived, src.progress)
    src.sheet = table.sheet
    return table


def _cut(value: object) -> object:
    if isinstance(value, str) and len(value) > RAW_VALUE_CHARS:
        return f"{value[:RAW_VALUE_CHARS]}… ({len(value)} characters)"
    return value


def rejects_from(raw: pd.DataFrame, fails: pd.DataFrame, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """One quarantine line per failing row: fields and reasons joined with '; ', raw values as JSON (minus ``drop``;
    values longer than ``RAW_VALUE_CHARS`` cut)."""
    if fails.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    grouped = fails.groupby(ROW, sort=True).agg({"field": "; ".join, "reason": "; ".join}).reset_index()
    rows = raw[raw[ROW].isin(grouped[ROW])].drop(columns=[c for c in drop if c in raw]).set_index(ROW)
    rows = rows.astype("string")
    for c in rows.columns:
        long = (rows[c].str.len() > RAW_VALUE_CHARS).fillna(False).astype(bool)
        if long.any():
            rows.loc[long, c] = rows.loc[long, c].map(_cut)
    body = rows.to_json(orient="records", lines=True, force_ascii=False)
    grouped["raw_json"] = grouped[ROW].map(dict(zip(rows.index, body.splitlines(), strict=True)))
    return grouped[REJECT_COLUMNS]


def bad_line_rejects(bad_rows: pd.DataFrame, keep_raw: bool) -> pd.DataFrame:
    """Reader-level failures (ragged CSV rows, invalid JSON lines, workbook cells); raw text only where it cannot
    hold handles. ``field`` is ``(row)`` unless the reader named the column."""
    if bad_rows.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    raw = bad_rows["raw"].astype("string").map(_cut, na_action="ignore") if keep_raw else \
        pd.Series("withheld: may contain author fields", index=bad_rows.index)
    field_ = bad_rows["field"].fillna("(row)").to_numpy() if "field" in bad_rows else "(row)"
    return pd.DataFrame({ROW: bad_rows[ROW].to_numpy(), "field": field_, "reason": bad_rows["reason"].to_numpy(),
                         "raw_json": pd.DataFrame({"line": raw}).to_json(orient="records", lines=True,
                                                                          force_ascii=False).splitlines()})
