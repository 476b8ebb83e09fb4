"""Survey views as officials see them (``scn.privacy.disclosure.for_audience``): no mean of fewer than
``min_group`` respondents may follow from the published ones (the marts hide a group's mean, interval and
clusters below ``min_group``: transforms/models/marts/survey_indices.sql, survey_prepost.sql).

With its n a mean is a sum (weights 1; with weights, nearly), so sums difference like counts:
- the answers: a construct index runs 0-100, so a group's mean with its n says how many answers' worth lie above
  the bottom of the scale (s = n x mean / 100) and below its top (n - s). Every respondent off an end of the scale
  is at least the index's step from it (``index_step`` of ``survey_indices``: the least distance from an end of
  the wave's indices; 100 for a yes/no item), so at most s / step respondents answered off the bottom and (n - s)
  / step off the top: where either is above 0 and below ``k`` (suppress_below) the mean, interval and clusters
  are hidden (``answer_counts``; 39 of 40 respondents at the top of a 1-5 scale and one a step below it give a
  mean of 99.4: at most 1 answered otherwise). A mean at an end (all n at it, nobody off it) is shown, as a count
  of 0 is. For a yes/no item (``item_type`` binary: the codebook says so, or its scale spans two values; every
  item of the construct binary) s and n - s are the counts of yes and no: each must be 0 or ``k`` or more (3 of
  40 respondents of an area answering yes to a sensitive question, or 39 of 40, is not shown; the threshold rule
  statistics offices apply to a proportion's numerator and its complement). With survey weights they are only
  near the counts, and someone holding the weights gets the counts back, so the rule also reads the true
  unweighted counts at each end (``n_bottom``, ``n_top``) and off them: each 0 or ``k`` or more. A scale's mean
  is not held to its true counts (2 respondents at the bottom of 40 on a 1-5 scale is no count its mean gives
  away): only to what its mean with its n says. These four columns are staff's: an official's copy drops them
  (``STAFF_COLUMNS``). Without them (older tables) every index is read as yes/no with a step of 100.
- ``survey_indices``: a survey wave's construct (its ``all`` row) less the shown groups of one group type (areas,
  genders, age groups) is the mean of the rest: the hidden groups and the respondents with no value of the type.
  That rest must hold 0 or ``min_group`` or more respondents, and its answers (as above, with the rest's true
  counts the total's less the shown groups'; a rest of no respondents is empty, whatever weighted sums leave)
  give no count of 1..``k``-1 away: where it does not, the smallest shown groups of the type lose their mean as
  well, one by one, until it does (``group_means``). A wave whose ``all`` mean is hidden shows no group mean. The
  n stay (the counts rule sees to them).
- ``survey_prepost``: a wave's n and mean are over the surveys of that wave (each an ``all`` row of
  ``survey_indices``): the wave less the surveys shown is the surveys hidden, so the row's figures are shown only
  where every survey of both waves shows its ``all`` mean, and a wave's n only where every survey of it shows its
  n; the difference standardised over age group or gender is a sum of the strata's mean changes weighted by their
  shares (from their n), so it (with ``mix_changed`` and a ``change_supported`` resting on it) is shown only where
  every stratum of both waves shows its mean (``prepost``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

UNIVERSE = ("city_id", "survey_id", "wave", "construct")  # the respondents of one survey wave's construct
GROUP_FIGURES = ("mean", "ci_low", "ci_high", "clusters")  # a group's numbers beside its n
PREPOST_FIGURES = ("baseline_mean", "endline_mean", "diff", "ci_low", "ci_high", "effect_size", "clusters_baseline",
                   "clusters_endline", "mix_changed", "adjusted_diff", "adjusted_ci_low", "adjusted_ci_high",
                   "change_supported")
ADJUSTED = ("mix_changed", "adjusted_diff", "adjusted_ci_low", "adjusted_ci_high")
_SEP = "\x1f"
_EPS = 1e-6  # the means are rounded to 9 decimals: a sum of n of them is a whole count within this
# survey_indices' columns for this rule, staff's only (dropped from an official's copy): the true counts of
# respondents at the bottom and at the top of the scale, the index's step and the item type
STAFF_COLUMNS = ("n_bottom", "n_top", "index_step", "item_type")


def _keys(frame: pd.DataFrame, cols: tuple[str, ...]) -> np.ndarray:
    """One string per row from the ``cols`` present (a missing value as empty)."""
    out = np.full(len(frame), "", dtype=object)
    for col in (c for c in cols if c in frame.columns):
        out = out + _SEP + frame[col].astype(object).fillna("").astype(str).to_numpy(dtype=object)
    return out


def _few(count: np.ndarray, k: int) -> np.ndarray:
    """Counts of 1..``k``-1 (not whole where weighted: anything above 0 and below ``k``); NaN is not few."""
    with np.errstate(invalid="ignore"):
        return (count > _EPS) & (count < k - _EPS)


def _few_answers(n: np.ndarray, s: np.ndarray, k: int, step: np.ndarray | float = 1.0,
                 binary: np.ndarray | bool = True, bottom: np.ndarray | float = np.nan,
                 top: np.ndarray | float = np.nan) -> np.ndarray:
    """Sets of ``n`` (> 0) respondents ``s`` answers' worth above the bottom (n x mean / 100) whose answers give a
    count of 1..``k``-1 away (module doc): at most s / ``step`` respondents are off the bottom and (n - s) / step
    off the top (``step``: the least distance from an end a respondent's index can lie, / 100: 1 for a yes/no
    item, whose s and n - s are its counts of yes and no), and for a ``binary`` item the true (unweighted) counts
    at the ``bottom`` and at the ``top`` and off either (NaN: not known)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        seen = _few(s / step, k) | _few((n - s) / step, k)
        exact = _few(bottom, k) | _few(top, k) | _few(n - bottom, k) | _few(n - top, k)
    return (n > _EPS) & (seen | (binary & exact))


