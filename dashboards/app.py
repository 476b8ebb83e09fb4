"""Dash app: a city page (H3 map of cells, speech vs crime series, correlation in plain language) and a network
page (headline programme figures, summits). Reads only the serving snapshot (dashboards/data.py)."""

from __future__ import annotations

from functools import lru_cache

import dash
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from dash import Input, Output, dcc, html
from flask import abort

from dashboards.data import snapshot_info, table
from geo.h3index import cells_geojson
from scn.config import suppress_below

METRICS = {"flagged_posts": "Flagged (hateful) posts", "posts": "All posts", "hate_crimes": "Hate crimes",
           "crimes": "All crimes"}


def _known_city(city_id: str) -> bool:
    cities = table("cities")
    return not cities.empty and city_id in set(cities["city_id"])


@lru_cache(maxsize=32)
def _city_geojson(snapshot_id: str, city_id: str, cells: tuple[str, ...]) -> dict:
    """Cell polygons of one city, computed once per snapshot."""
    return cells_geojson(list(cells))


def cell_map(city_id: str, metric: str, period: str | None) -> go.Figure:
    """Choropleth of H3 cells for one city, offline base style (no token, no tile server)."""
    cm = table("cell_month", city_id)
    if cm.empty:
        return go.Figure()
    if period:
        cm = cm[cm["period"] == period]
    agg = cm.groupby("cell", as_index=False)[metric].sum()
    city = table("cities", city_id)
    center = {"lat": float(city["lat"].iloc[0]), "lon": float(city["lon"].iloc[0])} if len(city) else None
    geojson = _city_geojson(snapshot_info().get("snapshot_id", ""), city_id, tuple(sorted(agg["cell"])))
    fig = px.choropleth_map(agg, geojson=geojson, locations="cell", color=metric,
                            color_continuous_scale="OrRd", map_style="white-bg", center=center, zoom=10,
                            opacity=0.75, labels={metric: METRICS[metric]})
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=480)
    return fig


def series_figure(city_id: str) -> go.Figure:
    monthly = table("city_month", city_id)
    if monthly.empty:
        return go.Figure()
    monthly = monthly.sort_values("period")
    fig = go.Figure()
    fig.add_scatter(x=monthly["period"], y=monthly["flagged_posts"], name="Flagged posts", mode="lines+markers")
    fig.add_scatter(x=monthly["period"], y=monthly["hate_crimes"], name="Hate crimes", mode="lines+markers",
                    yaxis="y2")
    fig.update_layout(yaxis={"title": "flagged posts"}, yaxis2={"title": "hate crimes", "overlaying": "y",
                                                                   "side": "right"},
                      margin={"l": 40, "r": 40, "t": 20, "b": 40}, height=320, legend={"orientation": "h"})
    return fig


def correlation_sentence(city_id: str) -> str:
    """The NB rate ratio in plain language, with its uncertainty and size."""
    corr = table("correlations", city_id)
    nb = corr[corr["analysis"] == "nb_irr"] if len(corr) else corr
    if nb.empty or pd.isna(nb["estimate"].iloc[0]):
        return "Not enough data yet to estimate how hate crime moves with online hate speech in this city."
    r = nb.iloc[0]
    detail = pd.read_json(pd.io.common.StringIO(r["detail"]), typ="series") if isinstance(r["detail"], str) else {}
    direction = "more" if r["estimate"] > 1 else "fewer"
    significant = r["ci_low"] > 1 or r["ci_high"] < 1
    return (f"Months with more hateful posts in a neighbourhood were followed by {direction} hate crimes there: "
            f"rate ratio {r['estimate']:.2f} per flagged post, 95% CI {r['ci_low']:.2f}–{r['ci_high']:.2f}, "
            f"{int(detail.get('n_periods', 0))} months, {int(detail.get('n_cells', 0))} neighbourhood cells, "
            f"{int(r['n'])} cell-months. " + ("" if significant else "The interval includes 1: no clear link. ")
            + "This is a correlation, not proof that one causes the other.")


