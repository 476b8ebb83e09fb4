"""Log-in and access rules, enforced on the server for every page, callback and download.

Staff see every city; an official sees only their own city. One Flask ``before_request`` hook checks page
paths, Dash callback payloads (the ``city-id`` store, the ``url`` pathname, staff-only outputs) and downloads;
callbacks check again with :func:`require_city` / :func:`require_staff`. Sessions are Flask's signed cookies.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import quote

import flask
from flask import abort, redirect, request, session

from dashboards import data
from scn.config import paths
from scn.users import User, get_user, has_users, verify

log = logging.getLogger(__name__)

LOCAL_USER = User("local", "staff", None)
LOCAL_ADDRS = frozenset({"127.0.0.1", "::1"})
STAFF_PAGES = frozenset({"/", "/network", "/health"})
STAFF_OUTPUT_PREFIXES = ("net-", "health-")
# component ids whose values name a city or a page in a callback payload
CITY_STORE, URL = "city-id", "url"


def secret_key() -> str:
    """``$SCN_SECRET_KEY`` or ``secrets/flask.key`` (generated, 0600, on first use)."""
    env = os.environ.get("SCN_SECRET_KEY")
    if env:
        return env
    key_file: Path = paths().secrets / "flask.key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = key_file.with_name(f".flask.key.{os.getpid()}.tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, key_file)  # create-if-absent: two workers starting together agree on one key
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


def require_city(city_id: str | None) -> User:
    """Abort with 401/403 unless the signed-in user may see ``city_id``."""
    user = current_user()
    if user is None:
        abort(401)
    if not user.can_see(city_id):
        abort(403)
    return user


def require_staff() -> User:
    """Abort with 401/403 unless the signed-in user is staff."""
    user = current_user()
    if user is None:
        abort(401)
    if not user.is_staff:
        abort(403)
    return user


def page_status(user: User, path: str) -> int:
    """HTTP status of a page for a user: 200, 403 (not theirs) or 404 (no such page or city)."""
    if path.startswith("/city/"):
        city = path.split("/")[2]
        if city not in data.city_ids():
            return 404
        return 200 if user.can_see(city) else 403
    if path in STAFF_PAGES:
        return 200 if user.is_staff or path == "/" else 403
    return 200 if path == "/login" else 404


def _flat(items: list) -> list[dict]:
    out: list[dict] = []
    for item in items or []:
        out.extend(_flat(item) if isinstance(item, list) else [item])
    return out


def _check_callback(user: User | None):
    """Check a Dash callback payload: the city and page it asks for, and staff-only outputs."""
    body = request.get_json(silent=True) or {}
    values = {(str(i.get("id")), i.get("property")): i.get("value")
              for i in _flat(body.get("inputs", [])) + _flat(body.get("state", [])) if isinstance(i, dict)}
    outputs = body.get("outputs")
    out_ids = [str(o.get("id")) for o in _flat(outputs if isinstance(outputs, list) else [outputs])
               if isinstance(o, dict)]
    path = values.get((URL, "pathname"))
    city = values.get((CITY_STORE, "data"))
    if user is None:
        if path == "/login" and city is None and not any(o.startswith(STAFF_OUTPUT_PREFIXES) for o in out_ids):
            return None
        abort(401)
    if city is not None and not user.can_see(str(city)):
        abort(403)
    if isinstance(path, str) and page_status(user, path) == 403:
        abort(403)
    if not user.is_staff and any(o.startswith(STAFF_OUTPUT_PREFIXES) for o in out_ids):
        abort(403)
    return None


def _guard():
    path = request.path
    if path == "/_dash-update-component":
        return _check_callback(current_user())
    if path.startswith("/_") or path.startswith("/assets/") or path in ("/login", "/logout"):
        return None  # Dash's static shell (layout, dependencies, scripts): no data in it
    user = current_user()
    if path.startswith(("/download/", "/geojson/")):
        if user is None:
            abort(401)
        return None  # the route checks the city
    if user is None:
        return redirect(f"/login?next={quote(path)}")
    if path == "/" and not user.is_staff:
        return redirect(f"/city/{quote(user.city_id or '')}")
    status = page_status(user, path)
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


def init_auth(server: flask.Flask, local_staff: bool = False) -> None:
    """Install the secret key, the log-in/log-out routes and the access hook on the Flask server."""
    server.secret_key = secret_key()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SCN_LOCAL_STAFF=local_staff)
    server.add_url_rule("/login", "scn_login", _login, methods=["POST"])
    server.add_url_rule("/logout", "scn_logout", _logout, methods=["GET", "POST"])
    server.before_request(_guard)
    if local_staff and not has_users():
        log.warning("no dashboard users exist: anyone on this machine (127.0.0.1) gets a staff session. "
                    "Add users with `scn user add` to require log-in.")
