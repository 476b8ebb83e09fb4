"""Aggregated crime statistics as police forces and statistics offices publish them: counts per area (code or
name, found by its values) and period (month, quarter, year or financial year), with a category and a hate-crime
strand where the file has them. Layouts: long (``area, period, [category], [strand], count``), wide periods
(``Jan-2022, 2022-02, 2021 Q1, 2019, 2022/23, 202204`` as columns), wide strands (``Racist, Religious, ...`` as
columns, a period column) and wide categories (crime types as columns, a period column).

Stored as ``crime_counts``, apart from recorded incidents (``crimes``). A financial year ``2022/23`` is a ``year``
starting 2022-04-01 (its quarters start in April, July, October, January). ``--hate`` marks every count of the
file as hate crime; ``--category`` names the category of a file without one.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd

from scn.ingest import area_codes, published
from scn.ingest.model import Parsed, Source
from scn.ingest.parse import MAX_WHOLE, as_text
from scn.ingest.readers import ROW, fail, normalise_name

STRANDS: dict[str, str] = {
    **dict.fromkeys(("racist", "race", "racial", "racism", "racist_and_religious", "race_and_religion",
                     "racial_or_religious", "racially_or_religiously_aggravated", "racist_religious",
                     "racist_or_religious",
                     "race_religion", "race_or_religion", "race_or_ethnicity",
                     "ethnicity"), "racist"),
    **dict.fromkeys(("religious", "religion", "faith", "religion_or_belief", "religion_belief", "belief"),
                    "religious"),
    **dict.fromkeys(("antisemitic", "anti_semitic", "antisemitism", "anti_semitism", "anti_jewish"), "antisemitic"),
    **dict.fromkeys(("anti_muslim", "islamophobic", "islamophobia", "anti_islamic"), "anti_muslim"),
    **dict.fromkeys(("homophobic", "homophobia", "sexual_orientation", "homophobic_biphobic", "anti_lgb",
                     "lgb", "biphobic"), "homophobic"),
    **dict.fromkeys(("disability", "disablist", "disabled", "disability_related"), "disability"),
    **dict.fromkeys(("transgender", "transphobic", "transphobia", "transgender_identity", "gender_identity",
                     "trans", "anti_trans"), "transgender"),
    **dict.fromkeys(("other", "other_hate", "alternative_subculture", "misogyny", "sex", "gender", "age"), "other"),
}
STRAND_NOISE = {"hate", "crime", "crimes", "offence", "offences", "offense", "offenses", "incident", "incidents",
                "count", "counts", "number", "of", "motivated", "related", "flag", "flagged", "strand", "n"}
TOTALS = {"", "total", "all", "all_strands", "total_hate"}
CATEGORY_NAMES = ("category", "crime_type", "offence", "offense", "offence_type", "offence_group", "crime_category",
                  "major_category", "minor_category", "majortext", "minortext", "offence_description",
                  "offence_subgroup", "crime_group", "crime")
STRAND_NAMES = ("hate_strand", "strand", "hate_type", "motivation", "bias", "bias_motivation", "hate_motivation",
                "flag", "hate_crime_type", "hate_category")
PERIOD_NAMES = ("period", "month", "date", "year", "quarter", "financial_year", "fy", "time_period", "time",
                "month_year", "year_month", "reporting_period")
COUNT_NAMES = ("count", "counts", "value", "offences", "offenses", "crimes", "number", "total", "n", "incidents",
               "number_of_offences", "offence_count", "crime_count", "recorded_crime", "number_of_crimes")
MONTHS = {m: i for i, names in enumerate((
    ("jan", "january", "janv", "janvier"), ("feb", "february", "fev", "fevrier", "février"), ("mar", "march", "mars"),
    ("apr", "april", "avr", "avril"), ("may", "mai"), ("jun", "june", "juin"), ("jul", "july", "juil", "juillet"),
    ("aug", "august", "aout", "août"), ("sep", "sept", "september", "septembre"), ("oct", "october", "octobre"),
    ("nov", "november", "novembre"), ("dec", "december", "déc", "decembre", "décembre")), 1) for m in names}
FY_START_MONTH = 4
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2})(?:[ t]00:00(?::00)?)?)?$")
_LONG_FY = re.compile(r"^(\d{4})\s*[/-]\s*(\d{4})$")
_YYYYMM = re.compile(r"^(\d{4})(\d{2})$")
_NAME_YEAR = re.compile(r"^([^\W\d_]+)\.?[\s\-/]*'?(\d{4}|\d{2})$")
_YEAR_NAME = re.compile(r"^(\d{4})[\s\-/]*([^\W\d_]+)$")
_QUARTER = (re.compile(r"^(\d{4})\s*[-_/ ]?\s*q([1-4])$"), re.compile(r"^q([1-4])\s*[-_/ ]?\s*(\d{4})$"))
_FY_QUARTER = (re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*[-_ ]?\s*q([1-4])$"),
               re.compile(r"^q([1-4])\s*[-_ ]?\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})$"))
_YEAR = re.compile(r"^(\d{4})$")
REPEATED = re.compile(r" \(\d+\)$")  # the reader's mark of a repeated header (``published._names``)
_PREFIX = re.compile(r"^(?:(fy|financial year|fin year)|calendar year|year|cy)\s*:?\s*")


def _fy_pair(y: int, second: str) -> bool:
    return int(second) == (y + 1) % (100 if len(second) == 2 else 10_000)


def _quarter_start(y: int, q: int, fy: bool) -> datetime.date:
    month = (FY_START_MONTH - 1 if fy else 0) + 3 * (q - 1)
    return datetime.date(y + month // 12, month % 12 + 1, 1)


def period_candidates(text: str) -> list[tuple[str, datetime.date, str]]:
    """Readings of one period text: (kind, first day, ``month``|``fy``|``plain``); ``2011-12`` has two."""
    t = text.strip().lower()
    prefix = _PREFIX.match(t)
    fy_prefix = bool(prefix and prefix.group(1))
    t = t[prefix.end():] if prefix else t
    out: list[tuple[str, datetime.date, str]] = []
    try:
        if m := _ISO.match(t):
            y, mo, day = int(m.group(1)), int(m.group(2)), m.group(3)
            if 1 <= mo <= 12 and (day is None or int(day) == 1):
                out.append(("month", datetime.date(y, mo, 1), "month"))
            if day is None and _fy_pair(y, m.group(2)):
                out.append(("year", datetime.date(y, FY_START_MONTH, 1), "fy"))
        elif (m := _LONG_FY.match(t)) and _fy_pair(int(m.group(1)), m.group(2)):
            out.append(("year", datetime.date(int(m.group(1)), FY_START_MONTH, 1), "fy"))
        elif (m := _YYYYMM.match(t)) and 1 <= int(m.group(2)) <= 12:
            out.append(("month", datetime.date(int(m.group(1)), int(m.group(2)), 1), "month"))
        elif (m := _NAME_YEAR.match(t)) and m.group(1) in MONTHS:
            y = int(m.group(2)) + (2000 if len(m.group(2)) == 2 else 0)
            out.append(("month", datetime.date(y, MONTHS[m.group(1)], 1), "month"))
        elif (m := _YEAR_NAME.match(t)) and m.group(2) in MONTHS:
            out.append(("month", datetime.date(int(m.group(1)), MONTHS[m.group(2)], 1), "month"))
        elif (m := _FY_QUARTER[0].match(t)) and _fy_pair(int(m.group(1)), m.group(2)):
            out.append(("quarter", _quarter_start(int(m.group(1)), int(m.group(3)), True), "fy"))
        elif (m := _FY_QUARTER[1].match(t)) and _fy_pair(int(m.group(2)), m.group(3)):
            out.append(("quarter", _quarter_start(int(m.group(2)), int(m.group(1)), True), "fy"))
        elif m := _QUARTER[0].match(t):
            out.append(("quarter", _quarter_start(int(m.group(1)), int(m.group(2)), fy_prefix), "plain"))
        elif m := _QUARTER[1].match(t):
            out.append(("quarter", _quarter_start(int(m.group(2)), int(m.group(1)), fy_prefix), "plain"))
        elif (m := _YEAR.match(t)) and 1990 <= int(m.group(1)) <= 2100:
            y = int(m.group(1))
            out.append(("year", datetime.date(y, FY_START_MONTH, 1) if fy_prefix else datetime.date(y, 1, 1),
                        "fy" if fy_prefix else "plain"))
    except ValueError:  # a date that does not exist
        return []
    return out


def periods(values: list[str]) -> dict[str, tuple[str, datetime.date]]:
    """The period of each distinct text; ``2011-12`` is December 2011 unless the others are financial years."""
    cands = {v: period_candidates(v) for v in values}
    months = sum(1 for c in cands.values() if [x[2] for x in c] == ["month"])
    years = sum(1 for c in cands.values() if [x[2] for x in c] == ["fy"])
    prefer = "fy" if years > months else "month"
    out = {}
    for v, c in cands.items():
        if c:
            kind, start, _ = next((x for x in c if x[2] == prefer), c[0])
            out[v] = (kind, start)
    return out


def strand_of(text: str) -> str | None:
    """The hate strand a header or value names (``Anti-Muslim`` -> anti_muslim), ``''`` for an all-strand total,
    None when it names none."""
    tokens = [t for t in normalise_name(text).split("_") if t and t not in STRAND_NOISE]
    key = "_".join(tokens)
    if key in STRANDS:
        return STRANDS[key]
    return "" if key in TOTALS and "hate" in normalise_name(text).split("_") else None


def _header(column: str) -> str:
    """A header as written: without the `` (2)`` the reader adds to a repeated one."""
    return REPEATED.sub("", column)


def _header_strand(column: str) -> str | None:
    """The strand a column header names (``strand_of``), ``''`` for an all-strand hate total; a strand with
    "total" or "all" around it (``Racist total``, ``Total racist``) is that strand."""
    found = strand_of(_header(column))
    if found is not None:
        return found
    tokens = [t for t in normalise_name(_header(column)).split("_") if t and t not in STRAND_NOISE]
    key = "_".join(t for t in tokens if t not in ("total", "all"))
    return STRANDS.get(key) if key != "_".join(tokens) else None


def _plain_total(column: str) -> bool:
    """``Total``, ``All``, ``All strands``: beside strand columns, the all-strand total."""
    return normalise_name(_header(column)) in TOTALS - {""}


def _one_column_each(src: Source, strands: dict[str, str], totals: list[str]) -> None:
    """A wide-strand file must give each strand, and the all-strand total, in one column: two columns for one
    (``Faith`` and ``Religious``, ``Total`` and ``total``, a repeated header) would give two counts for one row."""
    by_strand: dict[str, list[str]] = {}
    for column, strand in strands.items():
        by_strand.setdefault(strand, []).append(column)
    def listed(cols: list[str]) -> str:
        names = [repr(_header(c)) for c in cols]
        return ", ".join(names[:-1]) + " and " + names[-1]

    clashes = [f"columns {listed(cols)} each count the {strand} strand"
               for strand, cols in by_strand.items() if len(cols) > 1]
    if len(totals) > 1:
        clashes.append(f"columns {listed(totals)} each give the all-strand total")
    if clashes:
        raise fail(src.path, "ambiguous hate strand columns: " + "; ".join(clashes) + " (keep one column each, "
                             "or ingest them as separate files)")


def _strand_values(s: pd.Series) -> pd.Series:
    uniq = as_text(s).dropna().unique()
    return as_text(s).map({u: strand_of(u) for u in uniq}, na_action="ignore").astype("string")


def _category(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    out = pd.Series(pd.NA, index=frame.index, dtype="string")
    for c in columns:  # several category columns (major / minor): joined
        part = as_text(frame[c])
        out = out.where(part.isna(), (out + " / " + part).fillna(part))
    return out


def _share(s: pd.Series, test) -> float:
    """Share of a column's non-empty distinct-value occurrences for which ``test`` (on the distinct values) holds."""
    text = as_text(s).dropna()
    if text.empty:
        return 0.0
    uniq = list(text.unique())
    return float(text.isin(test(uniq)).mean())


