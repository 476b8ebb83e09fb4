"""Building blocks of the city page (``pages/city.py``): findings in plain language, series, lag and survey
figures, and the programme, survey, alert and risk tables.

Every published table is shaped for the viewer by ``scn.privacy.disclosure.for_audience`` (staff see all;
officials get no per-person columns and small counts suppressed). Tables that are aggregated here are
aggregated first and shaped after, so a suppressed count is never summed."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import data, i18n, maps
from dashboards.i18n import t
from scn.privacy.disclosure import for_audience

FINDINGS = ("nb_irr", "spearman", "moran_bv")
# city_month: the counts by city and month (cells and less precise locations). Shaped with the city's cell_month
# rows, so that a monthly total that would give a hidden cell back by differencing is hidden too.
SERIES_TABLE = "city_month"


@lru_cache(maxsize=64)
def _periods(snap: str, city_id: str) -> tuple[str, ...]:
    return tuple(maps.periods(city_id))


def periods(city_id: str) -> tuple[str, ...]:
    """The months of the city's cell data, oldest first."""
    return _periods(data.snapshot_key(), city_id)


def _correlations(city_id: str, audience: str) -> pd.DataFrame:
    return for_audience("correlations", data.table("correlations", city_id), audience)


def findings(city_id: str, lang: str, audience: str) -> tuple[list[str], list[str]]:
    """The correlation results in plain language, with their uncertainty, size and caveats (an analysis without
    an estimate says why), and how each was computed; ([], []) when none."""
    corr = _correlations(city_id, audience)
    if corr.empty:
        return [], []
    texts, methods = [], []
    for analysis in FINDINGS:
        rows = corr[corr["analysis"] == analysis]
        if rows.empty:
            continue
        estimated = rows[rows["estimate"].notna()]
        r = (estimated if len(estimated) else rows).iloc[0]
        d = i18n.parse_json(r.get("detail")) or {}
        if pd.isna(r["estimate"]):
            why = i18n.not_estimated(analysis, d, lang)
            texts += [why] if why else []
            continue
        null = 1.0 if analysis == "nb_irr" else 0.0
        direction = t("more" if r["estimate"] > null else "fewer", lang)
        text = t(analysis, lang, est=r["estimate"], lo=r["ci_low"], hi=r["ci_high"], p=r["p_value"],
                 direction=direction, months=int(d.get("n_periods", 0)), cells=int(d.get("n_cells", r["n"])))
        if analysis != "moran_bv" and pd.notna(r["ci_low"]) and r["ci_low"] <= null <= r["ci_high"]:
            text += " " + t("no_clear_link", lang)
        caveat = i18n.caveat(d, lang)
        texts.append(text + (" " + caveat if caveat else ""))
        how = i18n.method(analysis, d, lang)
        methods += [how] if how else []
    return texts, methods


def series_figure(city_id: str, lang: str, audience: str) -> go.Figure | None:
    monthly = data.table("city_month", city_id)
    if monthly.empty:
        return None
    monthly = for_audience(SERIES_TABLE, monthly.sort_values("period"), audience,
                           parts=data.table("cell_month", city_id))
    fig = go.Figure()
    for col, axis in (("flagged_posts", "y"), ("hate_crimes", "y2")):
        y = monthly[col].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        fig.add_scatter(x=monthly["period"], y=y, name=t(col, lang), mode="lines+markers", yaxis=axis)
    fig.update_layout(xaxis={"type": "category"}, yaxis={"title": {"text": t("flagged_posts", lang)}},
                      yaxis2={"title": {"text": t("hate_crimes", lang)}, "overlaying": "y", "side": "right"},
                      margin={"l": 50, "r": 50, "t": 10, "b": 40}, height=320, legend={"orientation": "h"})
    return fig


def _lags(city_id: str, audience: str) -> pd.DataFrame:
    corr = _correlations(city_id, audience)
    return corr[corr["analysis"] == "xcorr"].sort_values("lag") if len(corr) else corr


def lag_figure(city_id: str, lang: str, audience: str) -> go.Figure | None:
    xc = _lags(city_id, audience)
    xc = xc[xc["estimate"].notna()] if len(xc) else xc
    if xc.empty:
        return None
    fig = go.Figure(go.Bar(x=xc["lag"], y=xc["estimate"], error_y={
        "type": "data", "symmetric": False, "array": xc["ci_high"] - xc["estimate"],
        "arrayminus": xc["estimate"] - xc["ci_low"]}, marker_color="#1f4e78"))
    fig.update_layout(xaxis={"title": {"text": t("lag_axis", lang)}, "dtick": 1}, yaxis={"range": [-1, 1]},
                      margin={"l": 50, "r": 20, "t": 10, "b": 40}, height=260)
    return fig


