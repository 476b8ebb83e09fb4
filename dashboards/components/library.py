"""The resource library's blocks (``pages/library.py``) and its two routes, registered by :func:`init_library`:

- ``GET /library/file/<entry_id>``: an entry's stored file, as an attachment, to whoever the entry's access
  lets in (``scn.hub.library.may_see``): public to anyone; network to signed-in users (signed out: 401); city
  to staff and that city's users (another city: 403, signed out: 401). Non-public files are ``private,
  no-store``.
- ``POST /library/upload`` (multipart: the entry's fields, ``file`` or ``url``, ``csrf_token``): staff only
  (401 signed out, 403 others, 400 without the form's token); the entry is added by ``scn.hub.library.add``
  (type checked by content, size limited, audit-logged) and the browser goes back to ``/library?added=<id>``.

Both declare their rule in ``auth.ROUTE_RULES`` (applied by the access hook, checked again here)."""

from __future__ import annotations

import flask
from dash import dcc, html
from flask import Response, abort, redirect, request, send_file
from flask_wtf.csrf import CSRFError

from dashboards import auth, data, i18n
from dashboards.i18n import t
from scn.access.users import User
from scn.hub import library

FILE_ENDPOINT, UPLOAD_ENDPOINT = "scn_library_file", "scn_library_upload"
ACCESS_COLOURS = {"public": "#1e8449", "network": "#1f4e78", "city": "#b03a2e"}


# ------------------------------------------------------------------------------------------------ words
def kind_label(kind: str, lang: str) -> str:
    return t(f"library_kind_{kind}", lang)


def theme_label(code: str, lang: str) -> str:
    words = library.THEMES.get(code)
    return (words.get(lang) or words["en"]) if words else code.replace("_", " ")


def access_label(entry: dict, lang: str) -> str:
    if entry["access"] == "city":
        return t("library_access_city", lang, city=data.city_name(entry.get("city_id") or ""))
    return t(f"library_access_{entry['access']}", lang)


def date_label(value: object, lang: str) -> str:
    text = str(value or "")
    return text if len(text) == 4 else i18n.date(text, lang)


# ------------------------------------------------------------------------------------------------ blocks
def _licence(licence: str, lang: str) -> list:
    """"Licence: <licence>" in ``lang``; the licence itself is the catalogue's English statement, marked as such."""
    before, _, after = t("library_licence", lang, licence="\0").partition("\0")
    return [before, html.Span(licence, lang="en", className="licence"), after]


def card(entry: dict, lang: str) -> html.Article:
    """One entry: title (a link to its file or address), kind, language, date, access badge, summary, themes,
    licence and source."""
    href = f"/library/file/{entry['entry_id']}" if entry.get("file_id") else entry.get("url")
    action = t("library_download", lang) if entry.get("file_id") else t("library_open", lang)
    meta = [kind_label(entry["kind"], lang), i18n.language(entry["language"], lang)]
    if entry.get("date"):
        meta.append(date_label(entry["date"], lang))
    if entry.get("region"):
        meta.append(i18n.code("region", entry["region"], lang))
    return html.Article([
        html.H4(html.A(entry["title"], href=href, rel="noopener noreferrer",
                       **({"download": ""} if entry.get("file_id") else {})) if href else entry["title"],
                lang=entry["language"], dir=i18n.direction(entry["language"]), className="library-entry-title"),
        html.P([html.Span(access_label(entry, lang), className=f"badge access-{entry['access']}",
                          style={"background": ACCESS_COLOURS[entry["access"]], "color": "white",
                                 "padding": "1px 6px", "borderRadius": "4px"}),
                " ", " · ".join(meta)], className="library-meta"),
        html.P(entry["summary"], lang=entry["language"], dir=i18n.direction(entry["language"])),
        html.P([", ".join(theme_label(c, lang) for c in entry["themes"]),
                *([" · ", *_licence(entry["licence"], lang)] if entry.get("licence") else []),
                *([" · ", html.A(action, href=href, className="library-action")] if href else [])],
               className="note"),
    ], id=f"entry-{entry['entry_id']}", className="card library-entry")


def results(query: str | None, user: User | None, lang: str, filters: dict) -> html.Div:
    """The entries ``user`` may see that match the query and filters (best first), or a note."""
    try:
        rows = library.search(query or "", user, limit=200, **filters)
    except library.LibraryError:
        rows = []
    return html.Div([html.P(t("library_results", lang, n=i18n.number(len(rows), lang)), id="library-count"),
                     *([card(r, lang) for r in rows] or [html.P(t("library_none", lang))])],
                    id="library-results")


def filters(user: User | None, lang: str, values: dict) -> html.Div:
    """Dropdowns of the filters, offering the values of the entries the user may see."""
    offered = library.facets(user)
    labels = {
        "kind": lambda v: kind_label(v, lang), "theme": lambda v: theme_label(v, lang),
        "language": lambda v: i18n.language(v, lang), "region": lambda v: i18n.code("region", v, lang),
        "city": data.city_name, "year": str,
    }

    def pick(key: str) -> html.Label:
        options = [{"label": labels[key](v), "value": v} for v in offered[key]]
        return html.Label([t(f"library_filter_{key}", lang),
                           dcc.Dropdown(id=f"library-{key}", options=options, value=values.get(key) or None,
                                        placeholder=t("library_all", lang), clearable=True,
                                        style={"minWidth": "160px"})])

    return html.Div([pick(k) for k in library.FILTERS], className="controls", id="library-filters",
                    style={"display": "flex", "gap": "12px", "flexWrap": "wrap"})


