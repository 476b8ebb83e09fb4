"""The level of detail an audience sees on a city's map, series and tables (issue 21): staff the published cells
by month; an official the finest (place, period) level at which every count is shown, with no hole.

Levels, finest first (``LEVELS``): H3 cells at res 8, 7, 6 by month, the city's areas by month, quarter and year,
then the whole city by month, quarter and year. A level passes for an official when none of its counts is hidden:

- by the primary rule of ``for_audience`` (the level's table: ``cell_month``, ``area_month``, ``city_month``);
- by differencing against the published cells (the ``cells`` download: res-8 cells by month, small counts
  hidden): for each of the level's counts, the hidden cells beneath it (``n``, summing to ``r``) and the events
  in it that are in no cell beneath it (``u``, its total minus the cells' sum) must not pin anything
  (``disclosure.recoverable``, as the official sees it, r + u, and as if u were known, r). Areas are matched to
  cells by the cell's centre;
- for a count beside a part of it (``disclosure.RESTS``: crimes and hate crimes), by its rest: 1..k-1 at the
  level, or pinning the cells' rests beneath it (the count is hidden, its part kept; a part at a level of cells
  is checked against the cells' rests too, the count being the cells' sum; a part at any level is hidden where,
  less the cells' shown parts, it gives back the rests of the cells whose count is shown, ``part_rests``: an
  area's flagged posts beside its cells' posts).

The rule reads only the published tables (never the request): an official sees exactly one level per city and
count, so no two levels can be set against each other, and every number shown is exact (no hole, no
suppressed value to difference). When even the whole city by year has a hidden count, that level is shown with
its hidden counts as "fewer than k" (reason ``coarsest_hidden``), or, for a count of k or more hidden so that
the small counts beneath it cannot be worked out, as hidden for that (``SMALL`` false). Pure: frames in, a code and
a frame out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scn.privacy.disclosure import (
    RESTS,
    SMALL_COUNTS,
    for_audience,
    identity,
    part_rests,
    perturb,
    perturb_values,
    pinned,
    recoverable,
    rest_hides,
    rests,
    rule,
)

LEVELS = ("cell8_month", "cell7_month", "cell6_month", "area_month", "area_quarter", "area_year",
          "city_month", "city_quarter", "city_year")
TABLES = {"cell": "cell_month", "area": "area_month", "city": "city_month"}
REASONS = ("full_detail", "finest", "finer_hidden", "coarsest_hidden", "no_data")
# the checks a choice was made under besides its parameters: a choice published under an older set (before a part
# was checked against the cells' counts, ``part_rests``; before a part at a level of cells was checked for its rest
# only where the unit's count is known, ``unit_count_known``) is chosen again
CHECKS = ("part_rests", "unit_count_known")


def place_of(level: str) -> str:
    """``cell8_month`` -> ``cell``; ``area_quarter`` -> ``area``."""
    return level.split("_")[0].rstrip("0123456789")


def grain_of(level: str) -> str:
    """``area_quarter`` -> ``quarter``."""
    return level.split("_")[1]


def resolution_of(level: str) -> int | None:
    """``cell7_month`` -> 7; other places None."""
    digits = level.split("_")[0][len(place_of(level)):]
    return int(digits) if digits else None


def period_at(months: pd.Series | np.ndarray, grain: str) -> np.ndarray:
    """Months (``2026-04``) as the periods of ``grain``: the month, ``2026-Q2`` or ``2026``."""
    text = pd.Series(np.asarray(months, dtype=object)).astype(str)
    if grain == "month":
        return text.to_numpy(dtype=object)
    year = text.str.slice(0, 4)
    if grain == "year":
        return year.to_numpy(dtype=object)
    quarter = (pd.to_numeric(text.str.slice(5, 7), errors="coerce").fillna(1).astype(int) - 1) // 3 + 1
    return (year + "-Q" + quarter.astype(str)).to_numpy(dtype=object)


@dataclass(frozen=True)
class View:
    """One level's counts: ``units`` (``unit``, ``period`` of the level, the metric: the published totals,
    monthly rows summed to the level's period) and, per published cell row (``leaves``), the unit it lies in
    (``leaf_unit``; None where nothing is nested, "" for a cell in no unit)."""

    level: str
    units: pd.DataFrame
    leaf_unit: np.ndarray | None = None


# the column of a choice's frame telling why a hidden count is hidden: True, it is itself 1..k-1 ("fewer than k");
# False, it is k or more but hidden so that the small counts beneath it cannot be worked out by differencing
SMALL = "hidden_small"


@dataclass(frozen=True)
class Choice:
    """The level shown, why (``REASONS``), the finer level that failed and its share of hidden counts, and the
    counts at that level (``unit``, ``period``, value: NA only for ``coarsest_hidden``; ``SMALL``: which hidden
    counts are themselves small)."""

    level: str
    reason: str
    frame: pd.DataFrame
    finer: str | None = None
    hidden_share: float = 0.0
    periods: tuple[str, ...] = field(default=())


def rule_key(k: int) -> tuple:
    """What the choice depends on besides the data: the threshold ``k``, the declared
    small-count columns, the counts checked for their rests and the checks (``CHECKS``; a cache of choices keys on
    it)."""
    return rule(k, None)[0], tuple((t, SMALL_COUNTS.get(t, ())) for t in TABLES.values()), RESTS, CHECKS


def hidden_units(view: View, leaves: pd.DataFrame, metric: str, k: int) -> np.ndarray:
    """Where the official could not be shown a count of ``view`` (one bool per row of ``view.units``).

    ``leaves``: the published cells of the city (``cell``, ``period`` month, metric). A count beside its part
    (``disclosure.RESTS``: posts and flagged posts, crimes and hate crimes; the part's column in ``view.units``)
    is checked for its rest as well: the count is hidden where the rest is 1..k-1 (``rest_hides``) or where the
    rest, set against the cells' rests beneath, would pin them (``recoverable``); so is a part at a level of cells,
    whose count an official sums from the cells download; and a part at any level where it gives the cells' rests
    back (``disclosure.part_rests``). ``k``: the threshold (``disclosure.rule``)."""
    k = rule(k, None)[0]
    units = view.units
    table = TABLES[place_of(view.level)]
    if metric not in SMALL_COUNTS.get(table, ()):
        return np.zeros(len(units), dtype=bool)
    raw = pd.to_numeric(units[metric], errors="coerce").astype("float64").to_numpy()
    frame = pd.DataFrame({"city_id": "_", "cell": units["unit"].to_numpy(), "period": units["period"].to_numpy(),
                          metric: units[metric].to_numpy()})
    name = "area_month" if table == "city_month" else table  # the primary rule of the level's own table
    shown = for_audience(name, frame.drop(columns="cell") if table != "cell_month" else frame, "official", k=k,
                         min_group=None)
    hidden = shown[metric].isna().to_numpy() & ~np.isnan(raw)
    pair = next(((t, p, r) for t, p, r in RESTS if metric in (t, p) and {t, p} <= set(units.columns)
                 and {t, p} <= set(SMALL_COUNTS.get(table, ()))), None)
    if pair is not None and metric == pair[0]:
        part = pd.to_numeric(units[pair[1]], errors="coerce").astype("float64").to_numpy()
        hidden |= rest_hides(raw, part, ~hidden, np.ones(len(units), dtype=bool), k)
    if view.leaf_unit is None or leaves.empty or metric not in SMALL_COUNTS.get("cell_month", ()):
        return hidden
    # the pair as the cells download holds it (a level's units may lack the count: officials sum it from the cells)
    pair = pair or next(((t, p, r) for t, p, r in RESTS if metric == p and {t, p} <= set(leaves.columns)), None)
    cols = [metric] if pair is None or not {pair[0], pair[1]} <= set(leaves.columns) else [pair[0], pair[1]]
    cells = pd.DataFrame({"city_id": "_", "cell": leaves["cell"].to_numpy(), "period": leaves["period"].to_numpy(),
                          **{c: leaves[c].to_numpy() for c in cols}})
    seen = for_audience("cell_month", cells, "official", k=k, min_group=None)
    value = pd.to_numeric(cells[metric], errors="coerce").fillna(0).to_numpy(dtype="float64")
    leaf_hidden = seen[metric].isna().to_numpy() & (value > 0)
    # a cell hidden for its rest (a count k or more): the official knows its part, so the unknown is the rest
    unknown = np.where((value > 0) & (value < k), value, value - (
        pd.to_numeric(cells[pair[1]], errors="coerce").fillna(0).to_numpy(dtype="float64") if len(cols) > 1 else 0))
    pinned = _pinned_beneath(view, leaves, value, leaf_hidden, unknown, unknown, raw, k)
    if len(cols) > 1:
        t, p = (pd.to_numeric(cells[c], errors="coerce").fillna(0).to_numpy(dtype="float64") for c in cols)
        t_hid, p_hid = (seen[c].isna().to_numpy() & (v > 0) for c, v in zip(cols, (t, p), strict=True))
    if len(cols) > 1 and metric == pair[1]:  # the part against the cells' counts: their rests (``part_rests``)
        codes = _leaf_codes(view, leaves)
        pinned |= part_rests(codes, len(units), t, p, t_hid, p_hid, k)
    if len(cols) > 1 and {pair[0], pair[1]} <= set(units.columns) and (metric == pair[0] or
                                                                      place_of(view.level) == "cell"):
        rest, rest_hid, rest_unknown = rests(t, p, t_hid, p_hid, k)
        unit_rest = pd.to_numeric(units[pair[0]], errors="coerce").astype("float64").to_numpy() - \
            pd.to_numeric(units[pair[1]], errors="coerce").astype("float64").to_numpy()
        beneath = _pinned_beneath(view, leaves, rest, rest_hid, rest_unknown, np.where(rest_hid, rest, 0.0),
                                  unit_rest, k)
        if metric != pair[0]:  # a part shown at a level of cells: the unit's count is the cells' sum, which the
            # official knows only where no cell beneath has its count hidden (else the unit's rest is unknown and
            # pins nothing: a cell hidden for its own rest lies in no shown sum of counts at this level)
            codes = _leaf_codes(view, leaves)
            beneath &= np.bincount(codes[(codes >= 0) & t_hid], minlength=len(units)) == 0
        pinned |= beneath
    return hidden | (pinned & ~np.isnan(raw))


def _leaf_codes(view: View, leaves: pd.DataFrame) -> np.ndarray:
    """Each published cell's row of ``view.units`` (its unit and period at the level's grain; -1 for none)."""
    units = view.units
    at = pd.Index((units["unit"].astype(str) + "\x1f" + units["period"].astype(str)).to_numpy())
    key = pd.Series(view.leaf_unit.astype(str)) + "\x1f" + period_at(leaves["period"], grain_of(view.level))
    return at.get_indexer(key.to_numpy()) if at.is_unique else np.full(len(key), -1)


def _pinned_beneath(view: View, leaves: pd.DataFrame, value: np.ndarray, leaf_hidden: np.ndarray,
                    unknown: np.ndarray, actual: np.ndarray, total: np.ndarray, k: int) -> np.ndarray:
    """Where a count of ``view`` (``total`` per unit) set against the published cells beneath it (``value``, of
    which ``leaf_hidden`` are hidden, each a known offset plus ``unknown`` in 1..k-1; ``actual``: the hidden
    values) would pin the hidden ones or tell their sum is small: it follows, up to the events in the unit outside
    every cell (u, at least 0)."""
    grain = grain_of(view.level)
    key = pd.Series(view.leaf_unit.astype(str)) + "\x1f" + period_at(leaves["period"], grain)
    sums = pd.DataFrame({"key": key, "n": leaf_hidden.astype("float64"), "r": np.where(leaf_hidden, unknown, 0.0),
                         "a": np.where(leaf_hidden, actual, 0.0), "t": value}).groupby("key").sum()
    units = view.units
    at = (units["unit"].astype(str) + "\x1f" + units["period"].astype(str)).to_numpy()
    n, r, a, t = (sums[c].reindex(at).fillna(0).to_numpy() for c in "nrat")
    u = np.nan_to_num(total) - t
    return pinned(n, r, u, k, a)


def choose(views: Iterable[View], leaves: pd.DataFrame, metric: str, audience: str, k: int) -> Choice:
    """The level ``audience`` sees of ``metric``: staff the first view (the published cells, full detail); an
    official the first view (finest first) with no hidden count, else the last one with its hidden counts as NA.
    ``views`` may be lazy: later levels are built only when the earlier ones fail. ``k``: the rule's threshold
    (``disclosure.rule``)."""
    k = rule(k, None)[0]
    first_failed: tuple[str, float] | None = None
    last: tuple[View, np.ndarray] | None = None
    for view in views:
        if view.units.empty:
            continue
        if audience == "staff":
            return as_choice(view, np.zeros(len(view.units), dtype=bool), metric, "full_detail", k=k)
        hidden = hidden_units(view, leaves, metric, k)
        if not hidden.any():
            return as_choice(view, hidden, metric, "finest" if first_failed is None else "finer_hidden",
                             *(first_failed or (None, 0.0)), k=k)
        nonzero = pd.to_numeric(view.units[metric], errors="coerce").fillna(0).to_numpy() > 0
        if first_failed is None:
            first_failed = (view.level, float(hidden.sum() / max(nonzero.sum(), 1)))
        last = (view, hidden)
    if last is None:
        return Choice(level=LEVELS[-1], reason="no_data", frame=pd.DataFrame(columns=["unit", "period", metric]))
    return as_choice(last[0], last[1], metric, "coarsest_hidden", *(first_failed or (None, 0.0)), k=k)


def as_choice(view: View, hidden: np.ndarray, metric: str, reason: str, finer: str | None = None,
              share: float = 0.0, *, k: int) -> Choice:
    """``view`` shown with its ``hidden`` counts as NA, and why (a reason of ``REASONS``; ``k``: the threshold)."""
    frame = view.units[["unit", "period", metric]].copy()
    raw = pd.to_numeric(frame[metric], errors="coerce").astype("Float64")
    frame[metric] = raw.where(~hidden, pd.NA)
    frame[SMALL] = np.asarray(hidden, dtype=bool) & ((raw > 0) & (raw < rule(k, None)[0])).fillna(False).to_numpy()
    periods = tuple(sorted(pd.unique(frame["period"].astype(str))))
    return Choice(level=view.level, reason=reason, frame=frame, finer=finer, hidden_share=share, periods=periods)


def perturbed(choice: Choice, city_id: str, metric: str, k: int, key: bytes | None) -> Choice:
    """``choice`` as an official is shown it: each shown count perturbed as its level's table would be
    (``disclosure.perturb_values``, the unit's identity as in that table: a cell level's counts as ``cell_month``'s
    rows of that cell and period, an area's as ``area_month``'s, the city's as ``city_month``'s), a count whose
    perturbed value is below k hidden as "fewer than k" (``SMALL``). The level was chosen on the true counts.
    ``key`` None: the true counts (as ``for_audience``)."""
    frame = choice.frame
    if key is None or choice.reason == "no_data" or frame.empty or metric not in SMALL_COUNTS.get(TABLES[place_of(choice.level)], ()):
        return choice
    place = place_of(choice.level)
    table = TABLES[place]
    names = {"city_id": np.full(len(frame), city_id, dtype=object)}
    if place != "city":
        names["cell" if place == "cell" else "area_code"] = frame["unit"].astype(str).to_numpy(dtype=object)
    ident = identity(table, pd.DataFrame({**names, "period": frame["period"].astype(str).to_numpy(dtype=object)}))
    value = pd.to_numeric(frame[metric], errors="coerce").astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    shown = perturb_values(table, metric, ident, np.nan_to_num(value), value, rule(k, None)[0], key)
    out = frame.copy()
    out[metric] = pd.array(np.where(np.isnan(shown), None, shown), dtype="Float64")
    if SMALL in out.columns:
        out[SMALL] = out[SMALL].to_numpy(dtype=bool) | (np.isnan(shown) & ~np.isnan(value))
    return Choice(level=choice.level, reason=choice.reason, frame=out, finer=choice.finer,
                  hidden_share=choice.hidden_share, periods=choice.periods)


def shown_grain(choice: Choice) -> str:
    """The period grain of a choice's level (``year`` when there is no data: nothing finer can be vouched for)."""
    return "year" if choice.reason == "no_data" else grain_of(choice.level)


