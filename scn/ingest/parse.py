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


# values that name no day: a bare year, a year and month, a time of day alone (which became today's date)
NO_DAY = r"\d{4}|\d{4}[-/.]\d{1,2}|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?"
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
    century = np.where(m[2].astype("int64") <= pd.Timestamp.now().year % 100 + 1, "20", "19")  # 25 -> 2025, 99 -> 1999
    year = m[2].where(m[2].str.len() == 4, century + m[2])
    rest = (" " + m[3]).fillna("")
    out[rows] = (year + "-" + month.astype(str).str.zfill(2) + "-" + day.astype(str).str.zfill(2) + rest)
    return out


def parse_time(s: pd.Series) -> pd.Series:
    """UTC timestamps[us]: ISO 8601 (offsets converted, naive taken as UTC), epoch s/ms, numeric day/month/year
    dates in one order per column (``_numeric_dates``), then other formats. A value that names no day (a bare
    year, a year and month, a time alone) is not a timestamp (NaT). The checks beyond ISO run on the values ISO
    did not read (and the few short ones it did), so a column of ISO times costs what it did."""
    index = s.index
    s = as_text(s).reset_index(drop=True)  # positions: the caller's index may repeat
    utc = "datetime64[us, UTC]"
    out = pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce").astype(utc)
    short = (out.notna() & (s.str.len() <= 7)).fillna(False).astype(bool)  # "2025", "2025-03": ISO names no day
    if short.any():
        out = out.mask(short & s.str.fullmatch(NO_DAY).fillna(False).astype(bool))
    todo = out.isna() & s.notna()
    if todo.any():
        t = s[todo]
        t = t.mask(t.str.fullmatch(NO_DAY, case=False).fillna(False).astype(bool))
        numeric = _numeric_dates(t)
        digits = t.str.fullmatch(r"\d{9,13}(?:\.\d+)?").fillna(False).astype(bool)
        rest = t.notna() & ~digits & numeric.isna()
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
        if rest.any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parts.append(pd.to_datetime(t[rest], format="mixed", utc=True, errors="coerce"))
        got = pd.concat([p.astype(utc) for p in parts if len(p)]) if any(len(p) for p in parts) else None
        if got is not None:
            out = out.where(~out.index.isin(got.index), got.reindex(out.index))
    return out.set_axis(index)


def parse_month(s: pd.Series) -> pd.Series:
    """``YYYY-MM`` -> first day of the month, UTC."""
    return pd.to_datetime(as_text(s), format="%Y-%m", utc=True, errors="coerce").dt.as_unit("us")


def parse_date(s: pd.Series) -> pd.Series:
    """Calendar dates (ISO first, then other formats, day-first when ambiguous)."""
    s = as_text(s)
    out = pd.to_datetime(s, format="ISO8601", errors="coerce")
    todo = out.isna() & s.notna()
    if todo.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[todo] = pd.to_datetime(s[todo], format="mixed", dayfirst=True, errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert(None)
    return out.dt.normalize()


def parse_float(s: pd.Series) -> pd.Series:
    """Finite numbers as float64 (NaN when missing, unparseable or not finite: ``inf``, ``1e400``, ``nan``); a lone
    decimal comma is accepted."""
    s = as_text(s)
    s = s.where(s.str.contains(".", regex=False).fillna(True), s.str.replace(",", ".", regex=False))
    f = pd.to_numeric(s, errors="coerce").astype("float64")
    return f.where(np.isfinite(f))


def parse_int(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers as Int64, and a mask that is False where a present value was not a whole number (or one
    beyond ``MAX_WHOLE``, which no count, year or population reaches and int64 may not hold)."""
    f = parse_float(s)
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
    inside = lat.between(s, n) & lon.between(w, e)
    swapped_inside = lon.between(s, n) & lat.between(w, e)
    frame["lat__swapped"] = ~(swapped_inside & ~inside)
    return frame
