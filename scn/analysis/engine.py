"""The speech x crime engine: one code path for ``scn analyse`` and the ``correlations`` analysis asset.

Per city: the complete cell x month panel (``geo.panel.full_panel``), the within-place models both ways with
placebo and negative control (``geo.direction``), the honest secondary statistics (``geo.secondary``, BH-adjusted
across analyses, lags and cities) and a verdict with its evidence (``geo.verdict``). Optional classifier error
rates widen the intervals (``geo.misclass``). See docs/geo.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from geo.area_panel import FEW_PERIODS, PERIOD_KINDS, area_grid, exposure, time_varying_controls
from geo.area_panel import MAX_LAG as AREA_MAX_LAG
from geo.area_panel import MIN_PERIODS as AREA_MIN_PERIODS
from geo.direction import within_place
from geo.h3index import neighbour_pairs
from geo.misclass import adjust_panel, rate_corners
from geo.panel import full_panel
from geo.secondary import bh_adjust, prewhitened_xcorr, rank_within
from geo.verdict import missing_sources, verdict

PANEL_COLUMNS = ("city_id", "cell", "period", "posts", "flagged_posts", "crimes", "hate_crimes")
COUNT_COLUMNS = ("posts", "flagged_posts", "crimes", "hate_crimes")
JSON_FIELDS = ("city_id", "analysis", "lag", "estimate", "ci_low", "ci_high", "p_value", "n", "unit")
TABLE_COLUMNS = ["city_id", "analysis", "estimate", "ci_low", "ci_high", "p_value", "n", "lag", "detail", "unit",
                 "verdict", "level", "period"]
SECONDARY = ("xcorr_prewhitened", "rank_within")
METHOD = {"secondary": "descriptive_bh_adjusted", "model": "fe_quasi_poisson_cell_month"}
AREA_PERIODS = {"month": r"\d{4}-(0[1-9]|1[0-2])", "quarter": r"\d{4}-Q[1-4]", "year": r"\d{4}"}
AREA_PANEL_COLUMNS = ("city_id", "area_code", "period_kind", "period", "posts", "flagged_posts", "crimes",
                      "hate_crimes", "hate_source")
MAX_LAG = 3
MIN_AREA_CLUSTERS = 20  # cluster by area (spatially correlated errors within areas) when a city has this many


class PanelError(ValueError):
    """A panel or areas file that cannot be analysed; the message names the file, the row and the field."""


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise PanelError(f"{path}: no such file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a user error with its name
        raise PanelError(f"{path}: row 0, field (file): cannot be read as CSV or Parquet ({type(exc).__name__})") \
            from exc


def _fail(path: Path, bad: pd.Series, field: str, reason: str) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise PanelError(f"{path}: row {row}, field {field}: {reason}")


def read_panel(path: Path) -> pd.DataFrame:
    """The PANEL of ``scn analyse`` (CSV or Parquet), validated: rows are numbered from 1 (the first data row).
    With ``area_code`` and no ``cell`` it is an area panel (published counts per area; periods ``YYYY-MM``,
    ``YYYY-Qn`` or ``YYYY``, one kind per city), analysed at area level (``analyse_area_city``)."""
    raw = _read(path)
    place = "area_code" if "cell" not in raw.columns and "area_code" in raw.columns else "cell"
    need = [place if c == "cell" else c for c in PANEL_COLUMNS]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise PanelError(f"{path}: row 0 (header), field {missing[0]}: required column missing "
                         f"(need {', '.join(PANEL_COLUMNS)}, or area_code instead of cell)")
    if raw.empty:  # a header alone: said, not an empty answer with exit 0
        raise PanelError(f"{path}: row 1: no data rows (only a header)")
    out = pd.DataFrame({c: raw[c].astype("string").str.strip() for c in ("city_id", place, "period")})
    for col in ("city_id", place):
        _fail(path, out[col].isna() | out[col].eq(""), col, "empty")
    if place == "cell":
        _fail(path, ~out["period"].fillna("").str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])"), "period",
              "not a month YYYY-MM")
    else:  # an area panel: months, quarters or years (one kind per city), e.g. published yearly counts
        kind = pd.Series(pd.NA, index=out.index, dtype="string")
        for name, pattern in AREA_PERIODS.items():
            kind = kind.mask(out["period"].fillna("").str.fullmatch(pattern), name)
        _fail(path, kind.isna(), "period", "not a month YYYY-MM, quarter YYYY-Qn or year YYYY")
        _fail(path, kind.groupby(out["city_id"]).transform("nunique") > 1, "period",
              "months, quarters and years mixed within one city")
        out["period_kind"], out["hate_source"] = kind, "counts"
    for col in COUNT_COLUMNS:
        num = pd.to_numeric(raw[col], errors="coerce")
        # empty on every row of a city: a source the city never sent (the marts' null, docs/your-data.md)
        blank = raw[col].astype("string").str.strip().fillna("").eq("")
        unsent = blank.groupby(out["city_id"]).transform("all").to_numpy(dtype=bool)
        bad = num.isna() | (num < 0) | (num != np.floor(num))
        if not pd.api.types.is_numeric_dtype(raw[col]):  # text (CSV): digits only, so "1e3" or "12.0" is refused
            bad |= ~raw[col].astype("string").str.strip().str.fullmatch(r"\d+").fillna(False)
        _fail(path, bad & ~unsent, col, "not a count (integer >= 0)")
        out[col] = num.astype("float64") if unsent.any() else num.astype("int64")
    _fail(path, out["flagged_posts"] > out["posts"], "flagged_posts", "more flagged posts than posts")
    _fail(path, out["hate_crimes"] > out["crimes"], "hate_crimes", "more hate crimes than crimes")
    _fail(path, out.duplicated(["city_id", place, "period"]), "period",
          f"second row for the same city, {'cell' if place == 'cell' else 'area'} and period")
    if "population" in raw.columns:
        text = raw["population"].astype("string").str.strip().replace("", pd.NA)
        pop = pd.to_numeric(text, errors="coerce")
        _fail(path, (text.notna() & pop.isna()) | (pop < 0), "population", "not a number >= 0")
        out["population"] = pop.astype("float64")
    if "area_code" in raw.columns and place == "cell":
        out["area_code"] = raw["area_code"].astype("string").str.strip().replace("", pd.NA)
    return out


def read_areas(path: Path) -> pd.DataFrame:
    """AREAS of ``scn analyse``: ``cell, area_code``."""
    raw = _read(path)
    for col in ("cell", "area_code"):
        if col not in raw.columns:
            raise PanelError(f"{path}: row 0 (header), field {col}: required column missing (need cell, area_code)")
        _fail(path, raw[col].astype("string").fillna("").str.strip().eq(""), col, "empty")
    return raw[["cell", "area_code"]].astype(str)


def _pairs(cells: np.ndarray) -> pd.DataFrame:
    """H3 edge neighbours among the cells; none when the cells are not H3 (no spillover analysis then)."""
    if not pd.Series(cells, dtype="string").str.fullmatch(r"[0-9a-f]{15}").fillna(False).all():
        return pd.DataFrame(columns=["focal", "neighbor"])
    try:
        return neighbour_pairs(list(cells))
    except Exception:  # noqa: BLE001 - malformed cell ids: the analyses run without neighbours
        return pd.DataFrame(columns=["focal", "neighbor"])


def _widen(runs: list[list[dict]]) -> list[dict]:
    """Point estimate of the first run, the union of every run's interval and the largest p-value."""
    out = []
    for i, row in enumerate(runs[0]):
        alt = [r[i] for r in runs]
        out.append({**row, "ci_low": float(np.nanmin([r["ci_low"] for r in alt])),
                    "ci_high": float(np.nanmax([r["ci_high"] for r in alt])),
                    "p_value": float(np.nanmax([r["p_value"] for r in alt]))})
    return out


