"""Log-in, sessions and access rules, enforced on the server for every page, callback and download.

Each page declares its rule once, in ``dash.register_page(..., access=...)`` (kept in ``dash.page_registry``);
each download kind declares its rule once, in :data:`DOWNLOADS`:

- ``public``: anyone, signed in or not (the log-in page);
- ``user``: any signed-in user (``redirect_officials`` may send officials elsewhere, e.g. ``/`` to their city);
- ``staff``: staff only, an official gets 403 (the network page; downloads of network-wide tables);
- ``review``: staff or a reviewer, others get 403 (the review page: a reviewer gets their city's sample with its
  raw text, staff the figures without text; scn.review);
- ``city``: the page (or download) of one city, named by the ``city_id`` path variable (``?city=`` for a
  download, the official's own city by default): staff, or the official of that city (403 otherwise, 404 for a
  city the snapshot does not know).

One Flask ``before_request`` hook applies those rules to page paths (resolved exactly as the Dash Pages router
resolves them, query arguments included), to downloads and polygons, and to Dash callback payloads: the page a
payload asks the router for (``_pages_location`` pathname), the page module that registered the callback (its
rule applies to its callbacks; a ``city`` page's callbacks name their city in the ``city-id`` store), and any
``city-id`` value. A malformed callback payload is answered 400 before Dash sees it. Layouts, callbacks and
routes check again with :func:`require_page` / :func:`download_status`.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure with ``SCN_COOKIE_SECURE``) naming the user
and the user's *session version* (scn.access.users) and log-in time (a session ends ``SCN_SESSION_HOURS`` after
it): log-out, a new password, an updated or removed user, a change of role or city
draw a new version, which ends every older session of that user. Log-in needs a user (no anonymous staff
session, unless ``scn serve --no-auth`` on loopback while no user exists). The log-in and log-out forms carry a
flask-wtf CSRF token; failed log-ins are throttled per client address, per user name and client (a browser the
user signed in from before, by its device cookie, else the address) and per user name over every client without
that user's device cookie at a higher bound (flask-limiter, in-memory: one serving process): a guesser elsewhere
does not lock the user out of their own browser. Every response carries anti-framing, CSP, nosniff and referrer headers.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from html import escape
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import dash
import flask
from dash._pages import _parse_query_string, _path_to_page  # the router's own path resolution
from flask import Response, abort, g, redirect, request, session
from flask_limiter import Limiter, RequestLimit
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboards import basemap, data, i18n
from dashboards.i18n import t
from scn.access.users import (
    MAX_PASSWORD,
    User,
    end_sessions,
    has_users,
    session_user,
    session_version,
    verify,
)
from scn.publish.catalog import KINDS as EXPORT_KINDS
from scn.settings import paths, settings

log = logging.getLogger(__name__)

ACCESS = ("public", "user", "staff", "review", "city")
LOCAL_USER = User("local", "staff", None)
LOCAL_ADDRS = frozenset({"127.0.0.1", "::1"})
# headers a reverse proxy adds: a request forwarded from elsewhere also arrives from loopback
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")
# component ids whose values name a page or a city in a callback payload
URL = "_pages_location"  # the dcc.Location of dash.page_container
ROUTER_OUTPUT = "_pages_content.children"  # the router callback's output (dash.page_container): the page itself
CITY_STORE = "city-id"
CALLBACK_PATH = "/_dash-update-component"
# the largest callback body read (the pages' own are a few kB; the review page's labels of a sample well under
# 1 MB): larger is refused (413) before it is read or parsed, as the forms are by Flask's MAX_FORM_MEMORY_SIZE
CALLBACK_MAX_BYTES = 2 << 20

# the access rule of each export kind (scn.publish.catalog): tables of the whole network are staff-only, the
# tables of cities are city-scoped. A kind the catalog adds without a rule here is refused.
DOWNLOADS: dict[str, str] = {
    "network-kpis": "staff",
    "summit-metrics": "staff",
    "programme-metrics": "city",
    "survey-indices": "city",
    "cells": "city",
    "correlations": "city",
    "target-groups": "city",
}

# Headers of every response; the CSP of HTML pages allows the app's own scripts and Dash's inline scripts by
# hash (no 'unsafe-inline' or 'unsafe-eval' for scripts), inline styles (React and Plotly set them), blob:
# workers (the MapLibre maps) and no framing at all.
SECURITY_HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin"}
PAGE_CSP = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:{tiles}; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
            "child-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'")
OTHER_CSP = "default-src 'none'; frame-ancestors 'none'"
CROSS_SITE_OK = frozenset({"same-origin", "none"})  # Sec-Fetch-Site values a POST may come with


def secret_key() -> str:
    """``settings().secret_key`` (``SCN_SECRET_KEY``) or ``secrets/flask.key`` (generated, 0600, on first use)."""
    configured = settings().secret_key
    if configured:
        return configured
    key_file: Path = paths().secrets / "flask.key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = key_file.with_name(f".flask.key.{secrets.token_hex(6)}.tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            key_file.hardlink_to(tmp)  # create-if-absent: two workers starting together agree on one key
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return key_file.read_text().strip()


def current_user() -> User | None:
    """The signed-in user while the session's version is the user's current one; the local staff user when the
    app was started with ``--no-auth`` (loopback only) and no user exists, for a request that no proxy forwarded
    (a reverse proxy on the same host makes every request come from loopback); else None."""
    user = session_user(session.get("user"), session.get("sv")) if _session_fresh() else None
    if user is not None:
        return user
    if flask.current_app.config.get("SCN_LOCAL_STAFF") and request.remote_addr in LOCAL_ADDRS \
            and not any(h in request.headers for h in PROXY_HEADERS) and not has_users():
        return LOCAL_USER
    return None


def _session_fresh() -> bool:
    """Whether the session's log-in (``at``, signed with the cookie) was less than ``SCN_SESSION_HOURS`` ago."""
    at = session.get("at")
    return isinstance(at, int | float) and 0 <= time.time() - at < settings().session_hours * 3600


