"""Resource library (``/library``, public): search in English, French or Arabic and filter by kind, theme,
language, region, city and year (``scn.hub.library``); each entry with its kind, language, date, licence,
access badge and a link to its address or stored file (``/library/file/<id>``). Anonymous visitors see public
entries only, signed-in users the network's and their own city's too, staff everything; staff also get the
form that adds an entry (``POST /library/upload``, dashboards/components/library.py). Query arguments ``q``,
``kind``, ``theme``, ``language``, ``region``, ``city``, ``year`` pre-fill the search; ``added`` names the entry
just added."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from dashboards import auth
from dashboards.components import library as view
from dashboards.components import section
from dashboards.i18n import normalise, t
from scn.hub import library

dash.register_page(__name__, path="/library", access="public")


def _values(values: dict) -> dict:
    return {k: str(v) for k, v in values.items() if k in library.FILTERS and isinstance(v, str | int) and v != ""}


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    user = auth.require_page(__name__)
    q = query.get("q") if isinstance(query.get("q"), str) else ""
    chosen = _values(query)
    added = library.get(str(query["added"])) if isinstance(query.get("added"), str) else None
    notice = [html.P(t("library_added", lang, title=added["title"]), id="library-added", role="status")] \
        if added is not None and library.may_see(user, added["access"], added.get("city_id")) else []
    return html.Div([
        html.H2(t("library_title", lang), id="library-title"),
        html.P(t("library_intro", lang)),
        *([html.P(t("library_signin_more", lang), className="note")] if user is None else []),
        *notice,
        section(t("library_search", lang),
                html.Label([t("library_search", lang), " ",
                            dcc.Input(id="library-q", type="search", value=q, debounce=True, maxLength=200,
                                      placeholder=t("library_search_placeholder", lang),
                                      style={"width": "60%"})]),
                view.filters(user, lang, chosen),
                html.Div(view.results(q, user, lang, chosen), id="library-results-box")),
        *([section(t("library_upload_title", lang), view.upload_form(lang, auth.csrf_token()), id="library-upload")]
          if user is not None and user.is_staff else []),
    ])


@dash.callback(Output("library-results-box", "children"), Input("library-q", "value"),
               *[Input(f"library-{k}", "value") for k in library.FILTERS], State("lang", "value"),
               prevent_initial_call=True)
def search(q: object, *values: object):
    """The results for the search box and filters, for whoever is signed in (never a user named by the
    request)."""
    *chosen, lang = values
    user = auth.require_page(__name__)
    return view.results(q if isinstance(q, str) else "", user, normalise(lang if isinstance(lang, str) else None),
                        _values(dict(zip(library.FILTERS, chosen, strict=True))))