def city_layout(city_id: str) -> html.Div:
    cm = table("cell_month", city_id)
    periods = sorted(cm["period"].unique()) if len(cm) else []
    city = table("cities", city_id)
    name = city["name"].iloc[0] if len(city) else city_id
    return html.Div([
        html.H2(name, id="city-title"),
        dcc.Store(id="city-id", data=city_id),
        html.Div([
            dcc.Dropdown(id="metric", options=[{"label": v, "value": k} for k, v in METRICS.items()],
                         value="flagged_posts", clearable=False, style={"width": "260px"}),
            dcc.Dropdown(id="period", options=[{"label": "All months", "value": ""}] +
                         [{"label": p, "value": p} for p in periods], value="", clearable=False,
                         style={"width": "180px"}),
        ], style={"display": "flex", "gap": "12px"}),
        dcc.Graph(id="cell-map", config={"displayModeBar": False}),
        html.P(correlation_sentence(city_id), id="correlation-text"),
        dcc.Graph(id="series", figure=series_figure(city_id)),
        html.P(f"Counts below {suppress_below()} are suppressed in exports for officials. No post text or "
               "personal data is shown.", className="note"),
    ])


def network_layout() -> html.Div:
    kpis = table("network_kpis")
    summits = table("summit_metrics")
    cities = table("cities")
    member_map = go.Figure()
    if len(cities):
        member_map = px.scatter_map(cities, lat="lat", lon="lon", hover_name="name", color="region",
                                    map_style="white-bg", zoom=0.6, height=420)
        member_map.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return html.Div([
        html.H2("Strong Cities Network"),
        html.Ul([html.Li(s) for s in kpis["statement"].tolist()], id="kpis") if len(kpis) else html.P("No KPIs yet."),
        html.H3("Global summits"),
        dash.dash_table.DataTable(summits.to_dict("records"), id="summits") if len(summits) else html.P("None yet."),
        html.H3("Exports"),
        html.Table([html.Tr([html.Td(kind)] + [html.Td(html.A(fmt.upper(), href=f"/download/{kind}.{fmt}",
                                                               id=f"dl-{kind}-{fmt}"))
                                               for fmt in ("csv", "xlsx", "parquet")])
                    for kind in ("network-kpis", "programme-metrics", "summit-metrics", "survey-indices")],
                   id="exports"),
        html.H3("Member cities"),
        dcc.Graph(id="member-map", figure=member_map),
        html.H3("City pages"),
        html.Ul([html.Li(dcc.Link(n, href=f"/city/{c}")) for c, n in
                 zip(cities.get("city_id", []), cities.get("name", []), strict=False)
                 if c in set(table("city_month").get("city_id", []))]),
    ])


def create_app() -> dash.Dash:
    """The Dash app (its Flask server is ``app.server``)."""
    app = dash.Dash(__name__, suppress_callback_exceptions=True, title="Strong Cities data platform")
    app.layout = html.Div([
        dcc.Location(id="url"),
        html.Header([dcc.Link("Network", href="/"), html.Span(" · "),
                     html.Span(id="snapshot-info")]),
        html.Main(id="page"),
    ], style={"fontFamily": "sans-serif", "margin": "16px"})

    @app.server.before_request
    def _unknown_city_is_404():
        from flask import request

        if request.path.startswith("/city/") and not _known_city(request.path.split("/")[2]):
            abort(404)

    @app.server.route("/download/<kind>.<fmt>")
    def download(kind: str, fmt: str):
        from flask import Response, request

        from scn.exports import KINDS, MIME, export_bytes, export_filename

        city = request.args.get("city") or None
        if kind not in KINDS or fmt not in MIME:
            abort(404)
        if city is not None and not _known_city(city):
            abort(404)
        body = export_bytes(kind, fmt, city_id=city, audience="staff")
        return Response(body, mimetype=MIME[fmt], headers={
            "Content-Disposition": f'attachment; filename="{export_filename(kind, fmt, city)}"'})

    @app.callback(Output("page", "children"), Output("snapshot-info", "children"), Input("url", "pathname"))
    def route(path: str | None):
        info = snapshot_info()
        stamp = f"data to {info.get('data_date')}, published {info.get('published_at')}" if info else \
            "nothing published yet: run `scn run`"
        if path and path.startswith("/city/"):
            return city_layout(path.split("/")[2]), stamp
        return network_layout(), stamp

    @app.callback(Output("cell-map", "figure"), Input("city-id", "data"), Input("metric", "value"),
                  Input("period", "value"))
    def update_map(city_id: str, metric: str, period: str):
        return cell_map(city_id, metric, period or None)

    return app


def serve(host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the dashboards (waitress-free: Flask's threaded server is enough for a city hall)."""
    create_app().run(host=host, port=port, debug=False)
