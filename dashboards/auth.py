"""Log-in and access rules, enforced on the server for every page, callback and download.

Each page declares its rule once, in ``dash.register_page(..., access=...)`` (kept in ``dash.page_registry``):

- ``public``: anyone, signed in or not (the log-in page);
- ``user``: any signed-in user (``redirect_officials`` may send officials elsewhere, e.g. ``/`` to their city);
- ``staff``: staff only, an official gets 403;
- ``city``: the page of the city in its ``city_id`` path variable: staff, or the official of that city (403
  otherwise, 404 for a city the snapshot does not know).

One Flask ``before_request`` hook applies those rules to page paths (resolved exactly as the Dash Pages router
resolves them, query arguments included) and to Dash callback payloads: the page a payload asks the router for
(``_pages_location`` pathname), the page module that registered the callback (its rule applies to its
callbacks; a ``city`` page's callbacks name their city in the ``city-id`` store), and any ``city-id`` value.
Layouts and callbacks check again with :func:`require_page`. Downloads and polygons check the city in their
routes. Sessions are Flask's signed cookies.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from urllib.parse import quote

import dash
import flask
from dash._pages import _parse_query_string, _path_to_page  # the router's own path resolution
from flask import abort, redirect, request, session

from dashboards import data
from scn.access.users import User, get_user, has_users, verify
from scn.settings import paths, settings

log = logging.getLogger(__name__)

ACCESS = ("public", "user", "staff", "city")
LOCAL_USER = User("local", "staff", None)
LOCAL_ADDRS = frozenset({"127.0.0.1", "::1"})
# component ids whose values name a page or a city in a callback payload
URL = "_pages_location"  # the dcc.Location of dash.page_container
CITY_STORE = "city-id"


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
    """The signed-in user; the local staff session when the app allows it and no user exists; else None."""
    name = session.get("user")
    if name:
        return get_user(name)
    if flask.current_app.config.get("SCN_LOCAL_STAFF") and request.remote_addr in LOCAL_ADDRS and not has_users():
        return LOCAL_USER
    return None


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
    """HTTP status of a page's declared rule for a user: 200, 401 (sign in), 403 (not theirs) or 404 (a city
    the snapshot does not know). An undeclared rule is refused."""
    rule = page.get("access")
    if rule not in ACCESS:
        log.error("page %s declares no access rule (one of %s): refused", page.get("module"), ACCESS)
        return 403
    if rule == "public":
        return 200
    if user is None:
        return 401
    if rule == "user":
        return 200
    if rule == "staff":
        return 200 if user.is_staff else 403
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


def _check_callback(app: dash.Dash, user: User | None) -> None:
    """Check a Dash callback payload: the page it routes to, the rule of the page that registered the callback
    and the city it names."""
    body = request.get_json(silent=True) or {}
    values = {(str(i.get("id")), i.get("property")): i.get("value")
              for i in _flat(body.get("inputs", [])) + _flat(body.get("state", [])) if isinstance(i, dict)}
    path, search = values.get((URL, "pathname")), values.get((URL, "search"))
    city = values.get((CITY_STORE, "data"))
    if city is not None and (user is None or not user.can_see(str(city))):
        abort(401 if user is None else 403)
    if path is not None:
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


def _guard(app: dash.Dash):
    path = request.path
    if path == "/_dash-update-component":
        return _check_callback(app, current_user())
    if path.startswith(("/_", "/assets/")) or path == "/logout" or (path == "/login" and request.method == "POST"):
        return None  # Dash's static shell (layout, dependencies, scripts) and the log-in/out routes: no data
    user = current_user()
    if path.startswith(("/download/", "/geojson/")):
        if user is None:
            abort(401)
        return None  # the route checks the city
    page, variables = resolve(path, "?" + request.query_string.decode("latin-1"))
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


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _login():
    user = verify(request.form.get("username", ""), request.form.get("password", ""))
    target = _safe_next(request.form.get("next") or request.args.get("next"))
    if user is None:
        log.warning("failed log-in for %r from %s", request.form.get("username", "")[:64], request.remote_addr)
        return redirect(f"/login?error=1&next={quote(target)}")
    session.clear()
    session["user"] = user.username
    return redirect(target)


def _logout():
    session.clear()
    return redirect("/login")


def init_auth(app: dash.Dash, local_staff: bool = False) -> None:
    """Install the secret key, the log-in/log-out routes and the access hook on the app's Flask server."""
    server = app.server
    server.secret_key = secret_key()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SCN_LOCAL_STAFF=local_staff)
    server.add_url_rule("/login", "scn_login", _login, methods=["POST"])
    server.add_url_rule("/logout", "scn_logout", _logout, methods=["GET", "POST"])
    server.before_request(lambda: _guard(app))
    if local_staff and not has_users():
        log.warning("no dashboard users exist: anyone on this machine (127.0.0.1) gets a staff session. "
                    "Add users with `scn user add` to require log-in.")
