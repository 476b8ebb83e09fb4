"""Tables as agencies publish them (statistics offices, police forces): title and note lines above the header, the
data on a sheet that is not the first, numbers with thousands separators, suppressed cells (``..``, ``c``, ``*``,
``[x]``, ``<5``), and notes below the table.

The file is read as a grid of strings; the header is the last line of two or more cells above the first line that
holds one of the city's area codes or names. ``source_row`` is the line's number in the file or sheet (1 = its
first line, header and titles included).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scn.ingest import area_codes, readers
from scn.ingest.area_codes import Boundaries
from scn.ingest.model import Source
from scn.ingest.parse import as_text, ungrouped
from scn.ingest.readers import ROW, fail, normalise_name
from scn.ingest.result import IngestError

SCAN_LINES = 500  # lines searched for the header and the first data line
SUPPRESSED = re.compile(r"^(?:\.{1,3}|[-\u2013\u2014~*:]+|\[?[a-z]\]?|\[low\]|n/?a|#n/a|nan|null|none|suppressed|"
                        r"redacted|<\s*\d+)$", re.IGNORECASE)
SUPPRESSED_REASON = "suppressed or missing in source"
MID_YEAR = re.compile(r"mid[\s-]*((?:19|20)\d{2})(?!\d)", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*[/-]\s*(\d{2}|\d{4}))?(?!\d)")


@dataclass
class Grid:
    """The table found in the file: ``frame`` (named columns and ``source_row``), the lines above its header."""

    frame: pd.DataFrame
    titles: list[str] = field(default_factory=list)
    sheet: str | None = None


def _csv_grid(path: Path) -> pd.DataFrame:
    readers.check_table_size(path)
    readers.check_text_file(path)
    readers.check_line_lengths(path)
    encoding = readers.detect_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(1 << 16).lstrip("\ufeff")
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    delimiter = max(readers.DELIMITERS, key=lambda d: (sorted(ln.count(d) for ln in lines)[len(lines) // 2]
                                                       if lines else 0, d == ","))
    fields = readers.field_bound(path, delimiter)
    readers.check_cells(path, fields, 1, f"up to {fields:,} fields")
    with open(path, encoding=encoding, newline="") as fh:
        try:
            records = list(csv.reader((ln.lstrip("\ufeff") for ln in fh), delimiter=delimiter))
        except csv.Error as exc:
            raise fail(path, f"not a readable CSV file ({exc})") from exc
    return pd.DataFrame(records, dtype="string")


def _xlsx_grids(path: Path) -> list[tuple[str, pd.DataFrame]]:
    import openpyxl

    readers.check_xlsx(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise fail(path, f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        out, budget = [], readers.TextBudget(path)  # one budget for every sheet: they may share strings
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                continue
            rows = [budget.take([readers._cell_text(v) for v in row]) for row in readers.sheet_rows(path, ws)]
            out.append((ws.title, pd.DataFrame(rows, dtype="string")))
    except IngestError:
        raise
    except Exception as exc:  # a damaged sheet can fail while streaming
        raise fail(path, f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    finally:
        book.close()
    if not out:
        raise fail(path, "no visible sheet in the workbook")
    return out


def _first_data_line(grid: pd.DataFrame, bounds: Boundaries) -> int | None:
    """Index of the first line holding one of the city's codes or names (or a code of the same shape)."""
    head = grid.head(SCAN_LINES)
    found, _ = area_codes.frame_flags(head, list(head.columns), bounds)
    hit = np.flatnonzero(found.any(axis=(1, 2)))
    return int(hit[0]) if len(hit) else None


def _header_line(grid: pd.DataFrame, data: int | None) -> int:
    filled = grid.head(SCAN_LINES).notna().sum(axis=1).to_numpy()
    if data is not None:
        above = np.flatnonzero(filled[:data] >= 2)
        return int(above[-1]) if len(above) else -1
    wide = np.flatnonzero(filled >= max(2, filled.max(initial=0) / 2))
    return int(wide[0]) if len(wide) else 0