def analyse_city(cm: pd.DataFrame, area_of_cell: pd.Series | None = None, max_lag: int = MAX_LAG,
                 rates: pd.DataFrame | None = None) -> tuple[list[dict], str, dict]:
    """(rows, verdict, evidence) of one city's cell x month counts."""
    missing = missing_sources(cm)  # a source the city never sent: null on every row, said as such in the verdict
    raw = cm  # every corner of the rates' ranges corrects the counts as counted, not the point-corrected ones
    if rates is not None and len(rates):
        cm = adjust_panel(cm, rates)
    panel = full_panel(cm)
    dropped = dict(panel.attrs.get("edge_periods_dropped") or {"start": 0, "end": 0})  # stray dates at the edges
    panel["other_crimes"] = (panel["crimes"] - panel["hate_crimes"]).clip(lower=0)
    hate_by_cell = panel.groupby("cell")["hate_crimes"].sum()
    facts = {"n_cells": int(panel["cell"].nunique()), "n_cells_with_hate": int((hate_by_cell > 0).sum()),
             "n_periods": int(panel["period"].nunique()), "hate_crimes": int(panel["hate_crimes"].sum()),
             "flagged_posts": int(panel["flagged_posts"].sum()), "missing_sources": missing}
    cluster, cluster_kind = None, "cell"
    if area_of_cell is not None:
        areas = panel["cell"].map(area_of_cell)
        if areas.notna().all() and areas.nunique() >= MIN_AREA_CLUSTERS:
            cluster, cluster_kind = areas.to_numpy(), "area"
    pairs = _pairs(panel["cell"].unique())
    runs = [within_place(panel, max_lag, pairs, cluster, detrended=True)]
    if rates is not None and len(rates) and any(c.endswith("_low") for c in rates.columns):
        for corner in rate_corners(rates)[1:]:  # refit at every corner of the rates' ranges
            alt = full_panel(adjust_panel(raw, corner))
            alt["other_crimes"] = (alt["crimes"] - alt["hate_crimes"]).clip(lower=0)
            runs.append(within_place(alt, max_lag, pairs, cluster, detrended=True))
    rows = _widen(runs) if len(runs) > 1 else runs[0]
    code, evidence = verdict(rows, facts)
    evidence = {**evidence, "n_cells": facts["n_cells"], "cluster": cluster_kind, "max_lag": max_lag,
                "classifier_adjusted": bool(rates is not None and len(rates)), **rates_facts(rates),
                "spillover": bool(len(pairs)), "edge_periods_dropped": dropped}
    monthly = panel.groupby("period")[["flagged_posts", "hate_crimes"]].sum()
    rows = rows + prewhitened_xcorr(monthly["flagged_posts"].to_numpy(), monthly["hate_crimes"].to_numpy(),
                                    max_lag) + [rank_within(panel)]
    return rows, code, evidence


