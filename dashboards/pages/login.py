"""Log-in page (public): a plain HTML form (fields ``username``, ``password``) posted to the server's
``/login``; ``?next=`` is where to go after, ``?error=1`` says the last attempt failed."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards.i18n import normalise, t

dash.register_page(__name__, path="/login", access="public")


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    nxt = query.get("next")
    nxt = nxt if isinstance(nxt, str) and nxt else "/"
    error = html.P(t("login_failed", lang), id="login-error", className="error") if query.get("error") else None
    return html.Div([
        html.H2(t("login", lang)),
        error,
        html.Form([
            html.Label([t("username", lang), dcc.Input(id="username", name="username", type="text",
                                                       autoComplete="username", required=True)]),
            html.Label([t("password", lang), dcc.Input(id="password", name="password", type="password",
                                                       autoComplete="current-password", required=True)]),
            dcc.Input(name="next", type="hidden", value=nxt),
            html.Button(t("login", lang), id="login-submit", type="submit"),
        ], action="/login", method="POST", id="login-form"),
    ], className="login")
