"""Exports of the published serving snapshot for reports and donors: CSV, XLSX (formatted, with a README sheet)
and Parquet. Reads only ``scn.publish.serving``; neutralises anything a spreadsheet would execute."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from scn.privacy import published_levels
from scn.privacy.disclosure import PARTS, alert_totals, for_audience
from scn.privacy.pseudonyms import perturbation_key
from scn.publish import serving
from scn.publish.catalog import KINDS
from scn.settings import settings, suppress_below

FORMATS = ("csv", "xlsx", "parquet")
# columns every export of a table starts with, in this order (other published columns follow)
LEADING: dict[str, tuple[str, ...]] = {
    "network_kpis": ("kpi", "value", "unit", "statement"),
    "programme_metrics": ("programme_line", "city_id", "country", "region", "role", "year", "activities", "people"),
    "summit_metrics": ("summit", "year", "city", "country", "delegates", "cities", "countries"),
    "survey_indices": ("survey_id", "city_id", "wave", "construct", "group_type", "group_value", "n", "mean",
                       "ci_low", "ci_high", "suppressed"),
    "survey_prepost": ("city_id", "programme_id", "construct", "baseline_mean", "endline_mean", "diff", "ci_low",
                       "ci_high", "effect_size", "n_baseline", "n_endline"),
    "cell_month": ("city_id", "cell", "resolution", "period", "posts", "flagged_posts", "crimes", "hate_crimes"),
    "correlations": ("city_id", "analysis", "estimate", "ci_low", "ci_high", "p_value", "n"),
    "target_month": ("city_id", "period", "target", "flagged_posts"),
}
DANGEROUS_PREFIX = r"^[=+\-@\t\r]"
# leading white space and invisible characters (zero-width, joiners, direction marks, BOM) a spreadsheet may drop
IGNORED_LEAD = r"^[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+"
METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _dangerous(s: pd.Series) -> pd.Series:
    """Text a spreadsheet may execute: a leading tab or CR, or = + - @ as the first character once leading white
    space and invisible characters are set aside and the next few are NFKC-normalised (full-width ＝ ＋ － ＠,
    small and superscript forms: spreadsheet apps read them as the ASCII signs, and trim spaces, on input)."""
    lead = s.str.replace(IGNORED_LEAD, "", regex=True).str.slice(0, 8).str.normalize("NFKC")
    lead = lead.str.replace(IGNORED_LEAD, "", regex=True)
    return (s.str.contains(DANGEROUS_PREFIX, regex=True, na=False)
            | lead.str.contains(DANGEROUS_PREFIX, regex=True, na=False))


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix ``'`` to every text value (and column name) a spreadsheet would execute (``_dangerous``); numbers
    stay numbers."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            s = out[col].astype("string")
            out[col] = s.mask(_dangerous(s), "'" + s)
    names = pd.Series([str(c) for c in out.columns], dtype="string")
    out.columns = [f"'{c}" if bad else c for c, bad in zip(out.columns, _dangerous(names), strict=True)]
    return out


def to_csv(frame: pd.DataFrame, target: Path | None = None) -> str | None:
    """``frame`` as CSV (to ``target``, else returned), every export's one writer: neutralised, no index, CRLF
    line ends (RFC 4180), with which the writer quotes any field holding CR or LF (with ``\n`` line ends it
    leaves a lone CR unquoted, and readers start a row there: the rest of the value its first cell)."""
    return neutralise(frame).to_csv(target, index=False, lineterminator="\r\n")


def table(name: str, city_id: str | None = None, audience: str = "staff") -> pd.DataFrame:
    """One published table as exported: filtered to a city, leading columns first, shaped for the audience (a
    table of totals with the rows it totals, ``PARTS``)."""
    frame = serving.read_serving(name, city_id)
    lead = [c for c in LEADING.get(name, ()) if c in frame.columns]
    frame = frame[lead + [c for c in frame.columns if c not in lead]]
    parts = None
    if name in PARTS and audience != "staff":
        try:
            parts = serving.read_serving(PARTS[name], city_id)
        except serving.NoSnapshotError:  # not published: nothing to set the totals against
            parts = pd.DataFrame()
    if name in LEVEL_PARTS and audience != "staff":  # parts of a count an official sees at one level only
        return _official_parts(name, frame, city_id, settings().suppress_below)
    if name == "alerts" and audience != "staff":  # alert counts against every published total of the city
        parts = alert_totals(lambda table: _read(table, city_id), settings().suppress_below)
    return for_audience(name, frame, audience, parts=parts, k=settings().suppress_below,
                        min_group=settings().min_group,
                        key=None if audience == "staff" else perturbation_key()).reset_index(drop=True)


def _read(table: str, city_id: str | None) -> pd.DataFrame:
    """A published table (one city's rows), empty when it is not published."""
    try:
        return serving.read_serving(table, city_id)
    except serving.NoSnapshotError:
        return pd.DataFrame()


# tables whose rows split a city's monthly total of a count (the count): an official gets them at the level
# chosen for that count in the city (quarter, year), never by month when the month is hidden
LEVEL_PARTS = {"target_month": "flagged_posts"}


def _official_parts(name: str, frame: pd.DataFrame, city_id: str | None, k: int) -> pd.DataFrame:
    """``frame`` (every city, or ``city_id``'s) as the cities' officials see it: ``published_levels.official_parts``
    per city."""
    cities = [city_id] if city_id else sorted(frame["city_id"].dropna().astype(str).unique())
    key = perturbation_key()
    out = [published_levels.official_parts(name, frame[frame["city_id"].astype(str) == c], c, LEVEL_PARTS[name],
                                           lambda table, c=c: _read(table, c), k, key) for c in cities]
    return pd.concat(out, ignore_index=True) if out else frame.iloc[0:0]


def readme_lines(kind: str, city_id: str | None, audience: str) -> list[str]:
    """The README sheet: export facts (data date, run id, snapshot) then the definitions from docs/metrics.md."""
    meta = serving.manifest()
    head = [f"SCN data platform export: {kind}",
            f"Data date: {meta.get('data_date') or 'unknown'}",
            f"Run id: {meta.get('run_id')}",
            f"Snapshot: {meta.get('snapshot_id')} (published {meta.get('published_at')})",
            f"Exported: {datetime.now(UTC).isoformat(timespec='seconds')}",
            f"City: {city_id or 'all cities'}",
            f"Audience: {audience}" + (f" (counts below {suppress_below()} suppressed)"
                                       if audience == "official" else ""),
            ""]
    doc = METRICS_DOC.read_text(encoding="utf-8").splitlines() if METRICS_DOC.exists() else \
        ["Definitions: see docs/metrics.md in the SCN data platform repository."]
    return head + doc


def _xlsx(sheets: dict[str, pd.DataFrame], readme: list[str]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        text = pd.Series(readme, dtype="string").str.replace(r"^(\s*)- ", r"\1• ", regex=True)
        neutralise(pd.DataFrame({"README": text})).to_excel(writer, sheet_name="README", index=False)
        for name, frame in sheets.items():
            clean = neutralise(frame).astype(object).where(frame.notna(), None)
            clean.to_excel(writer, sheet_name=name[:31], index=False)
        for ws in writer.book.worksheets:
            _format_sheet(ws, wide=ws.title == "README")
    return buf.getvalue()


def _format_sheet(ws, wide: bool) -> None:
    """Bold filled header, frozen first row, column widths from the longest value (capped)."""
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = "A2"
    for idx, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 500), values_only=True), 1):
        longest = max((len(str(v)) for v in col if v is not None), default=8)
        ws.column_dimensions[get_column_letter(idx)].width = 110 if wide else min(max(longest + 2, 8), 60)