def rates_facts(rates: pd.DataFrame | None) -> dict:
    """The evidence's word on the classifier rates a city's counts were corrected with: ``rates_reweighted``
    (re-weighted to the posts' mix, ``measured_rates``) and ``rates_weighted_by`` (``lang+platform``, ``lang``,
    ``platform``; null when not re-weighted) and ``unknown_lang_share`` (the share of the posts of no known language,
    whose rates are not measured and widen the intervals; null when not re-weighted), from the city's row over all
    periods."""
    if rates is None or not len(rates) or "weighted" not in rates.columns:
        return {"rates_reweighted": False, "rates_weighted_by": None, "unknown_lang_share": None}
    city = rates[rates["period"].isna()] if "period" in rates.columns else rates
    weighted = city[city["weighted"].fillna(False).astype(bool)]
    by = weighted["weighted_by"].dropna() if "weighted_by" in weighted.columns else pd.Series(dtype=object)
    share = pd.to_numeric(weighted["unknown_lang_share"], errors="coerce").dropna() \
        if "unknown_lang_share" in weighted.columns else pd.Series(dtype=float)
    return {"rates_reweighted": bool(len(weighted)), "rates_weighted_by": str(by.iloc[0]) if len(by) else None,
            "unknown_lang_share": round(float(share.iloc[0]), 4) if len(share) else None}


def _fits(cm: pd.DataFrame, rates: pd.DataFrame | None, fit) -> list[dict]:
    """``fit(counts)`` on the counts as given, or adjusted with classifier error rates (refitted at every corner of
    their ranges when the rates have bounds: point estimate of the first, union of the intervals)."""
    if rates is None or not len(rates):
        return fit(cm)
    runs = [fit(adjust_panel(cm, rates))]
    if any(c.endswith("_low") for c in rates.columns):
        runs += [fit(adjust_panel(cm, corner)) for corner in rate_corners(rates)[1:]]
    return _widen(runs) if len(runs) > 1 else runs[0]


def area_level(rows: pd.DataFrame) -> tuple[str, str] | None:
    """(period kind, hate source) of the area-level panel a city is analysed on, from its ``area_period`` rows:
    the finest period kind with published hate counts; else months with hate from incidents of known status
    (a city with no cell data); None when neither exists."""
    if rows.empty:
        return None
    for kind in PERIOD_KINDS:
        if ((rows["period_kind"] == kind) & (rows["hate_source"] == "counts")).any():
            return kind, "counts"
    if ((rows["period_kind"] == "month") & (rows["hate_source"] == "incidents")).any():
        return "month", "incidents"
    return None