def _select(name: str, options: list[tuple[str, str]], multiple: bool = False) -> html.Select:
    return html.Select([html.Option(label, value=value) for value, label in options], name=name,
                       id=f"upload-{name}", multiple=multiple)


def upload_form(lang: str, token: str) -> html.Form:
    """Staff: a plain multipart form posting to ``/library/upload`` with the session's CSRF token."""
    from scn.access.users import known_city_ids
    from scn.ingest.cities_known import known_cities

    cities = sorted(known_city_ids(), key=data.city_name)
    regions = sorted(set(known_cities()["region"].dropna().astype(str)))

    def field(key: str, control, **fmt: object) -> html.Label:
        return html.Label([t(key, lang, **fmt), " ", control], style={"display": "block", "margin": "6px 0"})

    return html.Form([
        dcc.Input(name="csrf_token", type="hidden", value=token),
        field("library_field_title", dcc.Input(name="title", id="upload-title", required=True,
                                               maxLength=library.MAX_TITLE, style={"width": "60%"})),
        field("library_field_summary", html.Textarea(name="summary", id="upload-summary", rows=3,
                                                     maxLength=library.MAX_SUMMARY, style={"width": "100%"})),
        field("library_filter_kind", _select("kind", [(k, kind_label(k, lang)) for k in library.KINDS])),
        field("library_filter_theme", _select("themes", [(c, theme_label(c, lang)) for c in library.THEMES],
                                              multiple=True)),
        field("library_filter_language", _select("language", [(c, i18n.language(c, lang)) for c in library.LANGS])),
        field("library_filter_region", _select("region", [("", t("library_none_chosen", lang))] + [
            (r, i18n.code("region", r, lang)) for r in regions])),
        field("library_field_date", dcc.Input(name="date", id="upload-date", maxLength=10)),
        field("library_field_licence", dcc.Input(name="licence", id="upload-licence", maxLength=library.MAX_FIELD)),
        field("library_field_url", dcc.Input(name="url", id="upload-url", type="url", maxLength=library.MAX_FIELD)),
        field("library_field_access", _select("access", [("public", t("library_access_public", lang)),
                                                         ("network", t("library_access_network", lang)),
                                                         ("city", t("library_field_access_city", lang))])),
        field("library_filter_city", _select("city_id", [("", t("library_none_chosen", lang))]
                                             + [(c, data.city_name(c)) for c in cities])),
        field("library_field_file", dcc.Markdown(  # a native file input: Dash has none a plain form can post
            # (written self-closing: the Markdown renders ``<input ...>`` without ``/>`` as nothing)
            '<input type="file" name="file" id="upload-file" accept=".pdf,.docx,.xlsx,.csv,.txt,.png,.jpg,.jpeg"/>',
            dangerously_allow_html=True, id="upload-file-box"), mb=library.MAX_FILE_BYTES // (1024 * 1024)),
        html.Button(t("library_upload_submit", lang), type="submit", id="upload-submit"),
    ], action="/library/upload", method="POST", encType="multipart/form-data", id="library-upload-form")


# ------------------------------------------------------------------------------------------------ routes
def file_status(user: User | None) -> int:
    """The rule of ``/library/file/<entry_id>``: 404 unknown, else as the entry's access says (401/403)."""
    entry = library.get(str((request.view_args or {}).get("entry_id", "")))
    if entry is None or not entry.get("file_id"):
        return 404
    if library.may_see(user, entry["access"], entry.get("city_id")):
        return 200
    return 401 if user is None else 403


def upload_status(user: User | None) -> int:
    """The rule of ``POST /library/upload``: staff only."""
    return 401 if user is None else 200 if user.is_staff else 403


def serve_file(entry_id: str) -> Response:
    """An entry's stored file as an attachment under its sanitised name."""
    user = auth.current_user()
    status = file_status(user)
    if status != 200:
        abort(status)
    entry = library.get(entry_id) or {}
    path = library.file_path(entry)
    if path is None:
        abort(404)
    mime = library.FILE_TYPES[entry["file_type"]][0]
    response = send_file(path, mimetype=mime, as_attachment=True, download_name=entry["file_name"],
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "public, max-age=3600" if entry["access"] == "public" \
        else "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def post_upload() -> Response:
    """``POST /library/upload``: add an entry from the form (staff; the form's CSRF token)."""
    request.max_content_length = library.MAX_FILE_BYTES + 256 * 1024  # before the body is parsed (413 above)
    status = upload_status(auth.current_user())
    if status != 200:
        abort(status)
    try:
        flask.current_app.extensions["csrf"].protect()
    except CSRFError:
        abort(400)
    form = request.form
    fields = {k: form.get(k, "") for k in ("title", "summary", "kind", "language", "region", "date", "licence",
                                           "url", "access", "city_id")}
    fields["themes"] = ";".join(form.getlist("themes"))
    upload = request.files.get("file")
    body = upload.read(library.MAX_FILE_BYTES + 1) if upload is not None and upload.filename else None
    try:
        entry = library.add(fields, auth.current_user().username, file_name=upload.filename if body else None,
                            body=body)
    except library.LibraryError as exc:
        abort(exc.status, description=str(exc))
    return redirect(f"/library?added={entry['entry_id']}", code=303)


def init_library(server: flask.Flask) -> None:
    """Register the file and upload routes and their rules (``auth.ROUTE_RULES``)."""
    server.add_url_rule("/library/file/<entry_id>", FILE_ENDPOINT, serve_file, methods=["GET"])
    server.add_url_rule("/library/upload", UPLOAD_ENDPOINT, post_upload, methods=["POST"])
    auth.ROUTE_RULES[FILE_ENDPOINT] = file_status
    auth.ROUTE_RULES[UPLOAD_ENDPOINT] = upload_status
