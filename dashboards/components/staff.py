"""Staff tools in the browser (issue 22): the form posts behind the staff pages and the one-time password page.

- ``POST /staff/upload`` (multipart: ``kind``, ``city``, one or more ``file``, the family's options, CSRF token):
  each file is saved under a sanitised name in a fresh private folder and handed to
  ``scn.ingest.pipeline.ingest_file``, the function ``scn ingest`` calls; the report (``IngestResult.to_json``,
  the ``--json`` fields) is kept in ``$SCN_HOME/hub/uploads/<id>.json`` and shown by ``/staff/upload?report=<id>``.
- ``POST /staff/users`` (``action``: add, change, remove, reset_link): scn.access.users; a one-time link is shown
  once to the staff member who made it (kept in their session).
- ``GET/POST /reset/<token>``: anyone with the link, throttled per client address (with the router's callback
  for that page: ``auth.throttle``).

The before-request guard (dashboards/auth.py) applies each path's page rule (``staff`` for ``/staff/...``,
``public`` for ``/reset/<token>``) to these posts as to the pages; the routes check the role and the CSRF token
again. Every change is recorded with ``scn.hub.audit.record`` (never a password or token)."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
import unicodedata
from html import escape
from pathlib import Path
from typing import Any

import flask
import pandas as pd
from flask import Response, abort, redirect, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from dashboards import auth, i18n
from dashboards.i18n import t
from scn import lake
from scn.access import users
from scn.access.users import User, UserError
from scn.hub import audit
from scn.settings import KINDS, paths, settings

MAX_NAME = 120  # characters of a sanitised upload name
MAX_NAME_BYTES = 240  # ... and its bytes in UTF-8 (file systems allow 255 a name)
FORM_SLACK = 64 << 10  # the form's other fields around the files
REPORT_ID = re.compile(r"[0-9a-f]{32}")
SHA256 = re.compile(r"[0-9a-f]{64}")
LINK_KEY = "staff_link"  # the session entry holding the one-time link to show its maker once
USER_ACTIONS = ("add", "change", "remove", "reset_link")


# ---------------------------------------------------------------------------------------- shared checks
def require_staff() -> User:
    """The signed-in staff user; abort 401 (signed out) or 403 (anyone else)."""
    user = auth.current_user()
    if user is None:
        abort(401)
    if not user.is_staff:
        abort(403)
    return user


def _csrf() -> None:
    try:
        flask.current_app.extensions["csrf"].protect()
    except CSRFError:
        abort(400)


def safe_name(name: object) -> str:
    """An uploaded file's name as one harmless path component: the last part after any ``/`` or ``\\``, NFC,
    letters and digits of any script kept, ``.``, ``-`` and ``_`` kept, anything else ``_``; no leading dot; at
    most ``MAX_NAME`` characters and ``MAX_NAME_BYTES`` bytes in UTF-8 (a file name is at most 255 bytes: 120
    Chinese letters are 360), keeping the extension. Never empty."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", str(name or "")))[-1]
    kept = "".join(c if c.isalnum() or c in ".-_" else "_" for c in base)
    kept = re.sub(r"_+", "_", kept).lstrip("._") or "upload"
    stem, dot, ext = kept.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = kept, ""
    ext = "." + ext if ext else ""
    room = MAX_NAME_BYTES - len(ext.encode())
    return stem[:MAX_NAME - len(ext)].encode()[:room].decode("utf-8", "ignore") + ext


# ---------------------------------------------------------------------------------------- upload
def _uploads_dir() -> Path:
    return lake.private_dir(lake.private_dir(paths().home / "hub") / "uploads")


def _options(kind: str) -> dict[str, Any]:
    """The family's flags, as ``scn ingest`` passes them (``--value-column``, ``--category``, ``--hate``)."""
    form = request.form
    if kind == "area-attributes":
        columns = [c.strip() for c in form.get("value_columns", "")[:2000].split(",") if c.strip()]
        return {"value_columns": columns} if columns else {}
    if kind == "crime-counts":
        category = form.get("category", "").strip()[:200]
        return {k: v for k, v in (("category", category), ("hate", form.get("hate") == "on" or None)) if v}
    return {}


def ingest_upload(actor: str, kind: str, city_id: str | None, upload: FileStorage,
                  options: dict[str, Any]) -> dict[str, Any]:
    """Ingest one uploaded file as ``scn ingest KIND PATH --city CITY --json`` does (``ingest_file``) and return
    the ``--json`` object plus ``name`` (the sanitised name); a file that cannot be used gives ``error``. The
    upload is saved in a new private folder under its sanitised name and removed afterwards (the archive keeps
    the original). Recorded in the audit log with the counts."""
    from scn.ingest.pipeline import ingest_file
    from scn.ingest.result import IngestError
    from scn.privacy.pseudonyms import PseudonymKeyError

    name = safe_name(upload.filename)
    folder = _uploads_dir() / f"incoming-{secrets.token_hex(12)}"
    folder.mkdir(mode=0o700)
    try:
        target = folder / name
        upload.save(target)
        try:
            out = ingest_file(kind, target, city_id=city_id, options=options).to_json()
        except (IngestError, PseudonymKeyError) as exc:
            out = {"file": str(target), "kind": kind, "city_id": city_id, "error": str(exc).replace(str(folder), "")}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out["name"] = name
    counts = {k: out[k] for k in ("rows_read", "accepted", "quarantined", "duplicates", "sha256") if k in out}
    audit.record(actor, "ingest.upload", name, city_id=city_id,
                 detail={"kind": kind, **counts, **({"failed": True} if "error" in out else {})})
    return out


