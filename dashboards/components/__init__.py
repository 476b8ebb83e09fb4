"""Shared building blocks of the pages: titled sections, tables, graphs, the "not yet available" and "nothing
published" notes. The page shell (header, navigation, language switch) is in ``components.shell``; the blocks
of the city page in ``components.city``."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboards import data
from dashboards.i18n import column, direction, t

FONT = '"Segoe UI", "Noto Sans", "Noto Sans Arabic", Arial, sans-serif'


def section(title: str, *children, id: str | None = None) -> html.Section:
    """A titled block of a page."""
    return html.Section([html.H3(title), *children], id=id or "", className="card")


def unavailable(lang: str) -> html.P:
    return html.P(t("not_available", lang), className="unavailable")


def snapshot_notice(lang: str) -> html.P | None:
    """"Nothing published yet" when there is no serving snapshot (None when there is one)."""
    return None if data.snapshot_dir() else html.P(t("no_snapshot", lang), className="unavailable")


def graph(fig: go.Figure | None, id: str, lang: str):
    """A static figure, or "not yet available" under the same id."""
    return dcc.Graph(id=id, figure=fig, config={"displayModeBar": False}) if fig is not None else \
        html.Div(unavailable(lang), id=id)


def frame_table(frame: pd.DataFrame, id: str, lang: str = "en", page_size: int = 12,
                data_only: tuple[str, ...] = (), decimals: dict[str, int] | None = None) -> dash_table.DataTable:
    """A read-only, sortable table of a frame (numbers rounded: to ``decimals[column]`` places where given, else
    3; headers in ``lang``), right to left in Arabic. ``data_only``: columns kept in the rows' data (codes, for
    callbacks and tests) but not shown."""
    shown = frame.copy()
    for col in shown.select_dtypes("float").columns:
        shown[col] = shown[col].round((decimals or {}).get(str(col), 3))
    for col in shown.select_dtypes(["datetime", "datetimetz"]).columns:
        shown[col] = shown[col].dt.strftime("%Y-%m-%d %H:%M")
    shown = shown.astype(object).where(shown.notna(), None)
    # DataTable lays out left to right only: in Arabic the columns run from the right (first column rightmost)
    # and each cell reads right to left
    rtl = direction(lang) == "rtl"
    columns = [{"name": column(str(c), lang), "id": str(c)} for c in shown.columns if c not in data_only]
    return dash_table.DataTable(
        shown.to_dict("records"), columns[::-1] if rtl else columns,
        id=id, page_size=page_size, sort_action="native", style_table={"overflowX": "auto"},
        css=[{"selector": ".dash-spreadsheet-container", "rule": "direction: ltr"}],
        style_cell={"textAlign": "right" if rtl else "left", "direction": direction(lang), "fontFamily": FONT,
                    "whiteSpace": "normal", "height": "auto", "maxWidth": "520px"},
        style_header={"fontWeight": "bold", "backgroundColor": "#1f4e78", "color": "white"})
