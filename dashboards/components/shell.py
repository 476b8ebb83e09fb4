"""The page shell around ``dash.page_container``: header with navigation and the language switch (en, fr, ar;
Arabic right-to-left). The shell is static; the navigation is rendered per request for the signed-in user."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import data, i18n
from dashboards.components import review
from dashboards.i18n import t
from scn.access.users import User


def layout() -> html.Div:
    """The static app layout: header (``#nav``, ``#lang``) and ``main#page`` holding the pages' container."""
    return html.Div([
        html.Header([
            html.Nav(id="nav"),
            dcc.RadioItems(id="lang", options=[{"label": v, "value": k} for k, v in i18n.LANGS.items()],
                           value="en", inline=True, persistence=True, persistence_type="local"),
        ]),
        html.Main(dash.page_container, id="page"),
    ], id="shell", dir="ltr", lang="en")


def nav(user: User | None, lang: str, csrf_token: str = "") -> list:
    """Brand, the links the user may follow, the snapshot stamp, who is signed in and log-out (a button posting
    a small form with the session's CSRF token: log-out is POST only)."""
    brand = html.Strong(t("app_title", lang), className="brand")
    if user is None:
        return [brand]
    links = [dcc.Link(t("network", lang), href="/network"), dcc.Link(t("health", lang), href="/health")] \
        if user.is_staff else [dcc.Link(t("my_city", lang), href=f"/city/{user.city_id}")]
    if user.is_staff or user.is_reviewer:
        links.append(dcc.Link(review.t("nav", lang), href="/review", id="nav-review"))
    links.append(dcc.Link(t("alert_inbox", lang), href="/alerts", id="nav-alerts"))  # issue 21: the alert inbox
    links += [dcc.Link(t("staff_nav_profiles", lang), href="/cities", id="nav-profiles"),  # issue 22: the hub
              dcc.Link(t("staff_nav_library", lang), href="/library", id="nav-library")]
    if user.is_staff:
        links += [dcc.Link(t("staff_nav_upload", lang), href="/staff/upload", id="nav-upload"),
                  dcc.Link(t("staff_nav_users", lang), href="/staff/users", id="nav-users"),
                  dcc.Link(t("staff_nav_audit", lang), href="/staff/audit", id="nav-audit")]
    links.append(dcc.Link(t("glossary", lang), href="/glossary", id="nav-glossary"))
    info = data.snapshot_info()
    stamp = t("snapshot", lang, date=i18n.date(info.get("data_date"), lang),
              published=i18n.date(info.get("published_at"), lang)) if info else t("no_snapshot", lang)
    return [brand, *links, html.Span(stamp, className="stamp"), html.Span(t("signed_in", lang, user=user.username)),
            html.Form([dcc.Input(name="csrf_token", type="hidden", value=csrf_token),
                       html.Button(t("logout", lang), id="logout", type="submit")],
                      action="/logout", method="POST", id="logout-form", style={"display": "inline"})]


def meaning(key: str, lang: str) -> html.P:
    """The one-line "what this means" of a figure (the glossary's entry ``key``) with a link to the glossary."""
    term, text = i18n.glossary(key, lang)
    return html.P([html.Strong(f"{t('what_this_means', lang)} ({term}): "), text, " ",
                   dcc.Link(t("glossary", lang), href=f"/glossary#{key}")], className="meaning")
