"""Network overview (``/network``, staff): KPIs, summits, programme lines by region, member map, downloads and
links to the city pages."""

from __future__ import annotations

import dash
import plotly.express as px
from dash import dcc, html

from dashboards import auth, data, maps
from dashboards.components import frame_table, section, snapshot_notice, unavailable
from dashboards.i18n import normalise, t

dash.register_page(__name__, path="/network", access="staff")

EXPORT_KINDS = ("network-kpis", "programme-metrics", "summit-metrics", "survey-indices", "cells", "correlations")
FORMATS = ("csv", "xlsx", "parquet")


def _kpis(lang: str) -> html.Div:
    kpis = data.table("network_kpis")
    if kpis.empty:
        return unavailable(lang)
    return html.Div([html.Div([html.Strong(f"{v:,.0f}"), html.Div(s)], className="kpi")
                     for v, s in zip(kpis["value"], kpis["statement"], strict=True)], id="net-kpis",
                    className="kpis")


def _lines_by_region(lang: str):
    pm = data.table("programme_metrics")
    if pm.empty:
        return unavailable(lang)
    agg = pm.groupby(["region", "programme_line"], as_index=False)["activities"].sum()
    fig = px.bar(agg, x="region", y="activities", color="programme_line", height=360)
    fig.update_layout(margin={"l": 40, "r": 10, "t": 10, "b": 40}, legend={"orientation": "h", "y": -0.25},
                      xaxis_title=None)
    return dcc.Graph(id="net-programmes", figure=fig, config={"displayModeBar": False})


def _downloads() -> html.Table:
    return html.Table([html.Tr([html.Td(kind)] + [
        html.Td(html.A(fmt.upper(), href=f"/download/{kind}.{fmt}", id=f"net-dl-{kind}-{fmt}", download="",
                       className="button")) for fmt in FORMATS]) for kind in EXPORT_KINDS], id="net-exports")


def layout(lang: str | None = "en", **_query: object) -> html.Div:
    lang = normalise(lang)
    auth.require_page(__name__)
    cities = data.table("cities")
    summits = data.table("summit_metrics")
    with_data = set(data.table("city_month").get("city_id", []))
    links = [html.Li(dcc.Link(n, href=f"/city/{c}")) for c, n in
             zip(cities.get("city_id", []), cities.get("name", []), strict=True) if c in with_data]
    return html.Div([
        html.H2(t("network", lang)),
        snapshot_notice(lang),
        section(t("kpis", lang), _kpis(lang)),
        section(t("city_pages", lang), html.Ul(links, id="net-cities") if links else unavailable(lang)),
        section(t("summits", lang), frame_table(summits, "net-summits", lang) if len(summits) else unavailable(lang)),
        section(t("lines_by_region", lang), _lines_by_region(lang)),
        section(t("members", lang), dcc.Graph(id="net-member-map", figure=maps.member_figure(cities),
                                              config={"displayModeBar": False})
                if {"lat", "lon", "region", "name"} <= set(cities.columns) else unavailable(lang)),
        section(t("exports", lang), _downloads()),
    ])
