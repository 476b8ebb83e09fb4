"""City page: H3 map with period slider and resolution switch, speech vs crime series with the lag analysis,
correlations in plain language, survey indices, programmes, alerts, risk and classifier accuracy."""

from __future__ import annotations

import json
from functools import lru_cache

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, ctx, dcc, html

from dashboards import data, maps
from dashboards.auth import require_city
from dashboards.components import frame_table, section, unavailable
from dashboards.i18n import t
from scn.config import suppress_below
from scn.exports import for_audience
from scn.privacy import suppress_counts
from scn.users import User

MAP_METRICS = (*maps.CELL_METRICS, "risk")


@lru_cache(maxsize=64)
def _periods(snap: str, city_id: str) -> tuple[str, ...]:
    return tuple(maps.periods(city_id))


def periods(city_id: str) -> tuple[str, ...]:
    return _periods(data.snapshot_key(), city_id)


def _detail(raw: object) -> dict:
    try:
        return json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        return {}


def findings(city_id: str, lang: str) -> list[str]:
    """The correlation results in plain language, with their uncertainty and size; [] when none."""
    corr = data.table("correlations", city_id)
    if corr.empty:
        return []
    out = []
    for analysis in ("nb_irr", "spearman", "moran_bv"):
        rows = corr[(corr["analysis"] == analysis) & corr["estimate"].notna()]
        if rows.empty:
            continue
        r = rows.iloc[0]
        d = _detail(r.get("detail"))
        null = 1.0 if analysis == "nb_irr" else 0.0
        direction = t("more" if r["estimate"] > null else "fewer", lang)
        text = t(analysis, lang, est=r["estimate"], lo=r["ci_low"], hi=r["ci_high"], p=r["p_value"],
                 direction=direction, months=int(d.get("n_periods", 0)), cells=int(d.get("n_cells", r["n"])))
        if analysis != "moran_bv" and pd.notna(r["ci_low"]) and r["ci_low"] <= null <= r["ci_high"]:
            text += " " + t("no_clear_link", lang)
        out.append(text)
    return out


def series_figure(city_id: str, lang: str, suppress: bool) -> go.Figure | None:
    monthly = data.table("city_month", city_id)
    if monthly.empty:
        return None
    monthly = monthly.sort_values("period")
    fig = go.Figure()
    for col, axis in (("flagged_posts", "y"), ("hate_crimes", "y2")):
        y = suppress_counts(monthly[col]) if suppress else monthly[col]
        fig.add_scatter(x=monthly["period"], y=y, name=t(col, lang), mode="lines+markers", yaxis=axis)
    fig.update_layout(xaxis={"type": "category"}, yaxis={"title": {"text": t("flagged_posts", lang)}},
                      yaxis2={"title": {"text": t("hate_crimes", lang)}, "overlaying": "y", "side": "right"},
                      margin={"l": 50, "r": 50, "t": 10, "b": 40}, height=320, legend={"orientation": "h"})
    return fig


def lag_figure(city_id: str, lang: str) -> go.Figure | None:
    corr = data.table("correlations", city_id)
    xc = corr[corr["analysis"] == "xcorr"].sort_values("lag") if len(corr) else corr
    if xc.empty:
        return None
    fig = go.Figure(go.Bar(x=xc["lag"], y=xc["estimate"], error_y={
        "type": "data", "symmetric": False, "array": xc["ci_high"] - xc["estimate"],
        "arrayminus": xc["estimate"] - xc["ci_low"]}, marker_color="#1f4e78"))
    fig.update_layout(xaxis={"title": {"text": t("lag_axis", lang)}, "dtick": 1}, yaxis={"range": [-1, 1]},
                      margin={"l": 50, "r": 20, "t": 10, "b": 40}, height=260)
    return fig


def survey_figure(city_id: str) -> go.Figure | None:
    si = data.table("survey_indices", city_id)
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


def _graph(fig: go.Figure | None, id: str, lang: str):
    return dcc.Graph(id=id, figure=fig, config={"displayModeBar": False}) if fig is not None else \
        html.Div(unavailable(lang), id=id)


def programmes_table(city_id: str, suppress: bool) -> pd.DataFrame:
    pm = data.table("programme_metrics", city_id)
    if pm.empty:
        return pm
    out = pm.groupby(["programme_line", "year"], as_index=False)[["activities", "people"]].sum()
    if suppress:
        out["people"] = suppress_counts(out["people"]).astype("Int64")
    return out.sort_values(["year", "programme_line"], ascending=[False, True])


def _score_text(code: str, macro_f1: float | None, baseline: float | None, lang: str) -> str:
    """"ar 0.53 (0.53)"; a model measured without a baseline: "ar 0.53"; unmeasured: "ar not measured"."""
    if macro_f1 is None or pd.isna(macro_f1):
        return f"{code} {t('not_measured', lang)}"
    return f"{code} {macro_f1:.2f}" + ("" if baseline is None or pd.isna(baseline) else f" ({baseline:.2f})")


def classifier_line(city_id: str, lang: str) -> str | None:
    ev = data.table("classifier_eval")
    if ev.empty:
        return None
    per_lang = ev.drop_duplicates("lang")
    scores = ", ".join(_score_text(r.lang, r.macro_f1, r.baseline_macro_f1, lang) for r in per_lang.itertuples())
    line = t("classifier_line", lang, scores=scores)
    cov = data.table("classifier_coverage", city_id)
    if len(cov) and cov["posts"].sum() > 0:
        line += " " + t("not_assessed", lang, share=cov["not_assessed"].sum() / cov["posts"].sum())
        if "lexicon" in cov.columns and cov["lexicon"].sum() > 0:
            line += " " + t("lexicon_share", lang, share=cov["lexicon"].sum() / cov["posts"].sum())
    return line