def _layout(frame: pd.DataFrame, columns: list[str], src: Source) -> dict:
    """Which columns hold what: period/strand/category/count columns, or the value columns of a wide layout."""
    norm = {c: normalise_name(c) for c in columns}
    period_cols = [c for c in columns if periods([c])]
    named_strand = {c for c in columns if norm[c] in STRAND_NAMES}  # "Hate strand": a column OF strands
    heads = {c: _header_strand(c) for c in columns if c not in named_strand}
    strand_cols = [c for c, h in heads.items() if h not in (None, "")]
    total_cols = [c for c, h in heads.items() if h == ""]
    rest = [c for c in columns if c not in period_cols and c not in strand_cols and c not in total_cols]

    def named(names: tuple[str, ...], among: list[str]) -> str | None:
        return next((c for n in names for c in among if norm[c] == n), None)

    strand_col = named(STRAND_NAMES, rest) or next(
        (c for c in rest if _share(frame[c], lambda u: [v for v in u if strand_of(v) is not None]) >= 0.8), None)
    period_col = named(PERIOD_NAMES, rest) or next(
        (c for c in rest if c != strand_col and _share(frame[c], lambda u: list(periods(u))) >= 0.8), None)
    out = {"category": [c for c in rest if norm[c] in CATEGORY_NAMES and c != strand_col], "strand": strand_col,
           "period": period_col, "values": [], "by": None, "hate": False}
    if period_cols and period_col is None:
        out.update(values=period_cols, by="period")
    elif len(strand_cols) >= 2 or (strand_cols and src.options.get("hate")):
        totals = total_cols + [c for c in rest if _plain_total(c)]  # beside strands, "Total" is their total
        _one_column_each(src, {c: heads[c] for c in strand_cols}, totals)
        out.update(values=strand_cols + totals, by="strand",
                   strands={**{c: heads[c] for c in strand_cols}, **dict.fromkeys(totals, "total hate")})
    else:
        free = [c for c in rest if c not in (strand_col, period_col, *out["category"])]
        count_col = named(COUNT_NAMES, free)
        if count_col is not None:
            out.update(values=[count_col])
        elif total_cols:  # a single "Hate crimes" column: the all-strand hate count
            out.update(values=total_cols[:1], hate=True)
        else:
            others = published.value_columns(frame, [c for c in free if not c.startswith("_blank")])
            if not others:
                raise fail(src.path, "no count column (count, value, offences...), and no periods or hate strands "
                                     "as columns")
            out.update(values=others, by="category" if len(others) > 1 else None)
    if out["by"] != "period" and period_col is None:
        raise fail(src.path, "no period: neither a period column (month, quarter, year...) nor periods as columns")
    return out