def _bad(n: np.ndarray, s: np.ndarray, m: int, k: int, **answers: np.ndarray) -> np.ndarray:
    """Sets of respondents that may not be told apart: 1..``m``-1 respondents, or too few answers one way
    (``_few_answers``, with its ``answers`` arguments)."""
    return _few(n, m) | _few_answers(n, s, k, **answers)


def _answers(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Each row's n, its sum of answers (n x mean / 100, 0 where the mean is not published) and what
    ``_few_answers`` reads of the row's construct: its step, whether it is binary (both the same on every row of a
    survey wave's construct), the true counts at the bottom and top (NaN where not published). Without the marts'
    columns (STAFF_COLUMNS) every index is read as yes/no of a step of 1 with no true counts."""
    def num(col: str, default: float) -> np.ndarray:
        if col not in frame.columns:
            return np.full(len(frame), default)
        return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")

    n = pd.to_numeric(frame["n"], errors="coerce").to_numpy(dtype="float64")
    s = n * pd.to_numeric(frame["mean"], errors="coerce").to_numpy(dtype="float64") / 100
    step = np.nan_to_num(num("index_step", 100.0), nan=100.0) / 100
    binary = (frame["item_type"].astype(object).fillna("binary").ne("scale").to_numpy(dtype=bool)
              if "item_type" in frame.columns else np.ones(len(frame), dtype=bool))
    return n, s, {"step": np.where(step > 0, step, 1.0), "binary": binary, "bottom": num("n_bottom", np.nan),
                  "top": num("n_top", np.nan)}


def _staff_only(out: pd.DataFrame) -> pd.DataFrame:
    """An official's copy without the marts' columns for this rule (STAFF_COLUMNS)."""
    return out.drop(columns=[c for c in STAFF_COLUMNS if c in out.columns])


def answer_counts(frame: pd.DataFrame, out: pd.DataFrame, k: int) -> pd.DataFrame:
    """``survey_indices``: the group means whose answers give a count of 1..``k``-1 away (``_few_answers``: for a
    yes/no item its true counts of yes and no; for any item the respondents its mean with its n puts off an end of
    the scale) hidden, with their intervals (module doc)."""
    if frame.empty or not {"n", "mean"} <= set(out.columns):
        return out
    n, s, answers = _answers(frame)
    hide = out["mean"].notna().to_numpy() & _few_answers(n, s, k, **answers)
    for col in (c for c in GROUP_FIGURES if c in out.columns):
        out[col] = out[col].where(~hide)
    if "suppressed" in out.columns:
        out["suppressed"] = out["suppressed"].astype("boolean").fillna(False) | hide
    return out


def group_means(frame: pd.DataFrame, out: pd.DataFrame, m: int, k: int) -> pd.DataFrame:
    """``survey_indices`` (``frame``: as published; ``out``: an official's copy so far): the means whose answers
    are too few (``answer_counts``) hidden, then the group means whose type's rest would hold 1..``m``-1
    respondents, or answers giving a count of 1..``k``-1 away, hidden as well (module doc), with their intervals;
    the marts' columns for the rule (STAFF_COLUMNS) dropped."""
    if frame.empty or not {"group_type", "n", "mean"} <= set(out.columns):
        return _staff_only(out)
    out = answer_counts(frame, out, k)
    n, s, answers = _answers(frame)
    n, s = np.nan_to_num(n), np.nan_to_num(s)
    ends = np.column_stack([np.nan_to_num(answers["bottom"]), np.nan_to_num(answers["top"])])
    known = ~np.isnan(answers["bottom"]) & ~np.isnan(answers["top"])
    shown = out["mean"].notna().to_numpy()
    is_all = frame["group_type"].astype(str).eq("all").to_numpy()
    universe = _keys(frame, UNIVERSE)
    sums = ["n", "s", "bottom", "top"]
    first = pd.DataFrame(np.where(shown[:, None], np.column_stack([n, s, ends]), np.nan), columns=sums)[is_all]
    first.loc[~known[is_all], ["bottom", "top"]] = np.nan  # the all row's true counts not published: not known
    first = first.set_axis(universe[is_all])
    total = first[~first.index.duplicated()].reindex(universe)  # NaN: all mean hidden
    typ = universe + _SEP + frame["group_type"].astype(str).to_numpy(dtype=object)
    part = ~is_all & shown
    own = pd.DataFrame(np.where(part[:, None], np.column_stack([n, s, ends]), 0.0), columns=sums)
    rest = total.to_numpy() - own.groupby(typ).transform("sum").to_numpy()  # columns n, s, bottom, top
    # the shown groups of a type, smallest first: hidden while the rest with the ones before them is still bad
    order = np.lexsort((n, pd.factorize(typ)[0]))
    before = (own.iloc[order].groupby(typ[order]).cumsum() - own.iloc[order]).to_numpy()
    state = rest[order] + before
    bad = ~part[order] | _bad(state[:, 0], state[:, 1], m, k, step=answers["step"][order],
                              binary=answers["binary"][order], bottom=state[:, 2], top=state[:, 3])
    still = pd.Series(bad.astype(np.int8)).groupby(typ[order]).cummin().to_numpy().astype(bool)
    hide = np.zeros(len(frame), dtype=bool)
    hide[order] = part[order] & still
    hide |= part & np.isnan(total["n"].to_numpy())  # a group of a wave whose all mean is hidden
    for col in (c for c in GROUP_FIGURES if c in out.columns):
        out[col] = out[col].where(~hide)
    if "suppressed" in out.columns:
        out["suppressed"] = out["suppressed"].astype("boolean").fillna(False) | hide
    return _staff_only(out)


def prepost(frame: pd.DataFrame, out: pd.DataFrame, indices: pd.DataFrame) -> pd.DataFrame:
    """``survey_prepost`` (``frame``: as published; ``out``: an official's copy so far) beside an official's copy
    of the city's ``survey_indices`` (``indices``): a wave's n, the row's figures and the standardised difference
    shown only where the surveys' rows they are sums of are (module doc)."""
    if frame.empty:
        return out
    si = indices if len(indices) else pd.DataFrame(columns=[*UNIVERSE, "group_type", "group_value", "n", "mean"])
    si = si[si["wave"].isin(["baseline", "endline"])]
    is_all = si["group_type"].astype(str).eq("all")
    key = ["city_id", "construct", "wave"]
    alls = si[is_all].assign(n_shown=si["n"].notna(), mean_shown=si["mean"].notna())
    wave = alls.groupby(key)[["n_shown", "mean_shown"]].all()
    rows = pd.MultiIndex.from_frame(frame[["city_id", "construct"]].astype(object))

    def at(wave_name: str, col: str) -> np.ndarray:
        idx = pd.MultiIndex.from_arrays([rows.get_level_values(0), rows.get_level_values(1),
                                         np.full(len(frame), wave_name, dtype=object)])
        return wave[col].reindex(idx).fillna(False).to_numpy(dtype=bool)

    figures = at("baseline", "mean_shown") & at("endline", "mean_shown")
    for w in ("baseline", "endline"):
        if f"n_{w}" in out.columns:
            out[f"n_{w}"] = out[f"n_{w}"].where(at(w, "n_shown"))
    # the standardised difference: every stratum (the type it is standardised over) of both waves shows its mean
    groups = si[~is_all].assign(mean_shown=si["mean"].notna())
    strata = groups.groupby(["city_id", "construct", "group_type"])["mean_shown"].all()
    by = frame["adjusted_by"].astype(object) if "adjusted_by" in frame.columns else pd.Series(None, index=frame.index)
    idx = pd.MultiIndex.from_arrays([rows.get_level_values(0), rows.get_level_values(1), by.fillna("").to_numpy()])
    adjusted = figures & strata.reindex(idx).fillna(False).to_numpy(dtype=bool)
    mixed = frame["mix_changed"].astype("boolean").fillna(False).to_numpy(dtype=bool) \
        if "mix_changed" in frame.columns else np.zeros(len(frame), dtype=bool)
    for col in (c for c in PREPOST_FIGURES if c in out.columns):
        keep = figures & (adjusted if col in ADJUSTED else True) & (adjusted | ~mixed if col == "change_supported"
                                                                    else True)
        out[col] = out[col].where(keep)
    if "suppressed" in out.columns:
        out["suppressed"] = out["suppressed"].astype("boolean").fillna(False) | ~figures
    return out
