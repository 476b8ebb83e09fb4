"""A city that left the network (the registry's ``left_year``): its pages stay, for staff and for its own officials
(their city's history), and say so: "Former member since <year>" (docs/dashboards.md "Former members")."""

from __future__ import annotations

from dash import html

from dashboards import data
from dashboards.i18n import t


def former_note(city_id: str, lang: str, id: str = "former-member") -> html.P | None:
    """The note of a former member's pages, None for a current member."""
    year = data.left_year(city_id)
    if year is None:
        return None
    return html.P(t("former_member_note", lang, year=year), id=id, className="note former-member")


def since(year: object, lang: str) -> str:
    """"former member since <year>", the mark of a former member in a list."""
    return t("former_member_since", lang, year=int(year))
