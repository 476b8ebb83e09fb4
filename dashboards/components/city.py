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
from scn.nlp.accuracy import shown_accuracy
from scn.privacy.disclosure import for_audience

# the within-place rate ratios shown by lag, both ways (geo/direction.py)
LAG_ANALYSES = ("speech_to_crime", "crime_to_speech")
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


def _row(corr: pd.DataFrame, analysis: str, lag: object = None) -> pd.Series | None:
    rows = corr[corr["analysis"] == analysis]
    if lag is not None and "lag" in rows.columns:
        rows = rows[pd.to_numeric(rows["lag"], errors="coerce") == pd.to_numeric(lag, errors="coerce")]
    return rows.iloc[0] if len(rows) else None


def _ratio(r: pd.Series | None, lang: str) -> dict:
    """A rate ratio per doubling as the sentence's numbers: the change in percent (more / fewer), CI and n."""
    if r is None or pd.isna(r["estimate"]):
        return {}
    est = float(r["estimate"])
    change = t("pct_more" if est >= 1 else "pct_fewer", lang, pct=abs(est - 1) * 100)
    return {"est": est, "lo": float(r["ci_low"]), "hi": float(r["ci_high"]), "change": change,
            "n": int(r["n"]) if pd.notna(r["n"]) else 0}


def findings(city_id: str, lang: str, audience: str) -> tuple[list[str], list[str]]:
    """The engine's verdict for the city in plain language (docs/geo.md): the comparison made (each
    neighbourhood with itself over time), what is adjusted for, the unit (per doubling), the direction, the
    interval and n; a common cause when the checks say so; and how it was computed. ([], []) when no verdict."""
    corr = _correlations(city_id, audience)
    v = _row(corr, "verdict") if len(corr) else None
    if v is None:
        return [], []
    code, ev = str(v.get("verdict")), i18n.parse_json(v.get("detail")) or {}
    rev = _ratio(_row(corr, "crime_to_speech", ev.get("reverse_lag") or 1), lang)
    s2c = _ratio(_row(corr, "speech_to_crime", 1), lang)
    spill = _ratio(_row(corr, "spillover", 1), lang)
    size = {"cells": int(ev.get("n_cells") or ev.get("n_cells_with_hate") or 0),
            "months": int(ev.get("n_periods") or 0), "n": s2c.get("n", 0)}
    if code == "insufficient_data" or not s2c:
        note = ev.get("note") or "not_converged"
        return [t("verdict_insufficient_data", lang, why=t(f"insufficient_{note}", lang), **size)], []
    texts = [t("comparison", lang, **size)]
    if code == "speech_leads":
        texts.append(t("verdict_speech_leads", lang, **s2c))
    elif code == "crime_leads":
        texts.append(t("verdict_crime_leads", lang, r_est=rev.get("est", np.nan), r_lo=rev.get("lo", np.nan),
                       r_hi=rev.get("hi", np.nan), r_change=rev.get("change", ""), **s2c))
    elif code == "both_directions":
        texts.append(t("verdict_both_directions", lang, **s2c))
    else:
        texts.append(t("verdict_no_link", lang, **s2c))
    if ev.get("forward_fewer"):
        texts.append(t("forward_fewer", lang, **s2c))
    if ev.get("spillover_found") and spill:
        texts.append(t("spillover_found", lang, **spill))
    if ev.get("common_cause_likely"):
        texts.append(t("common_cause", lang))
    if ev.get("classifier_adjusted"):
        texts.append(t("classifier_adjusted", lang))
    texts.append(t("not_causation", lang))
    cluster = t(f"cluster_{ev.get('cluster', 'cell')}", lang) if i18n.has(f"cluster_{ev.get('cluster')}") \
        else t("cluster_cell", lang)
    return texts, [t("method_engine", lang, cluster=cluster, max_lag=int(ev.get("max_lag") or 3))]


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
    if corr.empty:
        return corr
    corr = corr[corr["analysis"].isin(LAG_ANALYSES) & corr["estimate"].notna()]
    return corr.sort_values(["analysis", "lag"])


def lag_figure(city_id: str, lang: str, audience: str) -> go.Figure | None:
    """Rate ratios per doubling at lags 1..k, both ways (bars: 95% CI; 1 = no change)."""
    xc = _lags(city_id, audience)
    if xc.empty:
        return None
    fig = go.Figure()
    for analysis, colour in zip(LAG_ANALYSES, ("#1f4e78", "#b85c00"), strict=True):
        rows = xc[xc["analysis"] == analysis]
        if rows.empty:
            continue
        fig.add_bar(x=rows["lag"], y=rows["estimate"] - 1, base=1, name=t(f"lag_{analysis}", lang),
                    marker_color=colour, error_y={"type": "data", "symmetric": False,
                                                  "array": rows["ci_high"] - rows["estimate"],
                                                  "arrayminus": rows["estimate"] - rows["ci_low"]})
    fig.add_hline(y=1, line={"color": "#888", "dash": "dot"})
    fig.update_layout(xaxis={"title": {"text": t("lag_axis", lang)}, "dtick": 1},
                      yaxis={"title": {"text": t("lag_yaxis", lang)}}, barmode="group",
                      margin={"l": 50, "r": 20, "t": 10, "b": 40}, height=260, legend={"orientation": "h"})
    return fig


def lag_notes(city_id: str, lang: str, audience: str) -> list[str]:
    """What the lag chart compares (longer lags are shown, the verdict rests on lag 1)."""
    return [t("lag_note", lang)] if not _lags(city_id, audience).empty else []


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
    """Accuracy per language and platform of the city's posts: the held-out figure measured on data of that
    language and platform (the weakest source when several match), else "not measured" (shown_accuracy)."""
    ev = for_audience("classifier_eval", data.table("classifier_eval"), audience)
    cov = for_audience("classifier_coverage", data.table("classifier_coverage", city_id), audience)
    shown = shown_accuracy(ev, cov)
    if shown.empty:
        return None
    scores = ", ".join(_score_text(f"{r.lang} ({r.platform})", r.macro_f1, r.baseline_macro_f1, lang)
                       for r in shown.itertuples())
    line = t("classifier_line", lang, scores=scores)
    if len(cov) and cov["posts"].sum() > 0:
        line += " " + t("not_assessed", lang, share=cov["not_assessed"].sum() / cov["posts"].sum())
        if "lexicon" in cov.columns and cov["lexicon"].sum() > 0:
            line += " " + t("lexicon_share", lang, share=cov["lexicon"].sum() / cov["posts"].sum())
    return line