def analyse_area_city(rows: pd.DataFrame, kind: str, attributes: pd.DataFrame | None = None,
                      rates: pd.DataFrame | None = None) -> tuple[list[dict], str, dict]:
    """(rows, verdict, evidence) of one city's ``area_period`` rows of one period kind: the within-place models
    with areas as places, the area's population as exposure (offset log population; its level is absorbed by
    the area effects, its change over time adjusted for), time-varying attributes as controls; no lagged
    outcome on short panels (``geo.area_panel.FEW_PERIODS``); lags up to ``geo.area_panel.MAX_LAG[kind]``."""
    rows = rows[rows["period_kind"] == kind] if "period_kind" in rows.columns else rows
    rows = rows.assign(hate_crimes=pd.to_numeric(rows["hate_crimes"], errors="coerce"),
                       crimes=pd.to_numeric(rows["crimes"], errors="coerce"))
    missing = tuple(s for s in missing_sources(rows) if s == "posts")  # crimes: null by period here, not by source
    known = rows["hate_crimes"].notna()
    sources = sorted(rows.loc[known, "hate_source"].dropna().astype(str).unique()) \
        if "hate_source" in rows.columns else []
    rows = rows[known].fillna({"crimes": 0})
    n_periods = int(rows["period"].nunique())
    max_lag = 1 if n_periods < FEW_PERIODS else min(AREA_MAX_LAG[kind], n_periods // 4)
    outcome_lags = 2 if n_periods >= FEW_PERIODS else 0
    base = area_grid(rows)
    controls, attrs_used = time_varying_controls(base, attributes)
    expo, expo_kind = exposure(base)

    def fit(counts: pd.DataFrame) -> list[dict]:
        panel = area_grid(counts)
        panel["other_crimes"] = (panel["crimes"] - panel["hate_crimes"]).clip(lower=0)
        return within_place(panel, max_lag, pd.DataFrame(columns=["focal", "neighbor"]), None, controls, expo,
                            outcome_lags)

    panel = base.assign(other_crimes=(base["crimes"] - base["hate_crimes"]).clip(lower=0))
    hate_by_area = panel.groupby("cell")["hate_crimes"].sum()
    facts = {"n_cells_with_hate": int((hate_by_area > 0).sum()), "n_periods": int(panel["period"].nunique()),
             "hate_crimes": int(panel["hate_crimes"].sum()), "flagged_posts": int(panel["flagged_posts"].sum()),
             "min_periods": AREA_MIN_PERIODS[kind], "missing_sources": missing}
    model_rows = _fits(rows, rates, fit)
    code, evidence = verdict(model_rows, facts)
    evidence = {**evidence, "level": "area", "period": kind, "n_cells": int(panel["cell"].nunique()),
                "n_areas": int(panel["cell"].nunique()), "hate_source": sources[0] if len(sources) == 1 else
                "+".join(sources), "exposure": expo_kind, "controls": attrs_used["used"],
                "absorbed_by_area_effects": attrs_used["absorbed"], "controls_incomplete": attrs_used["incomplete"],
                "few_periods": bool(facts["n_periods"] < FEW_PERIODS), "outcome_lags": outcome_lags,
                "min_periods": AREA_MIN_PERIODS[kind], "cluster": "area", "max_lag": max_lag,
                "classifier_adjusted": bool(rates is not None and len(rates)), **rates_facts(rates),
                "spillover": False}
    totals = panel.groupby("period")[["flagged_posts", "hate_crimes"]].sum()
    secondary = prewhitened_xcorr(totals["flagged_posts"].to_numpy(), totals["hate_crimes"].to_numpy(), max_lag)
    return model_rows + secondary + [rank_within(panel)], code, evidence


def _hate_unknown(cm: pd.DataFrame) -> bool:
    """True when no cell-month with crimes has a known hate count (police.uk street files carry no hate flag)."""
    if "hate_crimes" not in cm.columns:
        return False
    with_crimes = cm[pd.to_numeric(cm["crimes"], errors="coerce").fillna(0) > 0]
    return bool(len(with_crimes)) and pd.to_numeric(with_crimes["hate_crimes"], errors="coerce").isna().all()


def _unknown_rows(cm: pd.DataFrame) -> tuple[list[dict], str, dict]:
    evidence = {"note": "hate_unknown", "level": "cell", "period": "month", "n_cells": int(cm["cell"].nunique()),
                "n_periods": int(cm["period"].nunique()), "n_cells_with_hate": 0, "hate_crimes": None,
                "flagged_posts": int(pd.to_numeric(cm["flagged_posts"], errors="coerce").fillna(0).sum()),
                "common_cause_likely": False, "failed_checks": [], "within_month_only": False, "cluster": "cell",
                "max_lag": 0, "classifier_adjusted": False, **rates_facts(None), "spillover": False}
    return [], "insufficient_data", evidence


RATES_COLUMNS = ["city_id", "lang", "period", "tpr", "fpr", "tpr_low", "tpr_high", "fpr_low", "fpr_high", "n",
                 "weighted", "weighted_by", "unknown_lang_share"]
# the strata the reviewed rates are re-weighted by, tried in turn (``_mixed``); each needs a reviewed row for
# every stratum the city's posts are in
WEIGHTINGS = (("lang", "platform"), ("lang",), ("platform",))
UNKNOWN_LANGS = ("", "und")  # a post's language not known: null, empty or langid's undetermined (``UNDETERMINED``)
_COUNTS = ["true_positives", "positives", "false_positives", "negatives"]


def measured_rates(rates: pd.DataFrame, mix: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per city, the rates the engine adjusts with: only a city's *own* measured rates (``rates_source`` ``review``,
    the reviewed random stratum of scn.review), pooled over its languages by counts, with 95% Wilson intervals
    (``tpr_low`` ... ``fpr_high``: the engine refits at their corners). Rates measured elsewhere (a model card on
    research data) are not applied: adjusting a city's counts with another corpus's false-positive rate can erase
    or invent its hateful posts.

    ``mix``: the posts counted, per city_id, period, lang and platform (``posts``). The reviewed rates are one row
    per language and platform (each language is reviewed apart; ``scn.review.published.stratum_rates``): pooled over
    the sample they describe the mix of languages and platforms it was drawn under, so they are re-weighted to the
    posts' mix (``scn.review.metrics.post_stratified``, as the accuracy line is) by the first of ``WEIGHTINGS``
    whose every stratum of the city's posts has its reviewed row (language x platform, else language, else
    platform; ``weighted_by`` says which): one row for the city's posts over all periods (``period`` null) and one
    per period (each month's mix, ``weighted`` true). A stratum sampled too thinly has no reviewed row
    (``MIN_CLASS``); where no weighting covers the posts the sample's own pooled rates stay (``weighted`` false,
    ``weighted_by`` null; ``scn.review.metrics.mix_report``'s rule). A mix without ``lang`` is weighed by platform
    only. Posts of no known language (null, empty, langid's ``und``) without a reviewed row of their own are left out
    of a weighting by language (they take the known-language posts' mixed rates); ``unknown_lang_share`` says their
    share of the row's posts (0 when none were left out; null on the sample's pooled rows). Columns:
    ``RATES_COLUMNS`` (lang ``*``)."""
    need = {"city_id", "rates_source", *_COUNTS}
    if rates is None or rates.empty or not need <= set(rates.columns):
        return pd.DataFrame(columns=RATES_COLUMNS)
    own = rates[rates["rates_source"] == "review"]
    counts = own.groupby("city_id")[_COUNTS].sum()
    counts = counts[(counts["positives"] > 0) & (counts["negatives"] > 0)]
    if counts.empty:
        return pd.DataFrame(columns=RATES_COLUMNS)
    pooled = _rate_rows(counts.index.astype(str), *(counts[c].to_numpy(float) for c in _COUNTS))
    pooled = pooled.assign(n=(counts["positives"] + counts["negatives"]).to_numpy().astype("int64"))
    if mix is None or mix.empty or "platform" not in mix.columns:
        return pooled[RATES_COLUMNS]
    own = own.assign(**{c: own[c] if c in own.columns else "*" for c in ("lang", "platform")})
    out = [pooled[RATES_COLUMNS]]
    for city, strata in own[own["city_id"].astype(str).isin(pooled["city_id"])].groupby("city_id"):
        posts = mix[mix["city_id"].astype(str) == str(city)]
        weighted = _mixed(strata, posts)
        if weighted is not None:
            out.append(weighted.assign(city_id=str(city), n=int(pooled.loc[pooled["city_id"] == str(city),
                                                                         "n"].iloc[0]))[RATES_COLUMNS])
    table = pd.concat(out, ignore_index=True)
    # a city's re-weighted row over all periods replaces its pooled one
    pooled_row = table["period"].isna() & ~table["weighted"].astype(bool)
    replaced = table.loc[table["period"].isna() & table["weighted"].astype(bool), "city_id"]
    table = table[~(pooled_row & table["city_id"].isin(replaced))]
    return table.sort_values(["city_id", "period"], na_position="first", kind="stable").reset_index(drop=True)


def _rate_rows(cities: pd.Index | np.ndarray, tp: np.ndarray, pos: np.ndarray, fp: np.ndarray,
               neg: np.ndarray) -> pd.DataFrame:
    """tpr = tp / pos and fpr = fp / neg with 95% Wilson intervals, one row per city (pooled: ``weighted`` false)."""
    from statsmodels.stats.proportion import proportion_confint

    t_lo, t_hi = proportion_confint(tp, pos, method="wilson")
    f_lo, f_hi = proportion_confint(fp, neg, method="wilson")
    return pd.DataFrame({"city_id": np.asarray(cities, dtype=str), "lang": "*", "period": None, "tpr": tp / pos,
                         "fpr": fp / neg, "tpr_low": t_lo, "tpr_high": t_hi, "fpr_low": f_lo, "fpr_high": f_hi,
                         "weighted": False, "weighted_by": None, "unknown_lang_share": np.nan})


def _key(frame: pd.DataFrame, by: tuple[str, ...]) -> pd.Series:
    """One text key per row of the ``by`` columns (a stratum: a language, a platform or both)."""
    key = frame[by[0]].astype(str)
    for col in by[1:]:
        key = key + "\x1f" + frame[col].astype(str)
    return key


def _lang(lang: pd.Series) -> np.ndarray:
    """Languages as keys: every spelling of no known language (``UNKNOWN_LANGS``, null) is ``""``."""
    text = lang.astype("string").str.strip().fillna("")
    return text.mask(text.isin(UNKNOWN_LANGS), "").to_numpy()


def _mixed(strata: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame | None:
    """One city's rates re-weighted to its posts' mix of strata, the first of ``WEIGHTINGS`` whose every stratum of
    the posts (over all periods) has a reviewed row: language x platform, else language (a language's rows pooled
    over its platforms as sampled), else platform (a platform's rows pooled over the languages as sampled; the
    only one when ``posts`` has no ``lang``); None when none can be weighed (the sample's pooled rates stay).
    ``weighted_by`` names the weighting. Posts of no known language (``UNKNOWN_LANGS``) with no reviewed row of
    their stratum are left out of a weighting by language: their language is missing, not another language, so
    they take the mixed rates of the known-language posts (the sample's pooled rates would bring back the sample's
    mix of languages, and a fallback to platform weighting for the whole city would too); ``unknown_lang_share``
    is their share of each row's posts."""
    from scn.nlp.accuracy import canonical_platform

    strata = strata.assign(platform=canonical_platform(strata["platform"]).to_numpy(), lang=_lang(strata["lang"]))
    posts = posts.assign(platform=canonical_platform(posts["platform"]).to_numpy(), period=posts["period"].astype(str))
    if "lang" in posts.columns:  # a post of no known language: one key, matched by a reviewed row of no language
        posts = posts.assign(lang=_lang(posts["lang"]))
    posts = posts[posts["posts"] > 0]
    for by in WEIGHTINGS:
        if not set(by) <= set(posts.columns):
            continue
        rows = strata[strata["platform"] != "*"] if "platform" in by else strata  # "*": a sample of no known platform
        per = rows.groupby(_key(rows, by).to_numpy())[_COUNTS].sum()
        per = per[(per["positives"] > 0) & (per["negatives"] > 0)]
        keyed = posts.assign(stratum=_key(posts, by).to_numpy())
        left_out = keyed["lang"].eq("") & ~keyed["stratum"].isin(per.index) if "lang" in by \
            else pd.Series(False, index=keyed.index)
        out = _weighed(per, keyed[~left_out])
        if out is not None:
            unknown = keyed["posts"].where(left_out, 0).groupby(keyed["period"]).sum()
            total = keyed.groupby("period")["posts"].sum()
            share = pd.concat([unknown / total, pd.Series({"": unknown.sum() / total.sum()})])
            u = share.reindex(out["period"].fillna("")).to_numpy(float)
            return _span_unknown(out, per, u).assign(weighted_by="+".join(by), unknown_lang_share=u)
    return None


def _span_unknown(out: pd.DataFrame, per: pd.DataFrame, share: np.ndarray) -> pd.DataFrame:
    """``out``'s rate bounds widened for the posts of no known language, a ``share`` of each row's posts: their
    rates are not measured, so each bound moves towards the most extreme bound of any reviewed stratum (``per``) by
    that share, (1 - share) x bound + share x extreme; the point rates stay (the known posts' mix). At a share of 0
    nothing changes; at 60% (a well-reviewed city whose unknown posts behave as one of its languages) the corners'
    counts spanned the truth in 0-17 of 30 worlds, 30 now (tests/analysis/test_engine_language_mix.py)."""
    from statsmodels.stats.proportion import proportion_confint

    tp, pos, fp, neg = (per[c].to_numpy(float) for c in _COUNTS)
    t_lo, t_hi = proportion_confint(tp, pos, method="wilson")
    f_lo, f_hi = proportion_confint(fp, neg, method="wilson")
    keep = 1 - share
    return out.assign(tpr_low=keep * out["tpr_low"] + share * t_lo.min(),
                      tpr_high=keep * out["tpr_high"] + share * t_hi.max(),
                      fpr_low=keep * out["fpr_low"] + share * f_lo.min(),
                      fpr_high=keep * out["fpr_high"] + share * f_hi.max())


def _weighed(per: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame | None:
    """The reviewed counts ``per`` stratum mixed by the posts' shares of the strata (``posts``: period, stratum,
    posts): a row over all periods (``period`` null) and one per period whose posts are all in reviewed strata;
    None when the posts' mix over all periods cannot be weighed. Intervals: each stratum's Wilson bounds mixed with
    the same weights (a thinly reviewed stratum widens them as far as its weight carries it)."""
    from statsmodels.stats.proportion import proportion_confint

    from scn.review.metrics import post_stratified

    if per.empty or posts.empty:
        return None
    wide = posts.pivot_table(index="period", columns="stratum", values="posts", aggfunc="sum", fill_value=0)
    wide.loc[""] = wide.sum()  # the posts of every period ("": no period)
    ok = ~wide.drop(columns=per.index, errors="ignore").gt(0).any(axis=1)  # every stratum of the posts reviewed
    if not ok.iloc[-1]:
        return None
    weights = wide.reindex(columns=per.index, fill_value=0)[ok.to_numpy()]
    tp, pos, fp, neg = (per[c].to_numpy(float) for c in _COUNTS)
    cells = np.stack([np.stack([tp, pos - tp], axis=1), np.stack([fp, neg - fp], axis=1)], axis=1)  # truth x label
    joint = post_stratified(cells, weights.to_numpy(float))
    hate, other = joint[:, 0, :].sum(axis=1), joint[:, 1, :].sum(axis=1)
    bounds = {}
    for name, k, n_, share in (("tpr", tp, pos, cells[:, 0].sum(axis=1)), ("fpr", fp, neg, cells[:, 1].sum(axis=1))):
        lo, hi = proportion_confint(k, n_, method="wilson")
        v = weights.to_numpy(float) / weights.to_numpy(float).sum(axis=1, keepdims=True) * share / cells.sum(axis=(1, 2))
        v = v / v.sum(axis=1, keepdims=True)  # each stratum's share of the hateful (other) posts of the mix
        bounds[f"{name}_low"], bounds[f"{name}_high"] = v @ lo, v @ hi
    return pd.DataFrame({"lang": "*", "period": [p or None for p in weights.index],
                         "tpr": joint[:, 0, 0] / hate, "fpr": joint[:, 1, 0] / other, **bounds, "weighted": True})


def analyse(panel: pd.DataFrame, areas: pd.DataFrame | None = None, max_lag: int = MAX_LAG,
            rates: pd.DataFrame | None = None, area_panel: pd.DataFrame | None = None,
            attributes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The engine's table: ``analyse_rows`` of every city, then the network-wide ``adjust``."""
    return adjust(analyse_rows(panel, areas, max_lag, rates, area_panel, attributes))


def analyse_rows(panel: pd.DataFrame, areas: pd.DataFrame | None = None, max_lag: int = MAX_LAG,
                 rates: pd.DataFrame | None = None, area_panel: pd.DataFrame | None = None,
                 attributes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The engine's table (``TABLE_COLUMNS``): every analysis of every city, then one ``verdict`` row per city
    (its evidence as JSON in ``detail``); every row carries its city's verdict and the ``level`` (``cell`` or
    ``area``) and ``period`` (``month``, ``quarter``, ``year``) it was computed at; cities in order, each computed
    from its own rows only. Secondary p-values are raw here: ``adjust`` pools them across the network. ``rates``:
    classifier error rates (``geo.misclass``), for every city or, with a ``city_id`` column, per city.

    ``area_panel``: ``area_period`` rows (``AREA_PANEL_COLUMNS``, optional ``population``); a city with published
    hate-crime counts is analysed at area level at the finest period its counts have (``area_level``), as is a
    city with no cell data whose incidents carry a hate flag; ``attributes``: ``area_attribute_year`` rows
    (controls). A city whose incidents carry no hate information and that has no counts gets
    ``insufficient_data`` with the note ``hate_unknown``, never a panel of zeros."""
    if "cell" not in panel.columns and {"area_code", "period_kind"} <= set(panel.columns):  # an area panel
        area_panel = pd.concat([area_panel, panel]) if area_panel is not None else panel
        panel = pd.DataFrame()
    area_of_cell = None
    if areas is not None and len(areas):
        area_of_cell = areas.drop_duplicates("cell").set_index("cell")["area_code"]
    elif "area_code" in panel.columns and panel["area_code"].notna().any():
        area_of_cell = panel.dropna(subset=["area_code"]).drop_duplicates("cell").set_index("cell")["area_code"]
    cells = {str(c): cm for c, cm in panel.dropna(subset=["cell"]).groupby("city_id", sort=True)} \
        if len(panel) else {}
    by_area = {str(c): a for c, a in area_panel.groupby("city_id", sort=True)} \
        if area_panel is not None and len(area_panel) else {}
    by_attr = {str(c): a for c, a in attributes.groupby("city_id", sort=True)} \
        if attributes is not None and len(attributes) else {}
    out = []
    for city in sorted(set(cells) | set(by_area)):  # per city
        city_rates = rates
        if rates is not None and "city_id" in rates.columns:
            city_rates = rates[rates["city_id"].astype(str) == str(city)].drop(columns="city_id")
        level = area_level(by_area[city]) if city in by_area else None
        if level is not None and (level[1] == "counts" or city not in cells):
            rows, code, evidence = analyse_area_city(by_area[city], level[0], by_attr.get(city), city_rates)
        elif city not in cells:
            continue
        elif _hate_unknown(cells[city]):
            rows, code, evidence = _unknown_rows(cells[city])
        else:
            rows, code, evidence = analyse_city(cells[city], area_of_cell, max_lag, city_rates)
            evidence = {**evidence, "level": "cell", "period": "month"}
        where = {"level": evidence["level"], "period": evidence["period"]}
        method = dict(METHOD)
        if where["level"] == "area":
            method["model"] = f"fe_quasi_poisson_area_{where['period']}"
        for r in rows:
            kind = "secondary" if r["analysis"] in SECONDARY else "model"
            out.append({"city_id": str(city), **r, "verdict": code, **where, "detail": {
                "method": method[kind], "n_cells": evidence["n_cells"], "n_periods": evidence["n_periods"],
                **({"dropped": r["dropped"]} if r.get("dropped") else {})}})  # regressors left out, and why
        out.append({"city_id": str(city), "analysis": "verdict", "lag": 0, "estimate": np.nan, "ci_low": np.nan,
                    "ci_high": np.nan, "p_value": np.nan, "n": evidence["n_cells"] * evidence["n_periods"],
                    "unit": "verdict", "verdict": code, **where, "detail": evidence})
    if not out:
        return empty_table()
    rows = pd.DataFrame(out)
    rows["detail"] = [json.dumps(d, default=str) for d in rows["detail"]]
    return rows[TABLE_COLUMNS]


def empty_table() -> pd.DataFrame:
    """The engine's table with no rows (``TABLE_COLUMNS``, typed)."""
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("estimate", "ci_low", "ci_high", "p_value")
                                      else "int64" if c in ("n", "lag") else "object") for c in TABLE_COLUMNS})


def adjust(rows: pd.DataFrame) -> pd.DataFrame:
    """The network-wide step of the engine's table: ``rows`` (``analyse_rows`` of every city, cities in order)
    with the secondary p-values Benjamini-Hochberg adjusted across analyses, lags and cities (the raw value kept
    in ``detail`` as ``p_raw``)."""
    if rows.empty:
        return empty_table()
    table = rows.reset_index(drop=True).copy()
    secondary = table["analysis"].isin(SECONDARY)
    raw_p = table.loc[secondary, "p_value"]
    table.loc[secondary, "p_value"] = bh_adjust(raw_p)
    table.loc[secondary, "detail"] = [json.dumps({**json.loads(d), "p_raw": None if pd.isna(p) else
                                                  round(float(p), 6)}, default=str)
                                      for d, p in zip(table.loc[secondary, "detail"], raw_p, strict=True)]
    table["n"], table["lag"] = table["n"].astype("int64"), table["lag"].astype("int64")
    return table[TABLE_COLUMNS]


def _clean(v: object) -> object:
    if isinstance(v, float | np.floating):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def json_lines(table: pd.DataFrame) -> Iterator[str]:
    """``scn analyse --json``: one object per analysis row (``JSON_FIELDS``), one verdict object per city."""
    for rec in table.to_dict("records"):
        if rec["analysis"] == "verdict":
            yield json.dumps({"city_id": rec["city_id"], "analysis": "verdict", "verdict": rec["verdict"],
                              "evidence": json.loads(rec["detail"])}, ensure_ascii=False)
        else:
            yield json.dumps({k: _clean(rec[k]) for k in JSON_FIELDS}, ensure_ascii=False)


def finest_cells(cell_month: pd.DataFrame) -> pd.DataFrame:
    """The rows of each city's finest H3 resolution (``cell_month`` may also hold coarser roll-ups)."""
    if "resolution" not in cell_month.columns or cell_month.empty:
        return cell_month
    finest = cell_month.groupby("city_id")["resolution"].transform("max")
    return cell_month[cell_month["resolution"] == finest]