def csrf_token() -> str:
    """The CSRF token the log-in and log-out forms carry (kept in the session)."""
    return generate_csrf()


def audience(user: User | None) -> str:
    """The ``scn.privacy.disclosure`` audience of a user: ``staff`` or ``official``."""
    return "staff" if user is not None and user.is_staff else "official"


def require_city(city_id: str | None) -> User:
    """Abort with 401/403 unless the signed-in user may see ``city_id``."""
    user = current_user()
    if user is None:
        abort(401)
    if not user.can_see(city_id):
        abort(403)
    return user


def resolve(path: str, search: str | None = "") -> tuple[dict | None, dict]:
    """The registered page of ``path`` and the keyword arguments its layout gets (path variables, then query
    arguments, as the Dash Pages router merges them); (None, {}) for no page."""
    page, variables = _path_to_page(path.strip("/"))
    if not page:
        return None, {}
    return page, {**(variables or {}), **_parse_query_string(search or "")}


def decide(user: User | None, page: dict, variables: dict | None = None) -> int:
    """HTTP status of a page's (or download's) declared rule for a user: 200, 401 (sign in), 403 (not theirs)
    or 404 (a city the snapshot does not know). An undeclared rule is refused."""
    rule = page.get("access")
    if rule not in ACCESS:
        log.error("%s declares no access rule (one of %s): refused", page.get("module"), ACCESS)
        return 403
    if rule == "public":
        return 200
    if user is None:
        return 401
    if rule == "user":
        return 200
    if rule == "staff":
        return 200 if user.is_staff else 403
    if rule == "review":
        return 200 if user.is_staff or user.is_reviewer else 403
    city = (variables or {}).get("city_id")
    if not isinstance(city, str) or city not in data.city_ids():
        return 404
    return 200 if user.can_see(city) else 403


def page_status(user: User | None, path: str, search: str | None = "") -> int:
    """HTTP status of the page at ``path`` (with its query) for a user; 404 when no page has that path."""
    page, variables = resolve(path, search)
    return 404 if page is None else decide(user, page, variables)


def require_page(module: str, **variables: object) -> User | None:
    """In a layout or callback of page ``module``: abort with 401/403 unless its declared rule lets the signed-in
    user in with these variables (a city unknown to the snapshot is left to the page). Returns the user."""
    user = current_user()
    status = decide(user, dash.page_registry[module], variables)
    if status in (401, 403):
        abort(status)
    return user


def download_city(user: User | None, city: str | None) -> str | None:
    """The city a download is for: ``?city=``, else the official's own city, else None (staff: every city)."""
    return city or (user.city_id if user is not None and not user.is_staff else None)


