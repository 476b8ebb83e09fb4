"""City page (``/city/<city_id>``, staff or the city's official): H3 map with period slider and resolution
switch, speech vs crime series with the lag analysis, correlations in plain language, survey indices,
programmes, alerts, risk and classifier accuracy. Its callbacks name their city in the ``city-id`` store. A city
that left the network keeps its page (its history), under "Former member since <year>"."""

from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, ctx, dcc, html

from dashboards import auth, basemap, data, detail, downloads, i18n, maps
from dashboards.components import alerts as alert_view
from dashboards.components import city as view
from dashboards.components import frame_table, graph, membership, section, unavailable
from dashboards.components import review as review_view
from dashboards.components.shell import meaning
from dashboards.i18n import normalise, t
from scn.settings import suppress_below

dash.register_page(__name__, path_template="/city/<city_id>", access="city")

MAP_METRICS = (*maps.CELL_METRICS, "risk")
# columns of survey_prepost kept as data, not shown (ids, the disclosure flag, the design and respondent-mix codes;
# the change at the same respondent mix and whether the survey shows a change are shown)
PREPOST_CODES = ("programme_id", "baseline_survey_id", "endline_survey_id", "suppressed", "clusters_baseline",
                 "clusters_endline", "adjusted_by", "mix_changed")
# an index runs 0-100 (one decimal says all its interval supports); the effect size is read to two
PREPOST_DECIMALS = {**dict.fromkeys(("baseline_mean", "endline_mean", "diff", "ci_low", "ci_high", "adjusted_diff",
                                     "adjusted_ci_low", "adjusted_ci_high"), 1), "effect_size": 2}