def _cells(grid: published.Grid, bounds: area_codes.Boundaries, src: Source, sheets: int
           ) -> tuple[pd.DataFrame, dict | None]:
    """One table's cells: source_row, area, column, field, raw, category, strand_raw, period_raw, code, other, and
    whether the layout makes every count hate crime."""
    frame, area, columns, labels, skipped = published.area_lines(grid, bounds, src)
    layout = _layout(frame, [c for c in columns if c != area.name and c not in labels], src)
    values = layout["values"]
    frame = frame[frame[values].notna().any(axis=1)]  # lines without any count: notes, not rows
    ids = {ROW: frame[ROW], "area": frame[area.name], "category": _category(frame, layout["category"]),
           "strand_raw": frame[layout["strand"]] if layout["strand"] else pd.Series(pd.NA, index=frame.index),
           "period_raw": frame[layout["period"]] if layout["period"] else pd.Series(pd.NA, index=frame.index)}
    base = pd.DataFrame(ids).assign(**{f"_v{i}": frame[c] for i, c in enumerate(values)})
    cells = base.melt(id_vars=list(ids), value_vars=[f"_v{i}" for i in range(len(values))], var_name="column",
                      value_name="raw")
    cells["column"] = cells["column"].map({f"_v{i}": c for i, c in enumerate(values)})
    if layout["by"] == "period":
        cells["period_raw"] = cells["column"]
    elif layout["by"] == "strand":
        cells["strand_raw"] = cells["column"].map(layout["strands"])
    elif layout["by"] == "category":
        cells["category"] = cells["column"].astype("string")
    cells["field"] = (f"{grid.sheet}!" if sheets > 1 else "") + cells["column"].astype(str)
    cells["code"], cells["other"] = area_codes.match(cells["area"], bounds, area.by)
    cells["hate"] = layout["hate"] or layout["by"] == "strand" or layout["strand"] is not None
    return cells, skipped


