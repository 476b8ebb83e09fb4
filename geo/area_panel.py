"""Area-level panels for the engine (docs/geo.md, "Area level"): official areas instead of H3 cells, periods of a
month, a quarter or a year, the area's population of each period as exposure and the area attributes that change
over the years as controls. Frames in, frames out; the models are ``geo.direction``'s.

With one effect per area, whatever is constant about an area (its deprivation score of one census, its
population if only one figure is known) is absorbed by that effect: it is not "controlled for" as a regressor
and cannot be, so ``time_varying_controls`` says which attributes were absorbed rather than pretending.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.panel import COUNTS, period_range

PERIOD_KINDS = ("month", "quarter", "year")  # finest first
MAX_LAG = {"month": 3, "quarter": 2, "year": 1}
# fewest periods for the lag-1 model with area and period effects (one period is lost to the lag, one to the
# placebo lead). Below FEW_PERIODS the models leave out the lagged outcome: with area effects and few periods it
# is biased (Nickell 1981) and the bias leaks into the speech term through speech's own persistence (measured on
# area_yearly worlds of 10 years: rate ratio 1.18 for a planted 1.15, 3/10 false links in the null twin with
# lagged outcomes; 1.15 and 0/10 without); the evidence says ``few_periods`` and ``outcome_lags`` 0
MIN_PERIODS = {"month": 6, "quarter": 6, "year": 4}
FEW_PERIODS = 12
MIN_CONTROL_COVERAGE = 0.9  # share of area-periods an attribute must cover to be used as a control


def period_year(periods: pd.Series) -> pd.Series:
    """The calendar year of ``YYYY``, ``YYYY-Qn`` and ``YYYY-MM`` labels."""
    return periods.astype(str).str[:4].astype(int)


def area_grid(rows: pd.DataFrame) -> pd.DataFrame:
    """Every area x every period of one city's area-period rows (``area_code, period`` and the counts, optional
    ``population``), zeros where a count is missing, sorted by area and period. The area is also in ``cell`` (the
    place column of ``geo.direction``); ``population`` is the row's, filled within the area from the nearest
    earlier period (else the next later one), NaN for an area with none."""
    counts = [c for c in COUNTS if c in rows]
    agg = rows.groupby(["area_code", "period"], as_index=False)[counts].sum()
    grid = pd.MultiIndex.from_product([agg["area_code"].unique(), period_range(agg["period"])],
                                      names=["area_code", "period"]).to_frame(index=False)
    panel = grid.merge(agg, on=["area_code", "period"], how="left").fillna({c: 0 for c in counts})
    panel[counts] = panel[counts].astype("int64")
    panel = panel.sort_values(["area_code", "period"], ignore_index=True)
    if "population" in rows:
        pop = pd.to_numeric(rows["population"], errors="coerce").groupby([rows["area_code"], rows["period"]]).max()
        panel["population"] = pd.MultiIndex.from_frame(panel[["area_code", "period"]]).map(pop.to_dict().get)
        panel["population"] = panel["population"].astype("float64")
        panel["population"] = panel.groupby("area_code")["population"].transform(lambda s: s.ffill().bfill())
    else:
        panel["population"] = np.nan
    panel["cell"] = panel["area_code"]
    return panel


def exposure(panel: pd.DataFrame) -> tuple[np.ndarray | None, str]:
    """(population per row for the offset, what it is): 1 for an area with no population (a constant within the
    area: absorbed by its effect, i.e. no exposure adjustment there); None when no area has one.
    The second value: ``population_varying`` (changes within areas: the offset adjusts for it),
    ``population_constant`` (one figure per area: absorbed by the area effects) or ``none``."""
    pop = panel["population"].to_numpy(float)
    known = np.isfinite(pop) & (pop > 0)
    if not known.any():
        return None, "none"
    varies = panel.loc[known].groupby("cell")["population"].nunique().gt(1).any()
    return np.where(known, pop, 1.0), "population_varying" if varies else "population_constant"


def time_varying_controls(panel: pd.DataFrame, attributes: pd.DataFrame | None
                          ) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """(controls aligned to ``panel``'s rows, ``{"used": [...], "absorbed": [...], "incomplete": [...]}``): the
    attributes used as controls, those absorbed by the area effects, and those left out for covering too few
    area-periods.

    ``attributes``: ``area_code, attribute, year, value`` of one city (``area_attribute_year``; population is
    the exposure, not a control). Each period gets the value of its year, else of the latest earlier year, else
    of the earliest later one. An attribute is a control when it changes within areas over the panel's periods
    and covers at least 90% of the area-periods; one known for one year only (or undated), or constant within
    every area, is absorbed by the area effects and listed as such."""
    out: dict[str, list[str]] = {"used": [], "absorbed": [], "incomplete": []}
    if attributes is None or attributes.empty:
        return pd.DataFrame(index=panel.index), out
    attrs = attributes[attributes["attribute"].astype(str) != "population"]
    cols = {}
    years = period_year(panel["period"])
    for name, a in attrs.groupby("attribute", sort=True):  # one per attribute, a handful
        dated = a[pd.to_numeric(a["year"], errors="coerce").fillna(0) > 0]
        if dated["year"].nunique() < 2:
            out["absorbed"].append(str(name))
            continue
        d = dated.assign(year=dated["year"].astype(int)).sort_values("year")
        left = pd.DataFrame({"area_code": panel["area_code"].astype(str), "year": years.astype(int),
                             "row": np.arange(len(panel))}).sort_values("year")
        back = pd.merge_asof(left, d[["area_code", "year", "value"]].astype({"area_code": str}), on="year",
                             by="area_code", direction="backward")
        fwd = pd.merge_asof(left, d[["area_code", "year", "value"]].astype({"area_code": str}), on="year",
                            by="area_code", direction="forward")
        values = back["value"].fillna(fwd["value"]).to_numpy(float)
        series = pd.Series(np.nan, index=panel.index)
        series.iloc[back["row"].to_numpy()] = values
        within = series - series.groupby(panel["area_code"]).transform("mean")
        if not (within.abs() > 1e-12).any():
            out["absorbed"].append(str(name))
        elif series.notna().mean() < MIN_CONTROL_COVERAGE:
            out["incomplete"].append(str(name))
        else:
            cols[f"x_{name}"] = series
            out["used"].append(str(name))
    return pd.DataFrame(cols, index=panel.index), out