def layout(city_id: str | None = None, lang: str | None = "en", **_query: object) -> html.Div | html.P:
    """The page of one city for the signed-in user (the access rule is checked again here)."""
    lang = normalise(lang)
    user = auth.require_page(__name__, city_id=city_id)
    if not isinstance(city_id, str) or city_id not in data.city_ids():
        return html.P(t("not_found", lang))
    audience = auth.audience(user)
    per = map_periods(city_id, "flagged_posts", audience)
    marks = _marks(per)
    monthly = audience == "staff"  # an official's level may be by month, quarter or year (per count)
    shown = "period_shown" if monthly else "map_period_shown"
    texts, methods = view.findings(city_id, lang, audience)
    prepost = view.prepost_table(city_id, audience, lang)
    programmes = view.programmes_table(city_id, audience, lang)
    alerts = view.alerts_table(city_id, lang, audience)
    targets = review_view.targets_table(city_id, lang, audience)
    grain = review_view.targets_grain(city_id, audience)
    risk = view.risk_table(city_id, lang, audience)
    clf = view.classifier_line(city_id, lang, audience)
    note = t("suppressed_note", lang, k=suppress_below() - 1) if audience == "official" else t("no_personal", lang)
    how = [html.Details([html.Summary(t("how_computed", lang)), html.Ul([html.Li(m) for m in methods])],
                        className="note")] if methods else []
    return html.Div([
        html.H2(_title(city_id, lang), id="city-title"),
        membership.former_note(city_id, lang, id="city-former-member"),  # a city that left: its history stays
        dcc.Store(id="city-id", data=city_id),
        section(t("map", lang), html.Div([
            html.Label([t("metric", lang), dcc.RadioItems(
                id="map-metric", options=[{"label": t(m, lang), "value": m} for m in MAP_METRICS],
                value="flagged_posts", inline=True)]),
            html.Label([t("resolution", lang), dcc.RadioItems(
                id="map-res", options=[{"label": t(f"res_{r}", lang), "value": r} for r in maps.RESOLUTIONS],
                value=maps.RESOLUTIONS[0], inline=True)],
                style={} if audience == "staff" else {"display": "none"}),  # an official sees one level
        ], className="controls"),
            html.P(level_sentence(city_id, "flagged_posts", audience, lang), id="map-level", className="note"),
            html.Div([html.Span(t("period" if monthly else "map_period", lang)), dcc.Slider(
                id="map-period", min=0, max=max(len(per) - 1, 0), step=1, value=max(len(per) - 1, 0),
                marks=marks, included=False, allow_direct_input=False),
                dcc.Store(id="map-periods", data=list(per)),
                html.Strong(t(shown, lang, period=per[-1] if per else "–"), id="period-label",
                            **{"data-template": t(shown, lang, period="{p}")})], id="period-box"),
            dcc.Loading(dcc.Graph(id="cell-map", config={"displayModeBar": False}), delay_show=300),
            html.P(basemap.attribution(t("public_domain", lang)), id="map-attribution", className="note"),
            html.P(note, className="note"), id="map-section"),
        section(t("findings", lang), html.Div(
            [html.P(x) for x in texts] + how if texts  # texts end with "these are correlations"
            else [unavailable(lang)], id="correlation-text"), meaning("verdict", lang), meaning("rate_ratio", lang),
            meaning("interval", lang)),
        section(t("series", lang), html.P(t("series_what", lang), className="meaning"),
                graph(view.series_figure(city_id, lang, audience), "series", lang),
                html.Div([html.P(x, className="note") for x in view.series_notes(city_id, lang, audience)],
                         id="series-notes"),
                html.P(view.prevalence_line(city_id, lang, audience), id="prevalence-line", className="note"),
                html.P(view.calendar_note(city_id, lang), id="calendar-note", className="note"),
                meaning("adjusted_prevalence", lang),  # prevalence beside counts (issue 21)
                html.H4(t("lag", lang)), graph(view.lag_figure(city_id, lang, audience), "lag", lang),
                *[html.P(x, className="note") for x in view.lag_notes(city_id, lang, audience)],
                meaning("lag", lang)),
        section(t("surveys", lang), html.P(t("survey_what", lang), className="meaning"),
                graph(view.survey_figure(city_id, audience, lang), "survey", lang),
                html.H4(t("prepost", lang)),
                frame_table(prepost, "prepost", lang, data_only=PREPOST_CODES, decimals=PREPOST_DECIMALS) if len(prepost) else unavailable(lang),
                meaning("survey_index", lang), meaning("effect_size", lang)),
        section(t("programmes", lang), html.P(t("programmes_what", lang), className="meaning"),
                frame_table(programmes, "programmes", lang, data_only=("programme_line",)) if len(programmes)
                else unavailable(lang)),
        section(t(f"target_groups_{grain}", lang),  # an official's: at the grain of the flagged posts' level
                html.P(t("target_groups_note" if grain == "month" else f"target_groups_note_{grain}", lang,
                         k=suppress_below()), className="note"),
                frame_table(targets, "targets", lang) if len(targets) else unavailable(lang), id="targets-section"),
        section(t("alerts", lang), alert_view.open_alerts(city_id, lang, audience),  # issue 21: the inbox
                html.Details([html.Summary(t("alerts_all", lang)), frame_table(alerts, "alerts", lang)],
                             className="note") if len(alerts) else html.P(t("no_alerts", lang)), id="alerts-section"),
        section(t("risk_areas", lang), html.P(t("risk_what", lang), className="meaning"),
                frame_table(risk, "risk", lang, data_only=("area_code",)) if len(risk) else unavailable(lang),
                meaning("risk_score", lang)),
        html.P(clf or "", id="classifier-line", className="note"),
        html.P(review_view.city_line(review_view.published(city_id, audience), lang) or "",
               id="review-accuracy-line", className="note"),  # the published review_accuracy (docs/review.md)
        meaning("macro_f1", lang),
        section(t("downloads_city", lang), downloads.city_block(city_id, lang), id="downloads-section"),
    ])


def _title(city_id: str, lang: str) -> str:
    """The city's name, in the local script where the registry has one (``name_local``) and the page uses it."""
    cities = data.table("cities", city_id)
    local = cities["name_local"].iloc[0] if len(cities) and "name_local" in cities.columns else None
    return i18n.place(data.city_name(city_id), local, lang)