class ExportError(ValueError):
    """An export that cannot be made as asked (the message says why)."""


def network_wide(kind: str) -> bool:
    """Whether a kind's published tables have no ``city_id`` (one table of the whole network)."""
    return not any(serving.has_city_column(n) for n in KINDS[kind])


def export_bytes(kind: str, fmt: str, city_id: str | None = None, audience: str = "staff") -> bytes:
    """The export of ``kind`` in ``fmt`` (csv|xlsx|parquet) as bytes, e.g. for a dashboard download button.
    ExportError for an unknown kind or format, or a city asked of a network-wide kind (its tables have no
    ``city_id``: the whole network would be exported under the city's name)."""
    if kind not in KINDS:
        raise ExportError(f"unknown export kind {kind!r}; one of {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if city_id is not None and network_wide(kind):
        raise ExportError(f"{kind} is network-wide (its tables have no city column): export it without a city")
    names = KINDS[kind] if fmt == "xlsx" else KINDS[kind][:1]
    frames = {n: table(n, city_id, audience) for n in names}
    first = frames[names[0]]
    if fmt == "csv":
        return str(to_csv(first)).encode("utf-8")
    if fmt == "parquet":
        buf = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(first, preserve_index=False), buf, compression="zstd")
        return buf.getvalue()
    readme = readme_lines(kind, city_id, audience)
    grains = {n: _grain(frames[n]) for n in names if n in LEVEL_PARTS and audience != "staff"}
    for n, grain in grains.items():  # an official's parts of a count come at that count's level: say which
        readme.insert(readme.index(""), f"Periods of {n}: by {grain} (the level of detail of the city's "
                                        f"{LEVEL_PARTS[n].replace('_', ' ')})")
    return _xlsx(frames, readme)


def _grain(frame: pd.DataFrame) -> str:
    """``month``, ``quarter``, ``year`` or ``mixed`` (several cities): the grain of ``frame``'s periods."""
    period = frame["period"].astype(str) if "period" in frame.columns else pd.Series(dtype=str)
    kinds = {"quarter" if "-Q" in p else "year" if len(p) == 4 else "month" for p in period}
    return kinds.pop() if len(kinds) == 1 else "mixed" if kinds else "month"


def export_filename(kind: str, fmt: str, city_id: str | None = None, audience: str = "staff") -> str:
    """Default file name: ``scn-<kind>[-<city>]-<data date>.<fmt>``; an export shaped for officials says so
    (``scn-<kind>[-<city>]-official-<data date>.<fmt>``), so a staff file (small counts kept) is never mistaken
    for one that may be passed on."""
    try:
        date = serving.manifest().get("data_date") or "undated"
    except serving.NoSnapshotError:
        date = "undated"
    who = "" if audience == "staff" else f"-{audience}"
    return f"scn-{kind}{f'-{city_id}' if city_id else ''}{who}-{date}.{fmt}"


def export(kind: str, fmt: str, out: Path, city_id: str | None = None, audience: str = "staff") -> Path:
    """Write the export to ``out`` (a file, or a folder that gets the default name); returns the file written."""
    data = export_bytes(kind, fmt, city_id=city_id, audience=audience)
    out = Path(out)
    target = out / export_filename(kind, fmt, city_id, audience) if out.is_dir() else out
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target