def download_status(user: User | None, kind: str, city: str | None) -> int:
    """HTTP status of ``/download/<kind>.<fmt>[?city=]`` for a user, from the kind's rule in :data:`DOWNLOADS`
    (decided as a page with that rule is): 404 for a kind the catalog does not have."""
    if kind not in EXPORT_KINDS:
        return 404 if user is not None else 401
    rule = DOWNLOADS.get(kind)
    city = download_city(user, city)
    if rule == "city" and city is None and user is not None and user.is_staff:
        return 200  # staff: every city at once
    return decide(user, {"access": rule, "module": f"download {kind}"}, {"city_id": city})


def callback_page(app: dash.Dash, output: object) -> dict | None:
    """The registered page whose module registered the callback of ``output`` (None for app-level callbacks)."""
    cb = app.callback_map.get(output) if isinstance(output, str) else None
    module = getattr(cb.get("callback"), "__module__", None) if cb else None
    return dash.page_registry.get(module) if module else None


def _flat(items: list) -> list[dict]:
    out: list[dict] = []
    for item in items or []:
        out.extend(_flat(item) if isinstance(item, list) else [item])
    return out


# ---------------------------------------------------------------------------------------- callback payloads
def _dependency(item: object) -> bool:
    """An input, state or output of a payload: ``{"id": str | dict, "property": str, ...}``."""
    return (isinstance(item, dict) and isinstance(item.get("property"), str)
            and isinstance(item.get("id"), str | dict) and bool(item.get("id")))


def _dependencies(items: object, expected: int | None) -> bool:
    """A list of dependencies (a pattern-matching one is a list of them), ``expected`` long when given."""
    if not isinstance(items, list) or (expected is not None and len(items) != expected):
        return False
    return all(_dependency(i) or (isinstance(i, list) and all(_dependency(j) for j in i)) for i in items)


WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])  # a pattern-matching id's wildcards, as the callback map writes them


def _declared(declared: dict, sent: object) -> bool:
    """Whether ``sent`` (one payload item, or the list a pattern-matching one is) is the dependency ``declared``
    (``{"id", "property"}`` of the callback map): Dash passes values by position and never compares the ids, so
    an id the hook reads must be the one the callback gets. A pattern's items have its keys, and its values where
    they are not wildcards."""
    did, prop = declared.get("id"), declared.get("property")
    pattern = json.loads(did) if isinstance(did, str) and did.startswith("{") else None
    if pattern is None or (isinstance(sent, dict) and sent.get("id") == did):  # a pattern's id as declared too
        return isinstance(sent, dict) and sent.get("id") == did and sent.get("property") == prop
    items = sent if isinstance(sent, list) else [sent]
    return all(isinstance(i, dict) and i.get("property") == prop and isinstance(i.get("id"), dict)
               and set(i["id"]) == set(pattern)
               and all(v in WILDCARDS or i["id"][k] == v for k, v in pattern.items()) for i in items)


def _as_declared(items: object, declared: list) -> bool:
    return isinstance(items, list) and len(items) == len(declared) and all(
        _declared(d, i) for d, i in zip(declared, items, strict=True))


