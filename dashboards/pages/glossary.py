"""Glossary (``/glossary``, public: words only, no data): each statistic and term of the pages with a one-line
meaning in the page's language; figures elsewhere link to ``/glossary#<term>``."""

from __future__ import annotations

import dash
from dash import html

from dashboards.i18n import GLOSSARY, glossary, normalise, t

dash.register_page(__name__, path="/glossary", access="public")


def layout(lang: str | None = "en", **_query: object) -> html.Div:
    lang = normalise(lang)
    entries = []
    for key in GLOSSARY:
        term, meaning = glossary(key, lang)
        entries += [html.Dt(term, id=key), html.Dd(meaning)]
    return html.Div([html.H2(t("glossary", lang)), html.P(t("glossary_intro", lang), className="note"),
                     html.Dl(entries, id="glossary-terms", className="card glossary")])
