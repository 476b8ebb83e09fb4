"""Small shared building blocks of the pages."""

from __future__ import annotations

import pandas as pd
from dash import dash_table, html

from dashboards.i18n import column, t

FONT = '"Segoe UI", "Noto Sans", "Noto Sans Arabic", Arial, sans-serif'


def section(title: str, *children, id: str | None = None) -> html.Section:
    """A titled block of a page."""
    return html.Section([html.H3(title), *children], id=id or "", className="card")


def unavailable(lang: str) -> html.P:
    return html.P(t("not_available", lang), className="unavailable")


def frame_table(frame: pd.DataFrame, id: str, lang: str = "en", page_size: int = 12) -> dash_table.DataTable:
    """A read-only, sortable table of a frame (numbers rounded, headers in ``lang``). The grid itself stays
    left-to-right (DataTable does not lay out right-to-left); Arabic text in cells still reads right-to-left."""
    shown = frame.copy()
    for col in shown.select_dtypes("float").columns:
        shown[col] = shown[col].round(3)
    for col in shown.select_dtypes(["datetime", "datetimetz"]).columns:
        shown[col] = shown[col].dt.strftime("%Y-%m-%d %H:%M")
    shown = shown.astype(object).where(shown.notna(), None)
    return dash_table.DataTable(
        shown.to_dict("records"), [{"name": column(str(c), lang), "id": str(c)} for c in shown.columns],
        id=id, page_size=page_size, sort_action="native", style_table={"overflowX": "auto"},
        css=[{"selector": ".dash-spreadsheet-container", "rule": "direction: ltr"}],
        style_cell={"textAlign": "start", "fontFamily": FONT, "whiteSpace": "normal", "height": "auto",
                    "maxWidth": "520px"},
        style_header={"fontWeight": "bold", "backgroundColor": "#1f4e78", "color": "white"})
