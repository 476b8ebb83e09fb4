"""The Dash app factory, on Dash Pages: a static shell (header, navigation, language switch) around
``dash.page_container``; the pages in ``dashboards/pages/`` (``/login``, ``/``, ``/network``, ``/health``,
``/city/<city_id>``) each declare their layout, callbacks and access rule. Besides the pages the server answers
``/download/<kind>.<fmt>``, ``/geojson/<city_id>/<res>.json`` (cells), ``/geojson/<city_id>/areas.json``
(area outlines), ``POST /login`` and ``POST /logout``.

Reads only the serving snapshot (dashboards/data.py); access rules are enforced by dashboards/auth.py.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from pathlib import Path

import dash
from dash import Input, Output
from dash.exceptions import DependencyException
from flask import Response, abort, request
from werkzeug.exceptions import HTTPException, NotFound

from dashboards import auth, basemap, data, i18n, maps
from dashboards.components import alerts as alert_view
from dashboards.components import library as library_view
from dashboards.components import shell
from dashboards.components import staff as staff_tools
from dashboards.components.profiles import init_profiles
from dashboards.i18n import t
from scn.access.users import has_users
from scn.settings import use

log = logging.getLogger(__name__)
ASSETS = Path(__file__).parent / "assets"
PAGES = Path(__file__).parent / "pages"


def _download(kind: str, fmt: str) -> Response:
    """``/download/<kind>.<fmt>?city=``: as the kind's rule in ``auth.DOWNLOADS`` says (network-wide tables:
    staff only; city tables: staff any city or all, an official only their city, suppressed)."""
    from scn.publish.exports import KINDS, MIME, ExportError, export_bytes, export_filename, network_wide

    user = auth.current_user()
    status = auth.download_status(user, kind, request.args.get("city"))
    if status != 200:
        abort(status)
    if kind not in KINDS or fmt not in MIME:
        abort(404)
    city_id = auth.download_city(user, request.args.get("city"))
    if city_id is not None and city_id not in data.city_ids():
        abort(404)
    if city_id is not None and network_wide(kind):  # staff only (the kind's rule): the network, named as such
        city_id = None
    try:
        body = export_bytes(kind, fmt, city_id=city_id, audience=auth.audience(user))
    except ExportError:  # a city asked of a network-wide table
        abort(400)
    name = export_filename(kind, fmt, city_id, auth.audience(user))
    return Response(body, mimetype=MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})


def _geojson(city_id: str, res: int) -> Response:
    """Cell polygons of a city the user may see (the map's ``geojson`` URL)."""
    auth.require_city(city_id)
    if city_id not in data.city_ids() or res not in maps.RESOLUTIONS:
        abort(404)
    return Response(maps.geojson_bytes(data.snapshot_key(), city_id, res), mimetype="application/geo+json",
                    headers={"Cache-Control": "private, max-age=3600"})


def _area_geojson(city_id: str) -> Response:
    """Area outlines of a city the user may see (the risk map's ``geojson`` URL)."""
    auth.require_city(city_id)
    if city_id not in data.city_ids():
        abort(404)
    return Response(maps.area_geojson_bytes(data.snapshot_key(), city_id), mimetype="application/geo+json",
                    headers={"Cache-Control": "private, max-age=3600"})


ERROR_WORDS = {401: ("forbidden_title", "sign_in_needed"), 403: ("forbidden_title", "forbidden"),
               404: ("not_found_title", "not_found")}


def error_page(error: HTTPException) -> Response:
    """403, 404 (and other HTTP errors) as a small page in the user's language (``auth.page_lang``), right to
    left in Arabic, with a way back; Dash callbacks keep the plain answer."""
    from html import escape

    status = error.code or 500
    if request.path.startswith("/_dash") or error.response is not None:  # a response of its own (429 log-in page)
        return error.get_response()
    lang = auth.page_lang()
    title, message = ERROR_WORDS.get(status, ("error_title", "error_other"))
    body = (f'<!doctype html><html lang="{lang}" dir="{i18n.direction(lang)}"><head><meta charset="utf-8">'
            f'<title>{escape(t(title, lang))}</title><link rel="stylesheet" href="/assets/style.css"></head>'
            f'<body><header><strong class="brand">{escape(t("app_title", lang))}</strong></header>'
            f'<main class="error-page"><h2 id="error-title">{escape(t(title, lang))}</h2>'
            f'<p id="error-message" role="alert">{escape(t(message, lang))}</p>'
            f'<p><a href="/" id="error-home">{escape(t("go_home", lang))}</a> · '
            f'<a href="/glossary">{escape(t("glossary", lang))}</a></p></main></body></html>')
    response = Response(body, status=status, mimetype="text/html", headers={"Cache-Control": "no-store"})
    for name, value in (error.get_headers() or []):
        if name.lower() in ("allow", "retry-after"):
            response.headers[name] = value
    return response


def _no_such_script(_exc: DependencyException) -> Response:
    """A path under ``/_dash-component-suites/`` that Dash did not register (``../``, unknown packages): 404, not a
    500 with every registered script in the log."""
    return error_page(NotFound())


def _glyphs(fontstack: str, start: int, end: int) -> Response:
    """Label glyphs of the maps (``/_basemap/glyphs/<fontstack>/<start>-<end>.pbf``: the app's font whatever the
    stack; public, no data)."""
    return Response(basemap.glyphs(start), mimetype="application/x-protobuf",
                    headers={"Cache-Control": "public, max-age=86400"})


def _tile(z: int, x: int, y: int) -> Response:
    """A raster tile of the operator's ``SCN_BASEMAP_TILES`` file (``/_basemap/tiles/<z>/<x>/<y>``; no data)."""
    found = basemap.tile(z, x, y)
    if found is None:
        return Response(status=204)
    return Response(found[0], mimetype=found[1], headers={"Cache-Control": "public, max-age=86400"})


def _nav(path: str | None, lang: str | None) -> list:
    user = auth.current_user()
    return shell.nav(user, i18n.normalise(lang), auth.csrf_token() if user is not None else "")


def create_app(home: Path | None = None, *, local_staff: bool = False) -> dash.Dash:
    """The Dash app (its Flask server is ``app.server``). ``home`` sets the state root for the rest of this
    process (``scn.settings.use``); ``local_staff`` gives requests from loopback a staff session while no user
    exists (only ``serve(no_auth=True)``, i.e. ``scn serve --no-auth``, asks for it). Pages get the language as
    the ``lang`` keyword (the router re-renders the page when the switch changes)."""
    if home is not None:
        use(home=Path(home).resolve())
    app = dash.Dash("dashboards", use_pages=True, pages_folder=str(PAGES), assets_folder=str(ASSETS),
                    suppress_callback_exceptions=True, title=t("app_title"), update_title=None,
                    routing_callback_inputs={"lang": Input("lang", "value")})
    auth.init_auth(app, local_staff=local_staff)
    app.server.add_url_rule("/download/<kind>.<fmt>", "scn_download", _download)
    app.server.add_url_rule("/geojson/<city_id>/<int:res>.json", "scn_geojson", _geojson)
    app.server.add_url_rule("/alerts", "scn_alert_action", alert_view.post_action, methods=["POST"])  # the inbox
    app.server.add_url_rule("/_basemap/glyphs/<path:fontstack>/<int:start>-<int:end>.pbf", "scn_glyphs", _glyphs)
    app.server.add_url_rule("/_basemap/tiles/<int:z>/<int:x>/<int:y>", "scn_tiles", _tile)
    app.server.add_url_rule("/geojson/<city_id>/areas.json", "scn_area_geojson", _area_geojson)
    staff_tools.init_staff(app.server)  # issue 22: upload, users, one-time password links (components/staff.py)
    init_profiles(app.server)  # the city profiles' edit post and registry check (issue 22)
    library_view.init_library(app.server)  # /library/file/<id>, POST /library/upload (issue 22)
    app.server.register_error_handler(HTTPException, error_page)
    app.server.register_error_handler(DependencyException, _no_such_script)
    app.layout = shell.layout()
    app.callback(Output("nav", "children"), Input(auth.URL, "pathname"), Input("lang", "value"))(_nav)
    titles = json.dumps({k: t("app_title", k) for k in i18n.LANGS})
    app.clientside_callback(  # direction, language, title (and the error pages' language cookie) follow the switch
        "function(lang){lang = lang || 'en'; window.scnTitle = (" + titles + ")[lang];"
        "document.title = window.scnTitle || document.title;"
        "document.cookie = '" + auth.LANG_COOKIE + "=' + lang + ';path=/;SameSite=Lax;max-age=31536000';"
        "document.documentElement.lang = lang; document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';"
        "return [lang === 'ar' ? 'rtl' : 'ltr', lang];}",
        Output("shell", "dir"), Output("shell", "lang"), Input("lang", "value"))
    return app


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1) or ``localhost``."""
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8050, *, no_auth: bool = False) -> None:
    """Serve the dashboards with waitress; every page needs a log-in (users: ``scn user add``). ``no_auth``
    (``scn serve --no-auth``, refused unless ``host`` is loopback): while no user exists, requests from loopback
    get a staff session."""
    from waitress import serve as waitress_serve

    if no_auth and not is_loopback(host):
        raise ValueError(f"--no-auth only on a loopback address (127.0.0.1, ::1, localhost), not {host!r}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(local_staff=no_auth)
    if not has_users() and not no_auth:
        log.warning("no dashboard user exists yet: nobody can sign in. Create the first one with "
                    "`echo 'a long password' | scn user add NAME --role staff`")
    log.info("dashboards on http://%s:%s (snapshot %s)", host, port, data.snapshot_info().get("snapshot_id"))
    waitress_serve(app.server, host=host, port=port, threads=8)
