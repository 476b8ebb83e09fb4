"""City profiles of the Online Hub, the directory (``/cities``): "N member cities in the registry", a search box
and filters by theme, region, country, programme line and language, and the matching cities, each linking to
its profile (``pages/city_profile.py``, ``/cities/<city_id>``). Any signed-in user (rule ``user``)."""

from __future__ import annotations

import dash
from dash import html

from dashboards import auth
from dashboards.components import profiles as view
from dashboards.i18n import normalise

dash.register_page(__name__, path="/cities", access="user")


def layout(lang: str | None = "en", **query: object) -> html.Div:
    """The directory: search and filters come as query arguments (``?q=&theme=&region=&country=&line=&language=``)."""
    auth.require_page(__name__)
    return view.page_layout(normalise(lang), query)
