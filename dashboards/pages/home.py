"""Home (``/``, any signed-in user): the network overview for staff; an official is sent to their city's page
(the request hook redirects, the router renders that page)."""

from __future__ import annotations

import dash
from dash import html

from dashboards import auth

dash.register_page(__name__, path="/", access="user", redirect_officials="/city/{city_id}")


def layout(lang: str | None = "en", **_query: object) -> html.Div | html.P:
    """The network page's layout for staff, the official's own city page otherwise (query arguments are not
    passed on: they cannot choose another city)."""
    user = auth.require_page(__name__)  # access "user": signed in, else 401
    if user.is_staff:
        return dash.page_registry["dashboards.pages.network"]["layout"](lang=lang)
    return dash.page_registry["dashboards.pages.city"]["layout"](city_id=user.city_id or "", lang=lang)