def layout(city_id: str, lang: str, user: User) -> html.Div:
    """The page of one city (access already checked by the caller)."""
    suppress = not user.is_staff
    per = periods(city_id)
    marks = {i: {"label": p} for i, p in enumerate(per) if i % max(1, len(per) // 8) == 0 or i == len(per) - 1}
    texts = findings(city_id, lang)
    alerts = data.table("alerts", city_id)
    risk = data.table("risk", city_id)
    areas = data.table("areas", city_id)
    if len(risk) and len(areas) and "area_name" in areas.columns:
        risk = risk.merge(areas[["area_code", "area_name"]], on="area_code", how="left")
    prepost = data.table("survey_prepost", city_id)
    if len(prepost) and suppress:
        prepost = for_audience("survey_prepost", prepost, "official")
    programmes = programmes_table(city_id, suppress)
    clf = classifier_line(city_id, lang)
    note = t("suppressed_note", lang, k=suppress_below() - 1) if suppress else t("no_personal", lang)
    return html.Div([
        html.H2(data.city_name(city_id), id="city-title"),
        dcc.Store(id="city-id", data=city_id),
        section(t("map", lang), html.Div([
            html.Label([t("metric", lang), dcc.RadioItems(
                id="map-metric", options=[{"label": t(m, lang), "value": m} for m in MAP_METRICS],
                value="flagged_posts", inline=True)]),
            html.Label([t("resolution", lang), dcc.RadioItems(
                id="map-res", options=[{"label": t(f"res_{r}", lang), "value": r} for r in maps.RESOLUTIONS],
                value=maps.RESOLUTIONS[0], inline=True)]),
        ], className="controls"),
            html.Div([html.Span(t("period", lang)), dcc.Slider(
                id="map-period", min=0, max=max(len(per) - 1, 0), step=1, value=max(len(per) - 1, 0),
                marks=marks, included=False, allow_direct_input=False),
                dcc.Store(id="map-periods", data=list(per)),
                html.Strong(t("period_shown", lang, period=per[-1] if per else "–"), id="period-label",
                            **{"data-template": t("period_shown", lang, period="{p}")})], id="period-box"),
            dcc.Loading(dcc.Graph(id="cell-map", config={"displayModeBar": False}), delay_show=300),
            html.P(note, className="note"), id="map-section"),
        section(t("findings", lang), html.Div(
            [html.P(x) for x in texts] + [html.P(t("not_causation", lang), className="note")] if texts
            else [unavailable(lang)], id="correlation-text")),
        section(t("series", lang), _graph(series_figure(city_id, lang, suppress), "series", lang),
                html.H4(t("lag", lang)), _graph(lag_figure(city_id, lang), "lag", lang)),
        section(t("surveys", lang), _graph(survey_figure(city_id), "survey", lang),
                html.H4(t("prepost", lang)),
                frame_table(prepost.drop(columns=["city_id"], errors="ignore"), "prepost", lang) if len(prepost)
                else unavailable(lang)),
        section(t("programmes", lang), frame_table(programmes, "programmes", lang) if len(programmes)
                else unavailable(lang)),
        section(t("alerts", lang), frame_table(alerts[[c for c in ("alert_type", "area_code", "period", "score",
                                                                   "evidence") if c in alerts.columns]],
                                               "alerts", lang) if len(alerts) else html.P(t("no_alerts", lang))),
        section(t("risk_areas", lang), frame_table(risk.sort_values("rank").head(10)[[
            c for c in ("rank", "area_code", "area_name", "score", "reasons") if c in risk.columns]], "risk", lang)
            if len(risk) else unavailable(lang)),
        html.P(clf or "", id="classifier-line", className="note"),
    ])


def _empty_map(lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("not_available", lang), showarrow=False, font={"size": 16})
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=200)
    return fig


def update_map(metric: str, period_idx: int | None, res: int, city_id: str, lang: str | None):
    """The map callback: a full figure, or only new cell values when just the month moved."""
    user = require_city(city_id)
    suppress = not user.is_staff
    per = periods(city_id)
    period = per[int(period_idx)] if per and period_idx is not None and 0 <= int(period_idx) < len(per) else None
    if metric == "risk":
        if ctx.triggered_id == "map-period":
            return dash.no_update
        return maps.risk_figure(city_id, t("risk", lang)) or _empty_map(lang or "en")
    metric = metric if metric in maps.CELL_METRICS else "flagged_posts"
    res = int(res) if res in maps.RESOLUTIONS else maps.RESOLUTIONS[0]
    if ctx.triggered_id == "map-period":
        patch = Patch()
        patch["data"][0]["z"] = maps.cell_values(city_id, metric, period, res, suppress)
        return patch
    return maps.cell_figure(city_id, metric, period, res, suppress, t(metric, lang)) or _empty_map(lang or "en")


def register(app: dash.Dash) -> None:
    app.clientside_callback(  # the month under the slider, without a round trip
        "function(i, periods){const el = document.getElementById('period-label');"
        "const tpl = el ? el.dataset.template : '{p}'; return tpl.replace('{p}', (periods || [])[i] || '');}",
        Output("period-label", "children"), Input("map-period", "value"), State("map-periods", "data"))
    app.callback(Output("cell-map", "figure"), Input("map-metric", "value"), Input("map-period", "value"),
                 Input("map-res", "value"), State("city-id", "data"), State("lang", "value"))(update_map)