def roll_up(rows: pd.DataFrame, metric: str, grain: str) -> pd.DataFrame:
    """Monthly rows summed to the periods of ``grain`` (every column but ``metric`` names a row)."""
    if grain == "month" or rows.empty:
        return rows.reset_index(drop=True)
    keys = [c for c in rows.columns if c != metric]
    out = rows.assign(period=period_at(rows["period"], grain),
                      **{metric: pd.to_numeric(rows[metric], errors="coerce")})
    return out.groupby(keys, as_index=False, sort=False, dropna=False)[metric].sum(min_count=1)


def parts_at(name: str, rows: pd.DataFrame, metric: str, choice: Choice, view: View | None,
             leaves: pd.DataFrame, k: int, key: bytes | None = None) -> pd.DataFrame:
    """An official's rows of ``name`` (``city_id``, ``period`` month, other keys, ``metric``) whose rows split the
    city's monthly totals of ``metric`` (``target_month``: flagged posts per target group), at the official's
    ``choice`` of that count (``view``: its level's counts; ``leaves``: the published cells it was checked
    against): summed to the periods of its grain and shaped by ``for_audience`` (the partition rule, at that grain).

    A period is left out (no row, so not even the number of parts is told) where the parts' total would say more
    than the level does: where a count of the level is hidden in it, where what the total adds to the level's
    shown counts (the total minus their sum: events in no unit of the level, e.g. located less precisely) would
    be hidden by ``hidden_units``, or where the hidden parts would follow from the total (``recoverable``).
    ``key``: the rows kept are shown perturbed (``disclosure.perturb``; decided on the true counts)."""
    k = rule(k, None)[0]
    rolled = roll_up(rows, metric, shown_grain(choice))
    out = for_audience(name, rolled, "official", k=k, min_group=None)
    if rolled.empty:
        return out
    period = rolled["period"].astype(str).to_numpy(dtype=object)
    value = pd.to_numeric(rolled[metric], errors="coerce").fillna(0).to_numpy(dtype="float64")
    hidden = out[metric].isna().to_numpy() & (value > 0)
    sums = pd.DataFrame({"t": value, "n": hidden.astype("float64"), "r": np.where(hidden, value, 0.0)},
                        index=period).groupby(level=0).sum()
    drop = pd.Series(recoverable(sums["n"].to_numpy(), sums["r"].to_numpy(), k) & (sums["n"] > 0).to_numpy(),
                     index=sums.index)
    if view is None or choice.reason == "no_data":
        drop[:] = True
    else:
        frame = choice.frame
        units = pd.to_numeric(frame[metric], errors="coerce").astype("float64")
        by = frame["period"].astype(str).to_numpy(dtype=object)
        shown = units.fillna(0).groupby(by).sum().reindex(sums.index).fillna(0.0)
        level_hidden = units.isna().groupby(by).any().reindex(sums.index).fillna(False).astype(bool)
        outside = np.zeros(len(leaves), dtype=bool) if view.leaf_unit is None else \
            ~pd.Series(view.leaf_unit).astype(str).isin(set(view.units["unit"].astype(str))).to_numpy()
        rest = View(f"city_{shown_grain(choice)}",
                    pd.DataFrame({"unit": "_", "period": sums.index.to_numpy(dtype=object),
                                  metric: (sums["t"] - shown).to_numpy()}),
                    np.where(outside, "_", "") if len(leaves) else None)
        drop |= level_hidden | pd.Series(hidden_units(rest, leaves, metric, k), index=sums.index)
    keep = ~drop.reindex(period).fillna(True).to_numpy(dtype=bool)
    if key is not None:
        return perturb(name, rolled[keep].reset_index(drop=True), out[keep].reset_index(drop=True), k, key)
    return out[keep].reset_index(drop=True)
