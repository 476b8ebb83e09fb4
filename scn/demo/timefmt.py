"""Timestamps inside a city's local month and their ISO 8601 rendering with the city's UTC offset."""

from __future__ import annotations

import numpy as np
import pandas as pd


def times_in_months(periods: np.ndarray, rng: np.random.Generator, tz: str = "UTC",
                    guard: pd.Timedelta | None = None) -> pd.DatetimeIndex:
    """A uniform UTC instant (whole seconds) inside each given month ('YYYY-MM') of the wall clock of ``tz``:
    the month the enrichment counts it in (the city's local calendar), edges included (00:30 on the 1st,
    local, is the new month's though UTC may still be in the old one). ``guard`` keeps that much time clear
    at both ends (a campaign lasting a few hours stays inside its month)."""
    months, inverse = np.unique(np.asarray(periods, dtype=str), return_inverse=True)
    first = pd.PeriodIndex(months, freq="M").to_timestamp()

    def utc(local: pd.DatetimeIndex) -> pd.DatetimeIndex:  # a local midnight as a UTC instant (DST-safe)
        return local.tz_localize(tz, nonexistent="shift_forward", ambiguous=np.zeros(len(local), bool)) \
            .tz_convert("UTC").tz_localize(None)

    pad = (guard or pd.Timedelta(0)).to_timedelta64()
    lo, hi = utc(first), utc(first + pd.offsets.MonthBegin(1))
    start = lo.to_numpy()[inverse] + pad
    span = ((hi - lo).total_seconds().to_numpy() - 2 * pad / np.timedelta64(1, "s"))[inverse]
    secs = np.floor(rng.random(len(inverse)) * span)
    return pd.DatetimeIndex(start + secs.astype("timedelta64[s]")).tz_localize("UTC")


def iso_with_offset(utc: pd.DatetimeIndex | pd.Series, tz: str) -> pd.Series:
    """'2025-03-04T21:15:07+01:00' strings: wall-clock time in tz plus its UTC offset."""
    utc = pd.DatetimeIndex(utc)
    local = utc.tz_convert(tz)
    minutes = ((local.tz_localize(None) - utc.tz_localize(None)).total_seconds() // 60).astype(int)
    sign = np.where(minutes < 0, "-", "+")
    a = np.abs(minutes)
    off = pd.Series(sign) + pd.Series(a // 60).astype(str).str.zfill(2) + ":" + pd.Series(a % 60).astype(str).str.zfill(2)
    return pd.Series(local.strftime("%Y-%m-%dT%H:%M:%S")) + off