def parse(src: Source) -> Parsed:
    cells, bounds, outside = published.read_cells(src, _cells)
    text = as_text(cells["period_raw"].astype("string"))
    found = periods(list(text.dropna().unique()))
    kind = text.map({k: v[0] for k, v in found.items()}, na_action="ignore").astype("string")
    start = pd.to_datetime(text.map({k: v[1] for k, v in found.items()}, na_action="ignore"))
    strand = _strand_values(cells["strand_raw"].astype("string"))
    category = as_text(cells["category"].astype("string"))
    if src.options.get("category"):
        category = category.fillna(str(src.options["category"]))
    category = category.fillna("")
    is_hate = strand.notna().to_numpy() | bool(src.options.get("hate")) | cells["hate"].astype(bool).to_numpy() | \
        category.str.contains("hate", case=False, regex=False).to_numpy(dtype=bool)
    is_hate = pd.Series(is_hate, index=cells.index)
    code, other = cells["code"].astype("string"), cells["other"].astype(bool)
    count, missing, bad = published.numbers(cells["raw"])
    not_whole = count.notna() & ((count < 0) | (np.floor(count) != count) | ~(count <= MAX_WHOLE))
    latest = pd.Timestamp.now() + pd.Timedelta(days=366)  # a period that starts next year at the latest
    implausible = kind.notna() & ~((start >= pd.Timestamp("1900-01-01")) & (start <= latest)).fillna(False)
    reason = pd.Series(np.select(
        [code.isna() & other, code.isna(), kind.isna(), implausible, missing, bad, not_whole],
        ["code of another boundary vintage (e.g. 2011 vs 2021 LSOAs): matches no boundary of " + src.city_id,
         "area matches no boundary of " + src.city_id, "period not understood (month, quarter or year)",
         "period outside 1900..next year",
         published.SUPPRESSED_REASON, "not a number", "not a whole non-negative number"], default=""),
        index=cells.index)
    rejected = reason.ne("")
    ok = ~rejected
    rows = pd.DataFrame({
        "city_id": src.city_id, "area_code": code[ok], "area_name": bounds.names(code[ok]), "period": kind[ok],
        "period_start": start[ok].dt.date, "category": category[ok], "hate_strand": strand.fillna("")[ok],
        "is_hate": is_hate[ok].astype(bool), "count": count[ok].astype("int64"), "source_file": src.name,
        "source_row": cells.loc[ok, ROW].astype("int64"),
    })
    rejects = published.cell_rejects(cells, rejected, reason)
    return Parsed({"crime_counts": rows}, "crime_counts", rejects,
                  area_codes.vintage_warning(cells["area"], other, code, bounds) + outside)