def save_report(actor: str, files: list[dict[str, Any]]) -> str:
    """Keep an upload's report (one entry per file) for the report page; returns its id."""
    rid = secrets.token_hex(16)
    target = _uploads_dir() / f"{rid}.json"
    target.write_text(json.dumps({"actor": actor, "at": time.time(), "files": files}, default=str,
                                 ensure_ascii=False))
    target.chmod(0o600)
    return rid


def load_report(rid: object) -> list[dict[str, Any]] | None:
    """The files of an upload's report, or None (unknown id)."""
    if not isinstance(rid, str) or not REPORT_ID.fullmatch(rid):
        return None
    target = _uploads_dir() / f"{rid}.json"
    return json.loads(target.read_text())["files"] if target.is_file() else None


def quarantine_rows(sha256: object) -> pd.DataFrame:
    """The quarantined rows of the file with that content hash (every path it was ingested under): ``file``
    (name only), ``row``, ``field``, ``reason``, by row. Never the rows' contents (``raw_json``)."""
    cols = ["file", "row", "field", "reason"]
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        return pd.DataFrame(columns=cols)
    logged = lake.read_table("ingest_log", columns=["file", "kind"], where="sha256 = ?", params=[sha256])
    if logged.empty:
        return pd.DataFrame(columns=cols)
    files = sorted(set(logged["file"].dropna().astype(str)))
    marks = ", ".join("?" for _ in files)
    rows = lake.read_table("quarantine", columns=cols, where=f"file in ({marks})", params=files)
    rows["file"] = rows["file"].astype(str).str.rsplit("/", n=1).str[-1]
    return rows.sort_values(["row", "field"], kind="stable").reset_index(drop=True)


def quarantined_files(limit: int = 500) -> pd.DataFrame:
    """The files whose last ingestion set rows aside, newest first: ``sha256``, ``file`` (name only), ``kind``,
    ``city_id``, ``quarantined`` (rows, at that ingestion), ``ingested_at`` (UTC). A file sent again under several
    names is one entry (its content hash), named as last sent."""
    cols = ["sha256", "file", "kind", "city_id", "quarantined", "ingested_at"]
    if not lake.has_table("ingest_log"):
        return pd.DataFrame(columns=cols)
    last = lake.query(
        f"select sha256, arg_max(file, ingested_at) as file, arg_max(kind, ingested_at) as kind, "
        f"arg_max(city_id, ingested_at) as city_id, arg_max(quarantined, ingested_at) as quarantined, "
        f"max(ingested_at) as ingested_at from {lake.scan('ingest_log')} where sha256 is not null "
        f"group by sha256 having arg_max(quarantined, ingested_at) > 0 order by ingested_at desc, sha256 limit ?",
        [int(limit)])
    last["file"] = last["file"].astype(str).str.rsplit("/", n=1).str[-1]
    return last[cols].reset_index(drop=True)


def _too_large() -> Response:
    lang = request.cookies.get(auth.LANG_COOKIE)
    lang = i18n.normalise(lang if isinstance(lang, str) else None)
    return _page(413, t("staff_upload_too_large", lang, mb=settings().upload_max_mb), lang, "/staff/upload")


def post_upload() -> Response:
    """``POST /staff/upload``: staff only, CSRF token, at most ``SCN_UPLOAD_MAX_MB`` (413 beyond); each file
    ingested as ``scn ingest`` does, then the report page (303)."""
    user = require_staff()
    limit = settings().upload_max_mb * (1 << 20) + FORM_SLACK
    if (request.content_length or 0) > limit:
        return _too_large()
    request.max_content_length = limit
    try:
        _csrf()
        uploads = [f for f in request.files.getlist("file") if f.filename]
        form = request.form
    except RequestEntityTooLarge:
        return _too_large()
    kind = form.get("kind", "")
    if kind not in KINDS:
        abort(400)
    city = form.get("city", "").strip()[:64] or None
    if not uploads:
        return redirect("/staff/upload?error=no_file", code=303)
    files = [ingest_upload(user.username, kind, city, f, _options(kind)) for f in uploads]
    return redirect(f"/staff/upload?report={save_report(user.username, files)}", code=303)


# ---------------------------------------------------------------------------------------- users
def _back(**query: str) -> Response:
    from urllib.parse import urlencode

    return redirect("/staff/users?" + urlencode(query), code=303)


