"""City page (``/city/<city_id>``, staff or the city's official): H3 map with period slider and resolution
switch, speech vs crime series with the lag analysis, correlations in plain language, survey indices,
programmes, alerts, risk and classifier accuracy. Its callbacks name their city in the ``city-id`` store."""

from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, ctx, dcc, html

from dashboards import auth, data, maps
from dashboards.components import city as view
from dashboards.components import frame_table, graph, section, unavailable
from dashboards.components import review as review_view
from dashboards.i18n import normalise, t
from scn.settings import suppress_below

dash.register_page(__name__, path_template="/city/<city_id>", access="city")

MAP_METRICS = (*maps.CELL_METRICS, "risk")


def layout(city_id: str | None = None, lang: str | None = "en", **_query: object) -> html.Div | html.P:
    """The page of one city for the signed-in user (the access rule is checked again here)."""
    lang = normalise(lang)
    user = auth.require_page(__name__, city_id=city_id)
    if not isinstance(city_id, str) or city_id not in data.city_ids():
        return html.P(t("not_found", lang))
    audience = auth.audience(user)
    per = view.periods(city_id)
    marks = {i: {"label": p} for i, p in enumerate(per) if i % max(1, len(per) // 8) == 0 or i == len(per) - 1}
    texts, methods = view.findings(city_id, lang, audience)
    prepost = view.prepost_table(city_id, audience)
    programmes = view.programmes_table(city_id, audience)
    alerts = view.alerts_table(city_id, lang, audience)
    targets = review_view.targets_table(city_id, lang, audience)
    risk = view.risk_table(city_id, lang, audience)
    clf = view.classifier_line(city_id, lang, audience)
    note = (t("suppressed_note", lang, k=suppress_below() - 1) + " " + t("suppressed_sums", lang)
            if audience == "official" else t("no_personal", lang))
    how = [html.Details([html.Summary(t("how_computed", lang)), html.Ul([html.Li(m) for m in methods])],
                        className="note")] if methods else []
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
            [html.P(x) for x in texts] + [html.P(t("not_causation", lang), className="note")] + how if texts
            else [unavailable(lang)], id="correlation-text")),
        section(t("series", lang), graph(view.series_figure(city_id, lang, audience), "series", lang),
                html.H4(t("lag", lang)), graph(view.lag_figure(city_id, lang, audience), "lag", lang),
                *[html.P(x, className="note") for x in view.lag_notes(city_id, lang, audience)]),
        section(t("surveys", lang), graph(view.survey_figure(city_id, audience), "survey", lang),
                html.H4(t("prepost", lang)),
                frame_table(prepost, "prepost", lang) if len(prepost) else unavailable(lang)),
        section(t("programmes", lang), frame_table(programmes, "programmes", lang) if len(programmes)
                else unavailable(lang)),
        section(t("target_groups", lang), html.P(t("target_groups_note", lang, k=suppress_below()), className="note"),
                frame_table(targets, "targets", lang) if len(targets) else unavailable(lang), id="targets-section"),
        section(t("alerts", lang), frame_table(alerts, "alerts", lang) if len(alerts)
                else html.P(t("no_alerts", lang))),
        section(t("risk_areas", lang), frame_table(risk, "risk", lang) if len(risk) else unavailable(lang)),
        html.P(clf or "", id="classifier-line", className="note"),
        html.P(review_view.city_line(review_view.published(city_id, audience), lang) or "",
               id="review-accuracy-line", className="note"),  # the published review_accuracy (docs/review.md)
    ])


def _empty_map(lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("not_available", lang), showarrow=False, font={"size": 16})
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=200)
    return fig


dash.clientside_callback(  # the month under the slider, without a round trip
    "function(i, periods){const el = document.getElementById('period-label');"
    "const tpl = el ? el.dataset.template : '{p}'; return tpl.replace('{p}', (periods || [])[i] || '');}",
    Output("period-label", "children"), Input("map-period", "value"), State("map-periods", "data"))


@dash.callback(Output("cell-map", "figure"), Input("map-metric", "value"), Input("map-period", "value"),
               Input("map-res", "value"), State("city-id", "data"), State("lang", "value"))
def update_map(metric: str, period_idx: int | None, res: int, city_id: str, lang: str | None):
    """The map: a full figure, or only new cell values when just the month moved."""
    audience = auth.audience(auth.require_page(__name__, city_id=city_id))
    lang = normalise(lang)
    per = view.periods(city_id)
    period = per[int(period_idx)] if per and period_idx is not None and 0 <= int(period_idx) < len(per) else None
    if metric == "risk":
        if ctx.triggered_id == "map-period":
            return dash.no_update
        return maps.risk_figure(city_id, audience, t("risk", lang)) or _empty_map(lang)
    metric = metric if metric in maps.CELL_METRICS else "flagged_posts"
    res = int(res) if res in maps.RESOLUTIONS else maps.RESOLUTIONS[0]
    if ctx.triggered_id == "map-period":
        patch = Patch()
        patch["data"][0]["z"] = maps.cell_values(city_id, metric, period, res, audience)
        return patch
    return maps.cell_figure(city_id, metric, period, res, audience, t(metric, lang)) or _empty_map(lang)
