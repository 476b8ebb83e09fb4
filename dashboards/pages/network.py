"""Network overview (``/network``, staff): KPIs, summits, programme lines by region (activities held; those planned,
not held yet, as their own series and table; ``programme_regions``: each activity once whatever its participants'
roles), member map, downloads and
links to the city pages: the current members', then the former members' (cities that left the network, marked
"former member since <year>"; the member map shows current members)."""

from __future__ import annotations

import dash
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from dash import dcc, html

from dashboards import auth, basemap, data, i18n, maps
from dashboards.components import frame_table, membership, section, snapshot_notice, unavailable
from dashboards.i18n import normalise, t
from dashboards.plotly_text import plotly_text, plotly_texts

dash.register_page(__name__, path="/network", access="staff")

EXPORT_KINDS = ("network-kpis", "programme-metrics", "summit-metrics", "survey-indices", "cells", "correlations")
FORMATS = ("csv", "xlsx", "parquet")


def _kpis(lang: str) -> html.Div:
    kpis = data.table("network_kpis")
    if kpis.empty:
        return unavailable(lang)
    units = kpis["unit"] if "unit" in kpis.columns else [None] * len(kpis)
    return html.Div([html.Div([html.Strong(i18n.number(v, lang, 0)), html.Div(i18n.kpi(k, v, s, lang, u))],
                              className="kpi")
                     for k, v, s, u in zip(kpis["kpi"], kpis["value"], kpis["statement"], units, strict=True)],
                    id="net-kpis", className="kpis")


def _region_counts() -> pd.DataFrame:
    """Activities per region, programme line and year: ``programme_regions`` (each activity once, every role
    together); for a snapshot published before that table, ``programme_metrics`` (split by role: its sums count an
    activity once per role of its participants, as the page did then). Empty when neither is published."""
    regions = data.table("programme_regions")
    return regions if not regions.empty else data.table("programme_metrics")