def post_users() -> Response:
    """``POST /staff/users`` (``action``, ``username``, ``role``, ``city``, ``password``): add, change role or
    city, remove, or make a one-time password link; staff only, CSRF token. Staff cannot remove themselves, and
    the last staff user is never demoted or removed. Back to the list with what was done (303)."""
    user = require_staff()
    _csrf()
    form = request.form
    action, name = form.get("action", ""), form.get("username", "").strip()[:64]
    if action not in USER_ACTIONS:
        abort(400)
    role, city = form.get("role", ""), form.get("city", "").strip()[:64] or None
    try:
        if action == "add":
            password = form.get("password", "")[:users.MAX_PASSWORD + 1] or None
            users.add_user(name, role, city, password)
            audit.record(user.username, "user.add", name, city_id=city,
                         detail={"role": role, "first_password": "set" if password else "link"})
            if password is None:
                _link(user.username, name, "welcome")
        elif action == "change":
            before = users.get_user(name)
            users.change_user(name, role, city)
            audit.record(user.username, "user.change", name, city_id=city,
                         detail={"role": role, "from_role": before.role if before else None,
                                 "from_city": before.city_id if before else None})
        elif action == "remove":
            if name == user.username:
                raise UserError("you cannot remove yourself", "self")
            before = users.get_user(name)
            users.remove_user(name, keep_staff=True)
            audit.record(user.username, "user.remove", name, city_id=before.city_id if before else None,
                         detail={"role": before.role if before else None})
        else:
            _link(user.username, name, "reset")
    except UserError as exc:
        return _back(error=exc.code, user=name if users.USERNAME.fullmatch(name) else "")
    return _back(done=action, user=name)


def _link(actor: str, username: str, kind: str) -> None:
    """A new one-time link for ``username`` (an older one stops working), shown once to ``actor``."""
    token = users.issue_reset(username)
    target = users.get_user(username)
    audit.record(actor, "user.reset_link", username, city_id=target.city_id if target else None,
                 detail={"hours": users.RESET_HOURS, "kind": kind})
    session[LINK_KEY] = {"actor": actor, "user": username, "token": token, "at": time.time()}


def pending_link(user: User | None) -> dict | None:
    """The one-time link the signed-in staff member made last (user, token), while it is under an hour old and
    unused (then it is dropped from the session)."""
    found = session.get(LINK_KEY)
    if user is None or not isinstance(found, dict) or found.get("actor") != user.username:
        return None
    if time.time() - float(found.get("at", 0)) > 3600 or users.reset_user(found.get("token")) is None:
        session.pop(LINK_KEY, None)
        return None
    return found


# ---------------------------------------------------------------------------------------- one-time links
def _page(status: int, message: str, lang: str, back: str = "/login") -> Response:
    body = (f'<!doctype html><html lang="{lang}" dir="{i18n.direction(lang)}"><head><meta charset="utf-8">'
            f'<title>{escape(t("app_title", lang))}</title><link rel="stylesheet" href="/assets/style.css"></head>'
            f'<body><main class="login"><p id="staff-message" role="alert">{escape(message)}</p>'
            f'<p><a href="{escape(back)}">{escape(t("go_home", lang))}</a></p></main></body></html>')
    return Response(body, status=status, mimetype="text/html", headers={"Cache-Control": "no-store"})


def reset_get(token: str) -> Response:
    """``GET /reset/<token>``: the app's page (the form, or "this link cannot be used"), HTTP 410 when the token
    is used, expired or replaced."""
    body = flask.current_app.view_functions["/<path:path>"](path=f"reset/{token}")
    status = 200 if users.reset_user(token) is not None else 410
    return Response(body, status=status, mimetype="text/html",
                    headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def reset_post(token: str) -> Response:
    """``POST /reset/<token>`` (``password``, ``confirm``, CSRF token): set the password of the link's user, which
    spends the link and ends every session of that user, then the log-in page."""
    _csrf()
    cap = users.MAX_PASSWORD + 1  # longer cannot be a password: refused, never cut to fit
    password, confirm = request.form.get("password", "")[:cap], request.form.get("confirm", "")[:cap]
    here = f"/reset/{token}"
    if users.reset_user(token) is None:
        return redirect(here, code=303)  # the page says the link cannot be used (410)
    if password != confirm:
        return redirect(f"{here}?error=mismatch", code=303)
    try:
        user = users.use_reset(token, password)
    except UserError as exc:
        return redirect(f"{here}?error={exc.code}", code=303)
    audit.record(user.username, "user.password_set", user.username, city_id=user.city_id, detail={"via": "link"})
    return redirect("/login", code=303)


def init_staff(server: flask.Flask) -> None:
    """Register the staff tools' form posts and the one-time password routes on the app's Flask server (the
    hook throttles every request reaching ``/reset/<token>`` per client address: ``auth.throttle``)."""
    server.add_url_rule("/staff/upload", "scn_staff_upload", post_upload, methods=["POST"])
    server.add_url_rule("/staff/users", "scn_staff_users", post_users, methods=["POST"])
    server.add_url_rule("/reset/<token>", "scn_reset_get", reset_get, methods=["GET"])
    server.add_url_rule("/reset/<token>", "scn_reset_post", reset_post, methods=["POST"])