def _empty_map(lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("not_available", lang), showarrow=False, font={"size": 16})
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=200)
    return fig


# --- the map (issue 21: base map, area names, one level of detail per official) -----------------------------

def map_periods(city_id: str, metric: str, audience: str) -> list[str]:
    """The periods of the map's slider: the months of the cells (staff), the periods of the official's level."""
    if audience == "staff" or metric not in maps.CELL_METRICS or not maps.OFFICIAL_LEVELS:
        return list(view.periods(city_id))
    return list(detail.choice(city_id, metric, audience).periods)


def _marks(per: list[str]) -> dict:
    return {i: {"label": p} for i, p in enumerate(per) if i % max(1, len(per) // 8) == 0 or i == len(per) - 1}


def level_sentence(city_id: str, metric: str, audience: str, lang: str) -> str:
    """Which level the map and series show and why, in ``lang``."""
    if metric not in maps.CELL_METRICS:
        return ""
    choice = detail.choice(city_id, metric, audience)
    reason = choice.reason + (detail.hidden_kind(choice) if choice.reason == "coarsest_hidden" else "")
    return i18n.map_level(choice.level, reason, choice.finer, choice.hidden_share, suppress_below(), lang)


dash.clientside_callback(  # the period under the slider, without a round trip
    "function(i, periods){const el = document.getElementById('period-label');"
    "const tpl = el ? el.dataset.template : '{p}'; return tpl.replace('{p}', (periods || [])[i] || '');}",
    Output("period-label", "children"), Input("map-period", "value"), Input("map-periods", "data"))


@dash.callback(Output("map-period", "max"), Output("map-period", "marks"), Output("map-period", "value"),
               Output("map-periods", "data"), Output("map-level", "children"), Input("map-metric", "value"),
               State("city-id", "data"), State("lang", "value"), prevent_initial_call=True)
def update_level(metric: str, city_id: str, lang: str | None):
    """An official's slider and level sentence follow the count shown (each count has its own level)."""
    audience = auth.audience(auth.require_page(__name__, city_id=city_id))
    if audience == "staff" or metric not in maps.CELL_METRICS:
        return (dash.no_update,) * 4 + (level_sentence(city_id, metric, audience, normalise(lang)),)
    per = map_periods(city_id, metric, audience)
    last = max(len(per) - 1, 0)
    return last, _marks(per), last, per, level_sentence(city_id, metric, audience, normalise(lang))


@dash.callback(Output("cell-map", "figure"), Input("map-metric", "value"), Input("map-period", "value"),
               Input("map-res", "value"), State("city-id", "data"), State("lang", "value"))
def update_map(metric: str, period_idx: int | None, res: int, city_id: str, lang: str | None):
    """The map: a full figure, or (staff) only new cell values when just the month moved. An official's map is
    at the level chosen for the city and count, whatever cell size is asked for."""
    audience = auth.audience(auth.require_page(__name__, city_id=city_id))
    lang = normalise(lang)
    if metric == "risk":
        if ctx.triggered_id == "map-period":
            return dash.no_update
        return maps.risk_figure(city_id, audience, t("risk", lang), lang) or _empty_map(lang)
    metric = metric if metric in maps.CELL_METRICS else "flagged_posts"
    per = map_periods(city_id, metric, audience)
    idx = int(period_idx) if isinstance(period_idx, int | float) else len(per) - 1
    period = per[min(max(idx, 0), len(per) - 1)] if per else None
    res = int(res) if res in maps.RESOLUTIONS else maps.RESOLUTIONS[0]
    if ctx.triggered_id == "map-period" and audience == "staff":
        patch = Patch()
        patch["data"][0]["z"] = maps.cell_values(city_id, metric, period, res, audience)
        return patch
    return maps.cell_figure(city_id, metric, period, res, audience, t(metric, lang), lang) or _empty_map(lang)
