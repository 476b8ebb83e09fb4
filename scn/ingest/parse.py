"""Vectorised parsing of string columns into typed ones; anything unparseable becomes missing."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

TRUE = ("y", "yes", "true", "t", "1", "1.0", "oui", "si", "x")
FALSE = ("n", "no", "false", "f", "0", "0.0", "non", "none")
MAX_WHOLE = 2 ** 53 - 1  # the largest whole number a float64 holds exactly: no count, year or population is larger


def as_text(s: pd.Series) -> pd.Series:
    """Strip; empty -> missing."""
    s = s.astype("string").str.strip()
    return s.mask(s == "")


TIME_OF_DAY = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"  # 13:05, 1:05:30.5 pm
# values that name no day: a bare year, a year and month, a time of day alone (which became today's date)
NO_DAY = rf"\d{{4}}|\d{{4}}[-/.]\d{{1,2}}|{TIME_OF_DAY}"
# 05/03/2025 10:00, 5.3.25, 3/25/2025 1:05 PM, 05/03/2025, 10:00: the date, then any time of day
NUMERIC_DATE = r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:,?[ T](\S.*))?"


def _numeric_dates(s: pd.Series) -> pd.Series:
    """Day/month/year dates written with numbers only, as ISO text, in ONE order for the whole column: month
    first only when a value's second number is above 12 and no value's first number is (``03/25/2025``); else
    day first, the order of most of the world (``05/03/2025`` is 5 March). Before, each value was guessed alone:
    ``05/03/2025`` became 3 May and ``13/03/2025`` 13 March in the same file. A value that does not fit the
    column's order (its month above 12) is not a date. Other values: NA."""
    m = s.str.extract(f"^{NUMERIC_DATE}$")
    rows = m[0].notna()
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    if not rows.any():
        return out
    m = m[rows]
    a, b = m[0].astype("int64"), m[1].astype("int64")
    month_first = bool((b > 12).any() and not (a > 12).any())
    day, month = (b, a) if month_first else (a, b)
    # a two-digit year: the most recent such year not in the future (in 2026: 26 -> 2026, 27 -> 1927)
    century = np.where(m[2].astype("int64") <= pd.Timestamp.now().year % 100, "20", "19")
    year = m[2].where(m[2].str.len() == 4, century + m[2])
    rest = (" " + m[3]).fillna("")
    out[rows] = (year + "-" + month.astype(str).str.zfill(2) + "-" + day.astype(str).str.zfill(2) + rest)
    return out


def assumed_order(s: pd.Series) -> str | None:
    """``day/month/year`` when ``_numeric_dates`` took the column's numeric dates day first with nothing in
    them to tell (every first and second number at most 12, not all equal: ``03/04/2025`` may be 3 April or 4
    March), else None. A week of US month-first dates read so spreads over seven months, silently."""
    m = as_text(s).str.extract(f"^{NUMERIC_DATE}$")[[0, 1]].dropna().astype("int64")
    if m.empty or (m > 12).any().any() or (m[0] == m[1]).all():
        return None
    return "day/month/year"


def date_order_warnings(columns: dict[str, pd.Series]) -> list[dict[str, str]]:
    """The ``ambiguous_date_order`` warning for each column (file column name -> its raw values) whose numeric
    dates were all ambiguous: the order assumed is named, so a month-first file is noticed."""
    return [{"code": "ambiguous_date_order", "field": name, "assumed": order}
            for name, s in columns.items() if (order := assumed_order(s)) is not None]


EXCEL_SERIAL = r"\d{5}(?:[.,]\d+)?"  # 10000..99999 days: 1927..2173 (an epoch number has 9 digits or more)
EXCEL_EPOCH = pd.Timestamp("1899-12-30", tz="UTC")