def callback_body(app: dash.Dash) -> dict:
    """The JSON body of a callback request, or abort 400 when it is not one Dash can run: not JSON, not an
    object, an unknown ``output``, inputs/state/outputs that are not lists of ``{id, property}`` (as many as
    the callback declares), inputs and state that are not the callback's own (ids and properties, in its order:
    ``_declared``) or ``changedPropIds`` that are not strings."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        abort(400, description="a callback request is a JSON object")
    output = body.get("output")
    cb = app.callback_map.get(output) if isinstance(output, str) else None
    if cb is None:
        abort(400, description="unknown callback output")
    outputs = body.get("outputs", [])
    changed = body.get("changedPropIds", [])
    ok = (_dependencies(body.get("inputs"), len(cb.get("inputs", [])))
          and _dependencies(body.get("state", []), len(cb.get("state", [])))
          and (_dependency(outputs) or _dependencies(outputs, None))
          and isinstance(changed, list) and all(isinstance(c, str) for c in changed)
          and _as_declared(body.get("inputs"), cb.get("inputs", []))
          and _as_declared(body.get("state", []), cb.get("state", [])))
    if not ok:
        abort(400, description="malformed callback payload")
    return body


def _check_callback(app: dash.Dash, user: User | None, body: dict) -> None:
    """Check a Dash callback payload: the page it routes to, the rule of the page that registered the callback
    and the city it names."""
    values = {(str(i.get("id")), i.get("property")): i.get("value")
              for i in _flat(body.get("inputs", [])) + _flat(body.get("state", [])) if isinstance(i, dict)}
    path, search = values.get((URL, "pathname")), values.get((URL, "search"))
    city = values.get((CITY_STORE, "data"))
    if city is not None and (user is None or not user.can_see(str(city))):
        abort(401 if user is None else 403)
    if path is not None:
        if ROUTER_OUTPUT in str(body.get("output")):  # the router renders a throttled page: counted as a visit
            throttle(resolve(str(path))[0])
        status = page_status(user, str(path), search if isinstance(search, str) else "")
        if status in (401, 403):
            abort(status)
    owner = callback_page(app, body.get("output"))
    if owner is not None:
        status = decide(user, owner, {"city_id": city} if city is not None else {})
        if status != 200:
            abort(status)
    elif path is None and user is None:
        abort(401)  # an app-level callback that is not about a public page


# ---------------------------------------------------------------------------------------- the request hook
# Flask endpoints (not pages) that declare their rule here, as a function of the signed-in user (None: signed
# out) giving the HTTP status, applied by the hook like a download's rule and checked again by the route
ROUTE_RULES: dict[str, Callable[[User | None], int]] = {}


def _guard(app: dash.Dash):
    path = request.path
    if request.method == "POST" and request.headers.get("Sec-Fetch-Site", "same-origin") not in CROSS_SITE_OK:
        abort(403)  # a browser says this POST comes from another site
    if path == CALLBACK_PATH and request.method == "POST":
        if (request.content_length or 0) > CALLBACK_MAX_BYTES:
            abort(413)
        request.max_content_length = CALLBACK_MAX_BYTES  # a body without a length stops being read there (413)
        return _check_callback(app, current_user(), callback_body(app))
    if path.startswith(("/_", "/assets/")) or request.endpoint in ("scn_login", "scn_logout", "scn_logout_get"):
        return None  # Dash's static shell (layout, dependencies, scripts) and the log-in/out routes: no data
    user = current_user()
    if request.endpoint in ROUTE_RULES:  # routes that declare their own rule (the library's files and upload)
        status = ROUTE_RULES[request.endpoint](user)
        if status != 200:
            abort(status)
        return None
    if request.endpoint in ("scn_download", "scn_geojson", "scn_area_geojson"):
        args = request.view_args or {}
        status = download_status(user, str(args.get("kind")), request.args.get("city")) \
            if request.endpoint == "scn_download" else \
            decide(user, {"access": "city", "module": "geojson"}, {"city_id": args.get("city_id")})
        if status != 200:
            abort(status)
        return None
    if path.startswith(("/download/", "/geojson/")):
        abort(401 if user is None else 404)
    if request.method == "GET" and "csrf_token" not in session:
        generate_csrf()  # one token per session, before the page's callbacks run in parallel
    page, variables = resolve(path, "?" + request.query_string.decode("latin-1"))
    throttle(page)  # its own routes and any spelling of its path (``/reset/<token>/``)
    if page is not None and page.get("access") == "public":
        return None
    if user is None:
        return redirect(f"/login?next={quote(path)}")
    target = page.get("redirect_officials") if page else None
    if target and not user.is_staff:
        return redirect(target.format(city_id=quote(user.city_id or "")))
    status = 404 if page is None else decide(user, page, variables)
    if status != 200:
        abort(status)
    return None


def _headers(app: dash.Dash, response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = PAGE_CSP.format(hashes=" ".join(app.csp_hashes()),
                                                                      tiles=basemap.tile_origin())
    elif "javascript" not in response.mimetype and response.mimetype != "text/css":
        response.headers.setdefault("Content-Security-Policy", OTHER_CSP)
    return response


# ---------------------------------------------------------------------------------------- log-in and log-out
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def safe_next(target: object) -> str:
    """Where to go after log-in: ``target`` when it is a path on this site, else ``/``.

    Browsers drop tabs and line breaks and read ``\\`` as ``/``, so ``/\\t/evil.example`` or ``/\\evil.example``
    lead off-site: a target is kept only when it is printable ASCII without spaces or backslashes, starts with
    one ``/`` (not ``//``), has no scheme or host, and stays so once percent-decoded (up to three times)."""
    if not isinstance(target, str) or not target or len(target) > 2048:
        return "/"
    candidate = target
    for _ in range(4):
        if (not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate
                or _CONTROL.search(candidate) or not candidate.isascii()
                or any(unicodedata.category(c).startswith(("C", "Z")) for c in candidate)):
            return "/"
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return "/"
        decoded = unquote(candidate)
        if decoded == candidate:
            return target
        candidate = decoded
    return "/"


LANG_COOKIE = "scn_lang"  # the language switch's choice, for pages the server writes (errors, log-in messages)


def page_lang() -> str:
    """The language of a page the server writes: the form's or query's ``lang``, the switch's cookie, else the
    browser's preference, else English."""
    lang = request.form.get("lang") or request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if lang in i18n.LANGS:
        return str(lang)
    return request.accept_languages.best_match(list(i18n.LANGS)) or "en"


_lang = page_lang


def _message(status: int, key: str, target: str = "/", **fmt: object) -> Response:
    """A small page in the form's language: the message and a link back to the log-in page."""
    lang = _lang()
    back = f"/login?next={quote(target)}" if target != "/" else "/login"
    body = (f'<!doctype html><html lang="{lang}" dir="{i18n.direction(lang)}"><head><meta charset="utf-8">'
            f'<title>{escape(t("login", lang), quote=False)}</title>'
            '<link rel="stylesheet" href="/assets/style.css"></head><body><main class="login">'
            f'<p id="login-message" role="alert">{escape(t(key, lang, **fmt), quote=False)}</p>'
            f'<p><a href="{escape(back)}">{escape(t("back_to_login", lang), quote=False)}</a></p>'
            '</main></body></html>')
    return Response(body, status=status, mimetype="text/html", headers={"Cache-Control": "no-store"})


THROTTLE_SCOPE = "page-client"


def throttle(page: dict | None) -> None:
    """Count this request against ``SCN_LOGIN_LIMIT_CLIENT`` per client address when it reaches a page that
    declares ``throttle`` (the key of its 429 message: the one-time password page, whose link is the
    credential), whatever reached it: its routes, another spelling of its path, the router's callback. One
    budget per client for all of them; past it, 429 with ``Retry-After``."""
    message = page.get("throttle") if page else None
    if not message:
        return
    strategy = next(iter(flask.current_app.extensions["limiter"])).limiter
    client = _client_key()
    for item in parse_many(settings().login_limit_client):
        if not strategy.hit(item, client, THROTTLE_SCOPE):
            seconds = max(1, math.ceil(strategy.get_window_stats(item, client, THROTTLE_SCOPE).reset_time
                                       - time.time()))
            log.warning("%s throttled (%s) from %s", page.get("module"), item, request.remote_addr)
            response = _message(429, str(message), minutes=math.ceil(seconds / 60))
            response.headers["Retry-After"] = str(seconds)
            abort(response)


def _throttled(limit: RequestLimit) -> Response:
    seconds = max(1, limit.reset_at - int(time.time()))
    log.warning("log-in throttled (%s) from %s", limit.limit, request.remote_addr)
    response = _message(429, "login_throttled", safe_next(request.form.get("next")),
                        minutes=math.ceil(seconds / 60))
    response.headers["Retry-After"] = str(seconds)
    return response


def _csrf_ok() -> bool:
    try:
        flask.current_app.extensions["csrf"].protect()
    except CSRFError as exc:
        log.warning("%s refused from %s: %s", request.path, request.remote_addr, exc.description)
        return False
    return True


def _login():
    target = safe_next(request.form.get("next") or request.args.get("next"))
    if not _csrf_ok():
        return _message(400, "login_expired", target)
    username = request.form.get("username", "")[:64]
    password = request.form.get("password", "")[:MAX_PASSWORD + 1]  # longer cannot be a password: refused
    user = verify(username, password)
    version = session_version(user.username) if user is not None else None
    if user is None or version is None:
        g.scn_login_failed = True  # counted by the throttles
        log.warning("failed log-in for %r from %s", username, request.remote_addr)
        return redirect(f"/login?error=1&next={quote(target)}")
    session.clear()
    session["user"], session["sv"], session["at"] = user.username, version, int(time.time())
    generate_csrf()  # a new token for the signed-in session (the log-out form)
    response = redirect(target)
    device = _device() if _device_user() == _username() else None
    response.set_cookie(DEVICE_COOKIE, _devices().dumps({"u": _username(), "d": device or secrets.token_hex(16)}),
                        max_age=DEVICE_DAYS * 86400, path="/login", httponly=True, samesite="Lax",
                        secure=settings().cookie_secure)
    return response


def _logout():
    if not _csrf_ok():
        return _message(400, "login_expired")
    user = session_user(session.get("user"), session.get("sv")) if _session_fresh() else None
    if user is not None:
        end_sessions(user.username)  # this and every other session of the user end
    session.clear()
    return redirect("/login", code=303)


def _logout_get():
    abort(405, valid_methods=["POST"])


# a browser a user signed in from: a signed cookie naming the user and a random device id, sent to /login only;
# failed log-ins for that user from it count per device, apart from the guessers' (OWASP's device cookies)
DEVICE_COOKIE = "scn_device"
DEVICE_DAYS = 90


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(flask.current_app.secret_key, salt="scn-login-device")


def _device_payload() -> dict:
    raw = request.cookies.get(DEVICE_COOKIE)
    try:
        value = _devices().loads(raw, max_age=DEVICE_DAYS * 86400) if raw else None
    except BadSignature:
        return {}
    return value if isinstance(value, dict) and isinstance(value.get("u"), str) and \
        isinstance(value.get("d"), str) else {}


def _device_user() -> str | None:
    """The user a valid device cookie of this request names (None: none, or forged, or expired)."""
    return _device_payload().get("u")


def _device() -> str | None:
    return _device_payload().get("d")


def _username() -> str:
    return request.form.get("username", "").strip().lower()[:64]


def _user_key() -> str:
    return "user:" + _username()


def _user_client_key() -> str:
    """The user name and the client: the device of a browser that user signed in from, else the address."""
    if _device_user() == _username():
        return f"{_user_key()}|device:{_device()}"
    return f"{_user_key()}|{_client_key()}"


def _known_device() -> bool:
    return _device_user() == _username()


def _client_key() -> str:
    return "client:" + (request.remote_addr or "unknown")


def _failed(_response: Response) -> bool:
    return bool(g.get("scn_login_failed"))


def init_auth(app: dash.Dash, local_staff: bool = False) -> None:
    """Install the secret key, cookie settings, CSRF protection, the throttled log-in and POST-only log-out
    routes, the access hook and the security headers on the app's Flask server (behind ``SCN_TRUSTED_PROXIES``
    reverse proxies, the client address is the one they forward). ``local_staff`` (``scn serve
    --no-auth``): requests from loopback get a staff session while no user exists."""
    server = app.server
    server.secret_key = secret_key()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=settings().cookie_secure, SCN_LOCAL_STAFF=local_staff,
                         WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None)
    CSRFProtect(server)  # checked by the log-in and log-out routes; callbacks: see docs/dashboards.md
    for limit in (settings().login_limit_user, settings().login_limit_user_all, settings().login_limit_client):
        parse_many(limit)  # a bad SCN_LOGIN_LIMIT_* fails here, not at the first log-in
    proxies = settings().trusted_proxies
    if proxies:  # the client is whom the trusted proxies name, not the last proxy (every client's address)
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    limiter = Limiter(_client_key, app=server, storage_uri="memory://", strategy="moving-window")
    login = limiter.limit(lambda: settings().login_limit_user, key_func=_user_client_key, deduct_when=_failed,
                          on_breach=_throttled, scope="login-user")(_login)
    login = limiter.limit(lambda: settings().login_limit_user_all, key_func=_user_key, deduct_when=_failed,
                          exempt_when=_known_device, on_breach=_throttled, scope="login-user-all")(login)
    login = limiter.limit(lambda: settings().login_limit_client, key_func=_client_key, deduct_when=_failed,
                          on_breach=_throttled, scope="login-client")(login)
    server.add_url_rule("/login", "scn_login", login, methods=["POST"])
    server.add_url_rule("/logout", "scn_logout", _logout, methods=["POST"])
    server.add_url_rule("/logout", "scn_logout_get", _logout_get, methods=["GET"])
    server.before_request(lambda: _guard(app))
    server.after_request(lambda response: _headers(app, response))
    if local_staff:
        log.warning("--no-auth: while no user exists, anyone reaching this server from loopback (127.0.0.1, "
                    "including a reverse proxy on this machine) gets a staff session")
