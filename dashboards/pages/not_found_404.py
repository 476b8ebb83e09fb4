"""What the router shows for a path no page has (Dash Pages' ``not_found_404`` convention); the request hook
answers such paths with 404 before any of this is loaded."""

from __future__ import annotations

import dash
from dash import html

from dashboards.i18n import t

dash.register_page(__name__, path="/404", access="public")


def layout(lang: str | None = "en", **_query: object) -> html.P:
    return html.P(t("not_found", lang))