def _names(cells: list[str | None]) -> list[str]:
    """Header cells as column names: blanks become ``_blank<N>``, a repeated name gets `` (2)``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells, 1):
        name = (cell or "").strip()
        name = name if name else f"_blank{i}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _table(path: Path, sheet: str | None, grid: pd.DataFrame, data: int | None) -> Grid:
    grid = grid.astype("string").apply(lambda c: c.str.strip()).replace("", pd.NA)
    grid = grid.loc[:, grid.notna().any()]
    h = _header_line(grid, data)
    cells = grid.iloc[h].tolist() if h >= 0 else [f"column_{i + 1}" for i in range(grid.shape[1])]
    names = readers.check_columns(path, _names([None if pd.isna(c) else str(c) for c in cells]))
    titles = [" ".join(str(v) for v in row if pd.notna(v)) for row in grid.iloc[:max(h, 0)].itertuples(index=False)]
    body = grid.iloc[h + 1:].copy()
    body.columns = names
    body[ROW] = np.arange(h + 2, h + 2 + len(body), dtype=np.int64)
    body = body[body.drop(columns=ROW).notna().any(axis=1)].reset_index(drop=True)
    return Grid(body, [t for t in titles if t], sheet)


def read(src: Source, bounds: Boundaries) -> list[Grid]:
    """The tables of a CSV or XLSX file: for a workbook, every visible sheet holding the city's areas (a sheet per
    year, as statistics offices publish them), else its first visible sheet."""
    path = src.archived
    ext = path.suffix.lower()
    if ext == ".xls":
        raise fail(path, "legacy .xls workbooks are not supported: save it as .xlsx or CSV")
    grids = _xlsx_grids(path) if ext in (".xlsx", ".xlsm") else [(None, _csv_grid(path))]
    found = [(s, g, d) for s, g in grids if not g.empty and (d := _first_data_line(g, bounds)) is not None]
    found = found or [(*grids[0], None)]
    if found[0][1].empty:
        raise fail(path, "empty file" if found[0][0] is None else f"empty sheet '{found[0][0]}'")
    src.sheet = ", ".join(s for s, _, _ in found) if found[0][0] is not None else None
    return [_table(path, s, g, d) for s, g, d in found]


def area_lines(grid: Grid, bounds: Boundaries, src: Source
               ) -> tuple[pd.DataFrame, area_codes.AreaColumn, list[str], set[str], dict | None]:
    """A table's lines inside the city, its area column (found by its values), its other columns, those of them
    that label the areas too (codes or names: not values), and the warning about lines outside the city."""
    frame = grid.frame
    columns = [c for c in frame.columns if c != ROW]
    area = area_codes.find_column(frame, bounds, columns, src.name)
    others = [c for c in columns if c != area.name]
    shares = area_codes.shares(frame, bounds, others)
    labels = set(shares.index[(shares[["code", "name"]] >= area_codes.MIN_SHARE).any(axis=1)]) if len(shares) \
        else set()
    frame, skipped = area_codes.inside_city(frame, area, bounds, others)
    return frame, area, columns, labels, skipped


GridCells = Callable[[Grid, Boundaries, Source, int], tuple[pd.DataFrame, dict | None]]


def read_cells(src: Source, grid_cells: GridCells) -> tuple[pd.DataFrame, Boundaries, list[dict]]:
    """Every table of the file (``read``) through ``grid_cells(grid, bounds, src, n_tables)``, which gives a
    table's value cells and its warning about lines outside the city's areas: the cells of all tables in one
    frame, the city's boundaries, and those warnings as one (their lines added up; empty when none)."""
    bounds = area_codes.load(src.city_id, src.name)
    grids = read(src, bounds)
    parts = [grid_cells(g, bounds, src, len(grids)) for g in grids]
    cells = pd.concat([p for p, _ in parts], ignore_index=True)
    skipped = [w for _, w in parts if w]
    outside = [{**skipped[0], "lines": sum(w["lines"] for w in skipped)}] if skipped else []
    return cells, bounds, outside


