"""The city page's downloads: one click for each of the city's published tables (``/download/<kind>.<fmt>?city=``,
served by ``dashboards.app``). The server decides access (``auth.download_status``: staff any city, an official
only their own, 403 otherwise) and shapes every table with ``scn.privacy.disclosure.for_audience``, so a file holds
what the page shows: small counts hidden for officials. Column names stay the export contract's codes."""

from __future__ import annotations

from urllib.parse import quote

from dash import html

from dashboards.auth import DOWNLOADS
from dashboards.i18n import t

FORMATS = ("csv", "xlsx")
CITY_KINDS = tuple(kind for kind, rule in DOWNLOADS.items() if rule == "city")


def href(kind: str, fmt: str, city_id: str) -> str:
    """The download URL of one city's table."""
    return f"/download/{kind}.{fmt}?city={quote(city_id)}"


def city_block(city_id: str, lang: str) -> html.Div:
    """A row per city table: its name in ``lang`` and a link per format."""
    rows = [html.Tr([html.Td(t(f"download_{kind}", lang))] + [
        html.Td(html.A(fmt.upper(), href=href(kind, fmt, city_id), id=f"city-dl-{kind}-{fmt}", download="",
                       className="button")) for fmt in FORMATS]) for kind in CITY_KINDS]
    return html.Div([html.P(t("downloads_city_note", lang), className="note"),
                     html.Table(html.Tbody(rows), id="city-downloads")])
