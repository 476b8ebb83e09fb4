"""One city's profile (``/cities/<city_id>``, any signed-in user, rule ``user``): facts from the registry,
programmes, survey and monitoring status, the profile texts the user may read with their history, and the edit
form for staff and the city's own official (posted to ``POST /cities/<city_id>``). Which texts a user reads and
who may edit are decided in ``scn.hub.profiles``; a city the registry does not know is answered 404
(``components.profiles.init_profiles``)."""

from __future__ import annotations

import dash
from dash import html

from dashboards import auth
from dashboards.components import profiles as view
from dashboards.i18n import normalise

dash.register_page(__name__, path_template="/cities/<city_id>", access="user")


def layout(city_id: str | None = None, lang: str | None = "en", **_query: object) -> html.Div | html.P:
    """The profile of ``city_id`` for the signed-in user."""
    user = auth.require_page(__name__, city_id=city_id)
    return view.profile(str(city_id or ""), user, normalise(lang))