def context_year(grid: Grid) -> int | None:
    """The year of a table whose columns name none: the one ``mid-YYYY`` of its title lines and sheet name, else the
    one year its title lines mention, else the one its sheet name mentions, else None."""
    texts = [*grid.titles, grid.sheet or ""]
    for found in ({int(y) for t in texts for y in MID_YEAR.findall(t)},  # "Mid-2022 LSOA 2021": 2022
                  {int(y) for t in grid.titles for y, _ in YEAR.findall(t)},
                  {int(y) for y, _ in YEAR.findall(grid.sheet or "")}):
        if len(found) == 1:
            return found.pop()
    return None


def value_columns(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The columns of values: some cell is filled, and at most half the filled cells are text (suppression markers
    count as values). One pass over all the cells."""
    if not columns:
        return []
    cells = pd.Series(frame[columns].to_numpy(dtype=object).ravel(), dtype=object)
    _, _, bad = numbers(cells)
    bad = bad.to_numpy(dtype=bool).reshape(len(frame), len(columns)).sum(axis=0)
    filled = as_text(cells).notna().to_numpy(dtype=bool).reshape(len(frame), len(columns)).sum(axis=0)
    return [c for c, b, f in zip(columns, bad, filled, strict=True) if f > 0 and b <= f / 2]


def numbers(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(value as float64, True where suppressed or missing, True where present but not a number). Thousands
    separators (``1,234``), a decimal comma (``12,5``), spaces inside numbers and a trailing ``%`` are accepted.
    Parsed once per distinct text (a column of counts holds few)."""
    idx, uniq = pd.factorize(s.astype(object), use_na_sentinel=True)
    text = as_text(pd.Series(uniq, dtype="string"))
    text = text.str.replace(r"(?<=\d)[\s\u00a0\u202f](?=\d)", "", regex=True).str.rstrip("%").str.strip()
    text = ungrouped(text, ",'", fraction=True)  # the one thousands rule (no '.': 1.234 is a decimal here)
    decimal_comma = text.str.fullmatch(r"[-+]?\d+,\d+").fillna(False).astype(bool)  # 12,5 (1,234 is thousands)
    text = text.where(~decimal_comma, text.str.replace(",", ".", regex=False))
    missing = (text.isna() | text.str.fullmatch(SUPPRESSED.pattern, case=False)).fillna(True).astype(bool)
    value = pd.to_numeric(text.where(~missing), errors="coerce").astype("float64")
    value = value.where(np.isfinite(value))  # inf, 1e400: not a number
    value_u = np.append(value.to_numpy(), np.nan)[idx]
    missing_u = np.append(missing.to_numpy(dtype=bool), True)[idx]
    return (pd.Series(value_u, index=s.index, dtype="float64"), pd.Series(missing_u, index=s.index),
            pd.Series(np.isnan(value_u) & ~missing_u, index=s.index))


def year_of(text: str) -> tuple[int | None, str]:
    """(the year a header or value names, the text without it): ``"Persons 2019"`` -> (2019, ``"Persons "``); a
    financial year ``2022/23`` gives its first year."""
    m = YEAR.search(text)
    if not m:
        return None, text
    return int(m.group(1)), text[:m.start()] + " " + text[m.end():]


def snake(text: str) -> str:
    """A column or group name as a snake_case attribute (``90+`` -> ``90_plus``; a leading digit gets ``age_``)."""
    name = normalise_name(str(text).replace("+", "_plus"))
    return f"age_{name}" if name[:1].isdigit() else name


def cell_rejects(cells: pd.DataFrame, bad: pd.Series, reason: pd.Series) -> pd.DataFrame:
    """Quarantine lines of rejected cells of a melted table (``source_row``, ``column``, the area and raw value)."""
    from scn.ingest.model import REJECT_COLUMNS

    if not bad.any():
        return pd.DataFrame(columns=REJECT_COLUMNS)
    rej = cells[bad]
    raw = rej[["area", "column", "raw"]].astype("string").to_json(orient="records", lines=True, force_ascii=False)
    field_ = rej["field"] if "field" in rej else rej["column"]
    return pd.DataFrame({ROW: rej[ROW].astype("int64").to_numpy(), "field": field_.astype(str).to_numpy(),
                         "reason": reason[bad].astype(str).to_numpy(), "raw_json": raw.splitlines()})