def lag_notes(city_id: str, lang: str, audience: str) -> list[str]:
    """The caveat of the lag analysis, and why it has no estimate when none of its lags has one."""
    xc = _lags(city_id, audience)
    if xc.empty:
        return []
    details = [i18n.parse_json(d) or {} for d in xc["detail"]] if "detail" in xc.columns else [{}]
    if xc["estimate"].notna().any():
        caveat = i18n.caveat(details[0], lang)
        return [caveat] if caveat else []
    why = i18n.not_estimated("xcorr", details[0], lang)
    return [why] if why else []


def survey_figure(city_id: str, audience: str) -> go.Figure | None:
    si = for_audience("survey_indices", data.table("survey_indices", city_id), audience)
    if si.empty:
        return None
    si = si[(si["group_type"] == "all") & ~si["suppressed"].fillna(False).astype(bool)]
    if si.empty:
        return None
    fig = go.Figure()
    for wave, rows in si.groupby("wave", sort=False):
        fig.add_scatter(x=rows["construct"].str.replace("_", " "), y=rows["mean"], name=str(wave),
                        mode="markers", marker={"size": 10}, error_y={
                            "type": "data", "symmetric": False, "array": rows["ci_high"] - rows["mean"],
                            "arrayminus": rows["mean"] - rows["ci_low"]})
    fig.update_layout(yaxis={"range": [0, 100]}, margin={"l": 40, "r": 20, "t": 10, "b": 60}, height=300,
                      legend={"orientation": "h"})
    return fig


def prepost_table(city_id: str, audience: str) -> pd.DataFrame:
    prepost = for_audience("survey_prepost", data.table("survey_prepost", city_id), audience)
    return prepost.drop(columns=["city_id"], errors="ignore")


def programmes_table(city_id: str, audience: str) -> pd.DataFrame:
    """Activities and people per programme line and year (``programme_years``: each activity once, whatever the
    roles of its participants), shaped for the audience."""
    py = for_audience("programme_years", data.table("programme_years", city_id), audience)
    if py.empty:
        return py
    out = py[["programme_line", "year", "activities", "people"]]
    return out.sort_values(["year", "programme_line"], ascending=[False, True])


def alerts_table(city_id: str, lang: str, audience: str) -> pd.DataFrame:
    """Alerts with their type and evidence in ``lang``."""
    alerts = for_audience("alerts", data.table("alerts", city_id), audience)
    if alerts.empty:
        return alerts
    alerts = alerts.assign(
        alert_type=[i18n.alert_type(a, lang) for a in alerts.get("alert_type", pd.Series(index=alerts.index))],
        evidence=[i18n.evidence(e, lang) for e in alerts.get("evidence", pd.Series(index=alerts.index))])
    return alerts[[c for c in ("alert_type", "area_code", "period", "score", "evidence") if c in alerts.columns]]


def risk_table(city_id: str, lang: str, audience: str, top: int = 10) -> pd.DataFrame:
    """The ``top`` areas of the risk ranking, with their names and reasons in ``lang``."""
    risk = for_audience("risk", data.table("risk", city_id), audience)
    if risk.empty:
        return risk
    areas = for_audience("areas", data.table("areas", city_id), audience)
    if len(areas) and "area_name" in areas.columns:
        risk = risk.merge(areas[["area_code", "area_name"]], on="area_code", how="left")
    risk = risk.sort_values("rank").head(top)
    if "reasons" in risk.columns:
        missing = pd.Series(np.nan, index=risk.index)
        risk = risk.assign(reasons=[
            i18n.reasons(raw, s, c, r, lang) for raw, s, c, r in zip(
                risk["reasons"], risk.get("speech_recent", missing), risk.get("crime_recent", missing),
                risk.get("resilience", missing), strict=True)])
    return risk[[c for c in ("rank", "area_code", "area_name", "score", "reasons") if c in risk.columns]]


def _score_text(code: str, macro_f1: float | None, baseline: float | None, lang: str) -> str:
    """"ar 0.53 (0.53)"; a model measured without a baseline: "ar 0.53"; unmeasured: "ar not measured"."""
    if macro_f1 is None or pd.isna(macro_f1):
        return f"{code} {t('not_measured', lang)}"
    return f"{code} {macro_f1:.2f}" + ("" if baseline is None or pd.isna(baseline) else f" ({baseline:.2f})")


def classifier_line(city_id: str, lang: str, audience: str) -> str | None:
    ev = for_audience("classifier_eval", data.table("classifier_eval"), audience)
    if ev.empty:
        return None
    per_lang = ev.drop_duplicates("lang")
    scores = ", ".join(_score_text(r.lang, r.macro_f1, r.baseline_macro_f1, lang) for r in per_lang.itertuples())
    line = t("classifier_line", lang, scores=scores)
    cov = for_audience("classifier_coverage", data.table("classifier_coverage", city_id), audience)
    if len(cov) and cov["posts"].sum() > 0:
        line += " " + t("not_assessed", lang, share=cov["not_assessed"].sum() / cov["posts"].sum())
        if "lexicon" in cov.columns and cov["lexicon"].sum() > 0:
            line += " " + t("lexicon_share", lang, share=cov["lexicon"].sum() / cov["posts"].sum())
    return line
