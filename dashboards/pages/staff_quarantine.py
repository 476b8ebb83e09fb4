"""Quarantined rows of one uploaded file (``/staff/quarantine?file=<sha256>``, staff): file, row, field and
reason of each row that failed a check; without a file, the list of files whose last ingestion set rows aside,
each linking to its rows. Never the rows' contents or their author; the rows of a file are "Download as CSV" gives the same
four columns (the upload report links here), with anything a spreadsheet would execute neutralised (a partner's
file name, column names and values are theirs: ``scn.publish.exports.neutralise``)."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboards import auth, data, i18n
from dashboards.components import section
from dashboards.components import staff as tools
from dashboards.i18n import normalise, t
from scn.publish.exports import to_csv

dash.register_page(__name__, path="/staff/quarantine", access="staff")

SHOWN = 2000  # rows on the page; the CSV has all
COLUMNS = ("file", "row", "field", "reason")


def rows_table(rows, lang: str) -> html.Table:
    """The rows as a plain table with headers in ``lang``."""
    head = html.Tr([html.Th(t(f"staff_col_{c}", lang)) for c in COLUMNS])
    body = [html.Tr([html.Td(str(v)) for v in r]) for r in rows[list(COLUMNS)].head(SHOWN).itertuples(index=False)]
    return html.Table([html.Thead(head), html.Tbody(body)], id="quarantine-rows", className="table")


def files_table(files, lang: str) -> html.Table:
    """The files with rows set aside, each name linking to its rows, with kind, city, rows and when (UTC)."""
    head = html.Tr([html.Th(t(key, lang)) for key in ("staff_col_file", "staff_col_kind", "staff_audit_city",
                                                       "staff_col_rows", "staff_col_when")])
    body = [html.Tr([html.Td(dcc.Link(str(r.file), href=f"/staff/quarantine?file={r.sha256}")), html.Td(str(r.kind)),
                     html.Td(data.city_name(r.city_id) if isinstance(r.city_id, str) and r.city_id else "–"),
                     html.Td(i18n.number(r.quarantined, lang)), html.Td(pd.Timestamp(r.ingested_at).strftime("%Y-%m-%d %H:%M"))])
            for r in files.itertuples(index=False)]
    return html.Table([html.Thead(head), html.Tbody(body)], id="quarantine-files", className="table")


def _index(lang: str) -> html.Div:
    """The page without a file: the files whose rows were set aside."""
    files = tools.quarantined_files()
    body = [files_table(files, lang)] if len(files) else [html.P(t("staff_quarantine_no_files", lang),
                                                                id="quarantine-no-files")]
    return html.Div([
        html.H2(t("staff_quarantine_title", lang), id="quarantine-title"),
        section(t("staff_quarantine_files", lang), html.P(t("staff_quarantine_files_intro", lang)), *body),
    ])


def layout(lang: str | None = "en", file: object = None, **_query: object) -> html.Div:
    lang = normalise(lang)
    auth.require_page(__name__)
    if not (isinstance(file, str) and tools.SHA256.fullmatch(file)):
        return _index(lang)
    rows = tools.quarantine_rows(file)
    body = [html.P(t("staff_quarantine_none", lang), id="quarantine-none")] if rows.empty else [
        html.P(t("staff_quarantine_count", lang, n=i18n.number(len(rows), lang)), id="quarantine-count"),
        html.Button(t("staff_quarantine_download", lang), id="quarantine-csv-button"),
        dcc.Download(id="quarantine-csv"), rows_table(rows, lang)]
    return html.Div([
        html.H2(t("staff_quarantine_title", lang), id="quarantine-title"),
        dcc.Store(id="quarantine-file", data=file if isinstance(file, str) else ""),
        section(t("staff_quarantine_title", lang), html.P(t("staff_quarantine_intro", lang)), *body),
    ])


@dash.callback(Output("quarantine-csv", "data"), Input("quarantine-csv-button", "n_clicks"),
               State("quarantine-file", "data"), prevent_initial_call=True)
def download_csv(_clicks: int | None, file: str | None) -> dict:
    """The file's quarantined rows as CSV (file, row, field, reason)."""
    auth.require_page(__name__)
    rows = tools.quarantine_rows(file)
    name = str(file)[:12] if tools.SHA256.fullmatch(str(file)) else "file"
    return dcc.send_string(str(to_csv(rows[list(COLUMNS)])), f"quarantine-{name}.csv", type="text/csv")
