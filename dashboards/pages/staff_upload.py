"""Upload page (``/staff/upload``, staff): choose the kind of file and the city, upload one or more files; the
form posts to ``POST /staff/upload`` (dashboards/components/staff.py), which ingests each file exactly as
``scn ingest KIND PATH --city CITY --json`` does and comes back to ``?report=<id>``: per file the rows read,
accepted, set aside (quarantined) with the first reasons, duplicates and warnings, with a link to the file's
quarantined rows."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import auth, data, i18n
from dashboards.components import section
from dashboards.components import staff as tools
from dashboards.i18n import normalise, t
from scn.settings import KINDS, settings

dash.register_page(__name__, path="/staff/upload", access="staff")


def city_options(lang: str, empty_key: str, chosen: str | None = None) -> list:
    """``<option>``s of every known city (registry and snapshot), by name, after an empty choice (``chosen``
    selected)."""
    from scn.access.users import known_city_ids
    from scn.ingest.cities_known import known_cities

    registry = known_cities()
    names = {c: c for c in known_city_ids()}
    names.update({c: str(n) for c, n in zip(registry["city_id"], registry["name"], strict=True)
                  if c in names and isinstance(n, str) and n})
    return [html.Option(t(empty_key, lang), value="", selected=not chosen),
            *[html.Option(f"{names[c]} ({c})" if names[c] != c else c, value=c, selected=c == chosen)
              for c in sorted(names, key=lambda c: (names[c].lower(), c))]]


def native_input(type_: str, name: str, input_id: str, **flags: bool) -> html.Span:
    """A native ``<input>`` a plain form posts (a file input, a checkbox: Dash has no component for them),
    added in the browser by ``assets/native_inputs.js``; ``flags``: multiple, required."""
    return html.Span(className="scn-native-input", id=f"{input_id}-box", **{
        "data-type": type_, "data-name": name, "data-input-id": input_id,
        **{f"data-{k}": "true" for k, v in flags.items() if v}})


def _form(lang: str) -> html.Form:
    return html.Form([
        dcc.Input(name="csrf_token", type="hidden", value=auth.csrf_token()),
        html.Label([t("staff_upload_kind", lang), " ",
                    html.Select([html.Option(t(f"staff_kind_{k}", lang), value=k) for k in KINDS], name="kind",
                                id="upload-kind", required=True)]),
        html.Label([t("staff_upload_city", lang), " ",
                    html.Select(city_options(lang, "staff_upload_no_city"), name="city", id="upload-city")]),
        html.P(t("staff_upload_city_note", lang), className="note"),
        html.Label([t("staff_upload_file", lang), " ",
                    native_input("file", "file", "upload-file", multiple=True, required=True)]),
        html.P(t("staff_upload_limit", lang, mb=i18n.number(settings().upload_max_mb, lang)), className="note"),
        html.Details([
            html.Summary(t("staff_upload_options", lang)),
            html.Label([t("staff_upload_value_columns", lang), " ",
                        dcc.Input(name="value_columns", type="text", id="upload-value-columns", maxLength=2000)]),
            html.Label([t("staff_upload_category", lang), " ",
                        dcc.Input(name="category", type="text", id="upload-category", maxLength=200)]),
            html.Label([native_input("checkbox", "hate", "upload-hate"), " ", t("staff_upload_hate", lang)]),
        ]),
        html.Button(t("staff_upload_submit", lang), type="submit", id="upload-submit"),
    ], action="/staff/upload", method="POST", encType="multipart/form-data", id="upload-form",
        style={"display": "grid", "gap": "8px", "maxWidth": "640px"})


def _figure(label: str, value: object, id_: str, lang: str) -> html.Tr:
    return html.Tr([html.Th(label), html.Td(i18n.number(value, lang), id=id_)])


def _warning(warning: dict, name: str, lang: str) -> str:
    """A warning of the report in words (the data-health page's sentences, ``warning_<code>``); a code without
    a sentence as ``code: key=value, ...`` (docs/your-data.md)."""
    code = str(warning.get("code"))
    if i18n.has(f"warning_{code}"):
        source = warning.get("hate_source")
        listed = {k: ", ".join(map(str, v)) for k, v in warning.items() if isinstance(v, list)}
        values = {"file": name, "rows": "?", "of": "?", "example": "", "lines": "?", "column": "", **warning, **listed,
                  "city": data.city_name(str(warning.get("city_id") or "")),
                  "source": source if isinstance(source, str) and source else t("warning_nowhere_yet", lang)}
        return t(f"warning_{code}", lang, **values)
    params = ", ".join(f"{k}={v}" for k, v in warning.items() if k != "code")
    return f"{code}: {params}" if params else code


def file_report(n: int, out: dict, lang: str) -> html.Article:
    """One file of an upload: the ``scn ingest --json`` fields in words."""
    city = data.city_name(out["city_id"]) if out.get("city_id") else t("staff_upload_no_city", lang)
    head = html.H4(t("staff_upload_file_line", lang, name=out["name"], kind=t(f"staff_kind_{out['kind']}", lang),
                     city=city), id=f"report-{n}-file")
    if "error" in out:
        return html.Article([head, html.P([html.Strong(t("staff_upload_failed", lang)), " ",
                                           html.Span(out["error"], id=f"report-{n}-error")], className="error")],
                            className="card", id=f"report-{n}")
    reasons = [html.Li(t("staff_upload_reason_line", lang, row=e.get("row"), field=e.get("field"),
                         reason=e.get("reason"))) for e in out.get("errors", [])]
    warnings = [html.Li(_warning(w, out["name"], lang)) for w in out.get("warnings", [])]
    return html.Article([
        head,
        html.Table([html.Tbody([
            _figure(t("staff_upload_rows_read", lang), out["rows_read"], f"report-{n}-rows_read", lang),
            _figure(t("staff_upload_accepted", lang), out["accepted"], f"report-{n}-accepted", lang),
            _figure(t("staff_upload_quarantined", lang), out["quarantined"], f"report-{n}-quarantined", lang),
            _figure(t("staff_upload_duplicates", lang), out["duplicates"], f"report-{n}-duplicates", lang),
        ])]),
        *([html.H5(t("staff_upload_reasons", lang)), html.Ul(reasons, id=f"report-{n}-reasons")] if reasons else []),
        html.H5(t("staff_upload_warnings", lang)),
        html.Ul(warnings, id=f"report-{n}-warnings") if warnings else html.P(t("staff_upload_no_warnings", lang)),
        *([dcc.Link(t("staff_upload_quarantine_link", lang), href=f"/staff/quarantine?file={out['sha256']}",
                    id=f"report-{n}-quarantine")] if out.get("quarantined") and out.get("sha256") else []),
    ], className="card", id=f"report-{n}")


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    auth.require_page(__name__)
    if query.get("report"):
        files = tools.load_report(query.get("report"))
        body = [html.P(t("staff_upload_gone", lang), className="unavailable")] if files is None else \
            [file_report(n, out, lang) for n, out in enumerate(files)]
        return html.Div([html.H2(t("staff_upload_report", lang), id="upload-title"),
                         html.Div(body, id="upload-report"),
                         dcc.Link(t("staff_upload_again", lang), href="/staff/upload", id="upload-again")])
    error = html.P(t("staff_upload_no_file", lang), className="error", id="upload-error") \
        if query.get("error") == "no_file" else None
    return html.Div([html.H2(t("staff_upload_title", lang), id="upload-title"),
                     section(t("staff_upload_title", lang), html.P(t("staff_upload_intro", lang)), error,
                             _form(lang))])