def _planned_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Planned activities (not held yet) per region, programme line and year, rows with some only; empty for a
    snapshot published before ``planned_activities``."""
    if "planned_activities" not in counts.columns:
        return pd.DataFrame(columns=["region", "programme_line", "year", "planned_activities"])
    out = counts.groupby(["region", "programme_line", "year"], as_index=False, dropna=False)["planned_activities"].sum()
    return out[out["planned_activities"] > 0]


def _lines_by_region(lang: str):
    """Held activities per region as bars stacked by programme line; planned ones (``planned_activities``: they
    start after the build's as-of date) as one marker series of their own, never stacked onto the held bars."""
    pm = _region_counts()
    if pm.empty:
        return unavailable(lang)
    agg = pm.groupby(["region", "programme_line"], as_index=False)["activities"].sum()
    agg = agg.assign(region=plotly_texts(i18n.codes("region", agg["region"], lang)),  # an unknown code as it came
                     programme_line=plotly_texts(i18n.codes("line", agg["programme_line"], lang)))
    fig = px.bar(agg, x="region", y="activities", color="programme_line", height=360,
                 labels={"region": i18n.column("region", lang), "activities": t("activities_axis", lang),
                         "programme_line": t("programme_line_legend", lang)})
    planned = _planned_counts(pm).groupby("region", as_index=False)["planned_activities"].sum()
    if len(planned):
        fig.add_trace(go.Scatter(
            x=plotly_texts(i18n.codes("region", planned["region"], lang)), y=planned["planned_activities"],
            mode="markers", name=plotly_text(i18n.column("planned_activities", lang)),
            marker={"symbol": "diamond-open", "size": 12, "color": "#444", "line": {"width": 2}}))
    rtl = lang in i18n.RTL
    fig.update_layout(margin={"l": 40, "r": 40, "t": 10, "b": 40}, legend={"orientation": "h", "y": -0.25},
                      xaxis_title=None, xaxis={"autorange": "reversed" if rtl else True},
                      yaxis={"side": "right" if rtl else "left"})
    return dcc.Graph(id="net-programmes", figure=fig, config={"displayModeBar": False})


def _planned(lang: str):
    """The planned activities (not held yet) per region, programme line and year, newest year first; None when
    there are none or the snapshot does not say."""
    planned = _planned_counts(_region_counts())
    if planned.empty:
        return None
    planned = planned.assign(region=i18n.codes("region", planned["region"], lang),
                             programme=i18n.codes("line", planned["programme_line"], lang),
                             year=planned["year"].astype("Int64"))
    planned = planned.sort_values(["year", "region", "programme_line"], ascending=[False, True, True])
    return frame_table(planned[["region", "programme", "programme_line", "year", "planned_activities"]],
                       "net-planned", lang, data_only=("programme_line",))


def _summits(summits: pd.DataFrame, cities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The summits table with countries in ``lang`` (babel's names, by the members' country codes)."""
    if "country" not in summits.columns or not {"country", "country_code"} <= set(cities.columns):
        return summits
    codes = dict(zip(cities["country"], cities["country_code"], strict=True))
    names = {c: i18n.country(codes.get(c), c, lang) for c in pd.unique(summits["country"].dropna())}
    return summits.assign(country=summits["country"].map(names).fillna(summits["country"]))


def _downloads(lang: str = "en") -> html.Table:
    return html.Table([html.Tr([html.Td(t(f"download_{kind}", lang))] + [
        html.Td(html.A(fmt.upper(), href=f"/download/{kind}.{fmt}", id=f"net-dl-{kind}-{fmt}", download="",
                       className="button")) for fmt in FORMATS]) for kind in EXPORT_KINDS], id="net-exports")


def _links(cities: pd.DataFrame, with_data: set, lang: str | None = None) -> list[html.Li]:
    """Links to the pages of the cities with data; with ``lang``, each marked "former member since <year>"."""
    rows = cities[cities["city_id"].isin(with_data)] if "city_id" in cities.columns else cities.iloc[0:0]
    return [html.Li([dcc.Link(r["name"], href=f"/city/{r['city_id']}"),
                     html.Span(f" — {membership.since(r['left_year'], lang)}", className="note")]
                    if lang else dcc.Link(r["name"], href=f"/city/{r['city_id']}")) for r in rows.to_dict("records")]


def layout(lang: str | None = "en", **_query: object) -> html.Div:
    lang = normalise(lang)
    auth.require_page(__name__)
    cities = data.table("cities")
    summits = data.table("summit_metrics")
    with_data = set(data.table("city_month").get("city_id", []))
    member = data.current_members(cities)
    links = _links(cities[member], with_data)
    former = _links(cities[~member], with_data, lang)  # a city that left: marked, its history kept
    planned = _planned(lang)  # upcoming activities, apart from the held ones
    return html.Div([
        html.H2(t("network", lang)),
        snapshot_notice(lang),
        section(t("kpis", lang), _kpis(lang)),
        section(t("city_pages", lang), html.Ul(links, id="net-cities") if links else unavailable(lang),
                *([html.H4(t("city_pages_former", lang)), html.Ul(former, id="net-former-cities")] if former else [])),
        section(t("summits", lang), frame_table(_summits(summits, cities, lang), "net-summits", lang)
                if len(summits) else unavailable(lang)),
        section(t("lines_by_region", lang), _lines_by_region(lang),
                *([html.H4(t("planned_by_region", lang)), planned] if planned is not None else [])),
        section(t("members", lang), *([dcc.Graph(id="net-member-map", figure=maps.member_figure(cities[member], lang),
                                                 config={"displayModeBar": False}, responsive=False),
                                       html.P(basemap.attribution(t("public_domain", lang)), className="note")]
                                      if {"lat", "lon", "region", "name"} <= set(cities.columns)
                                      else [unavailable(lang)])),
        section(t("exports", lang), _downloads(lang)),
    ])
