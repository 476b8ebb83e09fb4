"""Timestamps inside a month and their ISO 8601 rendering with the city's UTC offset."""

from __future__ import annotations

import numpy as np
import pandas as pd

GUARD = pd.Timedelta(hours=14)  # no event within 14 h of a month boundary: local and UTC months agree


def times_in_months(periods: np.ndarray, rng: np.random.Generator) -> pd.DatetimeIndex:
    """A uniform UTC instant (whole seconds) inside each given month ('YYYY-MM'), away from its edges."""
    months, inverse = np.unique(np.asarray(periods, dtype=str), return_inverse=True)
    first = pd.PeriodIndex(months, freq="M").to_timestamp()
    start = first.to_numpy()[inverse]
    span = ((first + pd.offsets.MonthBegin(1)) - first - 2 * GUARD).total_seconds().to_numpy()[inverse]
    secs = np.floor(rng.random(len(inverse)) * span)
    return pd.DatetimeIndex(start + GUARD.to_timedelta64() + secs.astype("timedelta64[s]")).tz_localize("UTC")


def iso_with_offset(utc: pd.DatetimeIndex | pd.Series, tz: str) -> pd.Series:
    """'2025-03-04T21:15:07+01:00' strings: wall-clock time in tz plus its UTC offset."""
    utc = pd.DatetimeIndex(utc)
    local = utc.tz_convert(tz)
    minutes = ((local.tz_localize(None) - utc.tz_localize(None)).total_seconds() // 60).astype(int)
    sign = np.where(minutes < 0, "-", "+")
    a = np.abs(minutes)
    off = pd.Series(sign) + pd.Series(a // 60).astype(str).str.zfill(2) + ":" + pd.Series(a % 60).astype(str).str.zfill(2)
    return pd.Series(local.strftime("%Y-%m-%dT%H:%M:%S")) + off
