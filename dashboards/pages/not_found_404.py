"""What the router shows for a path no page has (Dash Pages' ``not_found_404`` convention); the request hook
answers such paths with 404 before any of this is loaded."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards.i18n import normalise, t

dash.register_page(__name__, path="/404", access="public")


def layout(lang: str | None = "en", **_query: object) -> html.Div:
    lang = normalise(lang)
    return html.Div([html.H2(t("not_found_title", lang)), html.P(t("not_found", lang), id="not-found"),
                     html.P(dcc.Link(t("go_home", lang), href="/"))])