def parse_time(s: pd.Series) -> pd.Series:
    """UTC timestamps[us]: ISO 8601 (offsets converted, naive taken as UTC), epoch s/ms, Excel date serials
    (``45717.5``: 2025-03-01 12:00, naive), numeric day/month/year dates in one order per column
    (``_numeric_dates``), then other formats. A value that names no day (a bare
    year, a year and month, a time alone, a word: ``now``) is not a timestamp (NaT). The checks beyond ISO run
    on the values ISO did not read (and the few short ones it did): a column of ISO times costs as before."""
    index = s.index
    s = as_text(s).reset_index(drop=True)  # positions: the caller's index may repeat
    utc = "datetime64[us, UTC]"
    out = pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce").astype(utc)
    # "2025", "2025-03", "13:05" name no day; nor does a word: pandas reads "now" and "today" as the clock
    no_day = (s.str.fullmatch(NO_DAY, case=False) | ~s.str.contains(r"\d")).fillna(False).astype(bool)
    out = out.mask(no_day)
    todo = out.isna() & s.notna() & ~no_day
    if todo.any():
        t = s[todo]
        numeric = _numeric_dates(t)
        digits = t.str.fullmatch(r"\d{9,13}(?:\.\d+)?").fillna(False).astype(bool)
        serial = t.str.fullmatch(EXCEL_SERIAL).fillna(False).astype(bool)
        rest = t.notna() & ~digits & ~serial & numeric.isna()
        iso = pd.to_datetime(numeric[numeric.notna()], format="ISO8601", utc=True, errors="coerce")
        parts = [iso[iso.notna()]]
        later = numeric[numeric.notna()][iso.isna()]  # a time ISO does not read (1:05 PM): the date is ISO now
        later = later[later.str.contains(" ", regex=False).fillna(False).astype(bool)]
        if len(later):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parts.append(pd.to_datetime(later, format="mixed", utc=True, errors="coerce"))
        if digits.any():
            num = pd.to_numeric(t[digits], errors="coerce")
            parts.append(pd.Series(pd.to_datetime(np.where(num > 1e11, num / 1000, num), unit="s", utc=True,
                                                  errors="coerce"), index=num.index))
        if serial.any():  # Excel's days since 1899-12-30 (a General-formatted date column), a wall clock
            days = pd.to_numeric(t[serial].str.replace(",", ".", regex=False), errors="coerce")
            parts.append((EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("s"))
        if rest.any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parts.append(pd.to_datetime(t[rest], format="mixed", utc=True, errors="coerce"))
        got = pd.concat([p.astype(utc) for p in parts if len(p)]) if any(len(p) for p in parts) else None
        if got is not None:
            out = out.where(~out.index.isin(got.index), got.reindex(out.index))
    return out.set_axis(index)


# a zone ending a value right after a time of day: Z or an offset, or a word (UTC, GMT, EST; not AM/PM)
ZONE_END = r"(?:\s*(?:Z|[+\-]\d{2}(?::?\d{2})?)|\s+(?![AaPp]\.?[Mm]\.?\s*$)[A-Za-z]{2,5})\s*$"
EPOCH = r"\d{9,13}(?:\.\d+)?"


def names_instant(s: pd.Series) -> pd.Series:
    """Whether each value names its instant: a time followed by an offset or zone, or an epoch number. The
    others (a date, a time without zone) are a wall clock: whose, the caller knows (``wall_to_utc``)."""
    text = as_text(s).str.strip()
    return (text.str.contains(TIME_OF_DAY + ZONE_END) | text.str.fullmatch(EPOCH)).fillna(False).astype(bool)


def wall_to_utc(wall: pd.Series, tz: str | None) -> pd.Series:
    """UTC instants of wall-clock times (tz-naive, or UTC-typed values that hold a wall clock) read on the IANA
    zone ``tz`` (None or UTC: unchanged). A wall time that occurs twice (autumn DST) is the standard-time one;
    one that never occurs (spring) is shifted forward."""
    utc = "datetime64[us, UTC]"
    if wall.dt.tz is not None:
        wall = wall.dt.tz_convert("UTC").dt.tz_localize(None)
    if not tz or tz == "UTC" or not len(wall):
        return wall.dt.tz_localize("UTC").astype(utc)
    local = wall.dt.tz_localize(tz, ambiguous=np.zeros(len(wall), bool), nonexistent="shift_forward")
    return local.dt.tz_convert("UTC").astype(utc)


def parse_month(s: pd.Series) -> pd.Series:
    """``YYYY-MM`` -> first day of the month, UTC."""
    return pd.to_datetime(as_text(s), format="%Y-%m", utc=True, errors="coerce").dt.as_unit("us")


def parse_date(s: pd.Series) -> pd.Series:
    """Calendar dates (naive, midnight) by ``parse_time``'s rules (no words, no value naming no day, one
    day/month order per column, two-digit years not in the future), taking the date as written where it was
    written: ``2025-12-31T20:00-05:00`` is 31 December (its offset is dropped, not converted to 1 January
    UTC), and a column mixing offsets and plain dates no longer fails whole (a bad value is NaT)."""
    local = as_text(s).str.replace(f"({TIME_OF_DAY}){ZONE_END}", r"\1", regex=True)
    return parse_time(local).dt.tz_convert(None).dt.normalize()


def parse_float(s: pd.Series) -> pd.Series:
    """Finite numbers as float64 (NaN when missing, unparseable or not finite: ``inf``, ``1e400``, ``nan``); a lone
    decimal comma is accepted."""
    s = as_text(s)
    s = s.where(s.str.contains(".", regex=False).fillna(True), s.str.replace(",", ".", regex=False))
    f = pd.to_numeric(s, errors="coerce").astype("float64")
    return f.where(np.isfinite(f))


GROUP_SEPARATORS = ",. '\u00a0\u202f"  # thousands separators of whole numbers: 1,234  1.234  1 234  1'234


def ungrouped(s: pd.Series, separators: str = GROUP_SEPARATORS, fraction: bool = False) -> pd.Series:
    """Text of numbers written in groups of three digits (``12,000``, ``1.234.567``, ``12 500``, ``1'234``:
    one separator from ``separators`` throughout) without the separators; any other value as it is.
    ``fraction``: a ``.`` and digits may follow the groups (``1,234.5``; give separators without ``.``). The
    one thousands rule of whole-number fields (``parse_int``) and published tables (``published.numbers``)."""
    s = as_text(s)
    sep = "[" + "".join("\\" + c if c in "\\]^-" else c for c in separators) + "]"
    tail = r"(?:\.\d+)?" if fraction else ""
    grouped = s.str.fullmatch(rf"[-+]?\d{{1,3}}(?P<sep>{sep})\d{{3}}(?:(?P=sep)\d{{3}})*{tail}")
    grouped = grouped.fillna(False).astype(bool)
    return s.where(~grouped, s.str.replace(f"(?<=\\d){sep}(?=\\d{{3}})", "", regex=True))


def parse_int(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers as Int64, and a mask that is False where a present value was not a whole number (or one
    beyond ``MAX_WHOLE``, which no count, year or population reaches and int64 may not hold). Digits in
    groups of three are one number (``ungrouped``: ``12,000`` is 12000, never the decimal comma 12.0)."""
    f = parse_float(ungrouped(s))
    whole = f.isna() | ((np.floor(f) == f) & (f.abs() <= MAX_WHOLE))
    ok = (f.notna() | as_text(s).isna()) & whole
    return f.where(whole).round().astype("Int64"), ok


def parse_bool(s: pd.Series) -> pd.Series:
    """Yes/no style flags as boolean (missing when neither)."""
    low = as_text(s).str.lower()
    return pd.Series(np.where(low.isin(TRUE), True, np.where(low.isin(FALSE), False, None)),
                     index=s.index, dtype="boolean")


def coordinate_checks(frame: pd.DataFrame, raw: pd.DataFrame, box: tuple[float, float, float, float] | None
                      ) -> pd.DataFrame:
    """Parse ``lat``/``lon`` from ``raw`` into ``frame`` and add the helper flags the schemas check:
    ``*__parsed`` (present values are numbers), ``lat__paired`` (both or neither), ``lat__swapped`` (False when
    only the swapped point lies in the city's box)."""
    for c in ("lat", "lon"):
        frame[c] = parse_float(raw[c])
        frame[f"{c}__parsed"] = frame[c].notna() | as_text(raw[c]).isna()
    lat, lon = frame["lat"], frame["lon"]
    frame["lat__paired"] = as_text(raw["lat"]).isna() == as_text(raw["lon"]).isna()
    if box is None:
        frame["lat__swapped"] = True
        return frame
    s, w, n, e = box

    def within(x: pd.Series) -> pd.Series:  # west > east: the box wraps across the antimeridian
        return x.between(w, e) if w <= e else (x >= w) | (x <= e)
    inside = lat.between(s, n) & within(lon)
    swapped_inside = lon.between(s, n) & within(lat)
    frame["lat__swapped"] = ~(swapped_inside & ~inside)
    return frame
