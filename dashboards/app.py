"""The Dash app factory: a static shell (header, language switch) whose page is rendered per request for the
signed-in user by one router callback. Pages: /login, /city/<city_id>, / and /network, /health.
Reads only the serving snapshot (dashboards/data.py); access rules live in dashboards/auth.py."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dash
from dash import Input, Output, dcc, html
from flask import Response, abort, request

from dashboards import auth, data, i18n, maps
from dashboards.i18n import t
from dashboards.pages import city, health, login, network

log = logging.getLogger(__name__)
ASSETS = Path(__file__).parent / "assets"


def _nav(user, lang: str) -> list:
    brand = html.Strong(t("app_title", lang), className="brand")
    if user is None:
        return [brand]
    links = [dcc.Link(t("network", lang), href="/network"), dcc.Link(t("health", lang), href="/health")] \
        if user.is_staff else [dcc.Link(t("my_city", lang), href=f"/city/{user.city_id}")]
    info = data.snapshot_info()
    stamp = t("snapshot", lang, date=info.get("data_date"), published=info.get("published_at")) if info \
        else t("no_snapshot", lang)
    return [brand, *links, html.Span(stamp, className="stamp"), html.Span(t("signed_in", lang, user=user.username)),
            html.A(t("logout", lang), href="/logout", id="logout")]


def render(path: str | None, search: str | None, lang: str | None):
    """Router: the page for ``path`` (access checked again here, on top of the request hook)."""
    lang = i18n.normalise(lang)
    path = path or "/"
    user = auth.current_user()
    if path == "/login" or user is None:
        return login.layout(lang, search), _nav(user, lang)
    if path.startswith("/city/"):
        city_id = path.split("/")[2]
        auth.require_city(city_id)
        if city_id not in data.city_ids():
            return html.P(t("not_found", lang)), _nav(user, lang)
        return city.layout(city_id, lang, user), _nav(user, lang)
    if not user.is_staff:
        if path == "/":
            return city.layout(user.city_id or "", lang, user), _nav(user, lang)
        abort(403)
    if path in ("/", "/network"):
        return network.layout(lang), _nav(user, lang)
    if path == "/health":
        return health.layout(lang), _nav(user, lang)
    return html.P(t("not_found", lang)), _nav(user, lang)


def _download(kind: str, fmt: str) -> Response:
    """``/download/<kind>.<fmt>?city=``: staff get any city or all; an official only their city, suppressed."""
    from scn.exports import KINDS, MIME, export_bytes, export_filename

    if kind not in KINDS or fmt not in MIME:
        abort(404)
    user = auth.current_user()
    if user is None:
        abort(401)
    city_id = request.args.get("city") or (None if user.is_staff else user.city_id)
    if not user.can_see(city_id):
        abort(403)
    if city_id is not None and city_id not in data.city_ids():
        abort(404)
    body = export_bytes(kind, fmt, city_id=city_id, audience="staff" if user.is_staff else "official")
    return Response(body, mimetype=MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="{export_filename(kind, fmt, city_id)}"',
        "Cache-Control": "no-store"})


def _geojson(city_id: str, res: int) -> Response:
    """Cell polygons of a city the user may see (the map's ``geojson`` URL)."""
    auth.require_city(city_id)
    if city_id not in data.city_ids() or res not in maps.RESOLUTIONS:
        abort(404)
    return Response(maps.geojson_bytes(data.snapshot_key(), city_id, res), mimetype="application/geo+json",
                    headers={"Cache-Control": "private, max-age=3600"})


def create_app(home: Path | None = None, *, local_staff: bool = False) -> dash.Dash:
    """The Dash app (its Flask server is ``app.server``). ``home`` sets ``$SCN_HOME`` for this process;
    ``local_staff`` gives requests from 127.0.0.1 a staff session while no user exists (``serve`` decides)."""
    if home is not None:
        os.environ["SCN_HOME"] = str(Path(home).resolve())
    app = dash.Dash(__name__, suppress_callback_exceptions=True, title=t("app_title"),
                    assets_folder=str(ASSETS), update_title=None)
    auth.init_auth(app.server, local_staff=local_staff)
    app.server.add_url_rule("/download/<kind>.<fmt>", "scn_download", _download)
    app.server.add_url_rule("/geojson/<city_id>/<int:res>.json", "scn_geojson", _geojson)
    app.layout = html.Div([
        dcc.Location(id="url"),
        html.Header([
            html.Nav(id="nav"),
            dcc.RadioItems(id="lang", options=[{"label": v, "value": k} for k, v in i18n.LANGS.items()],
                           value="en", inline=True, persistence=True, persistence_type="local"),
        ]),
        html.Main(id="page"),
    ], id="shell", dir="ltr", lang="en")

    @app.callback(Output("page", "children"), Output("nav", "children"), Input("url", "pathname"),
                  Input("url", "search"), Input("lang", "value"))
    def _route(path: str | None, search: str | None, lang: str | None):
        return render(path, search, lang)

    app.clientside_callback(  # direction and language of the whole page follow the switch, without a round trip
        "function(lang){return [lang === 'ar' ? 'rtl' : 'ltr', lang || 'en'];}",
        Output("shell", "dir"), Output("shell", "lang"), Input("lang", "value"))
    city.register(app)
    return app


def serve(host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the dashboards with waitress. On 127.0.0.1 with no users yet, local requests get staff access."""
    from waitress import serve as waitress_serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(local_staff=host in ("127.0.0.1", "localhost", "::1"))
    log.info("dashboards on http://%s:%s (snapshot %s)", host, port, data.snapshot_info().get("snapshot_id"))
    waitress_serve(app.server, host=host, port=port, threads=8)
