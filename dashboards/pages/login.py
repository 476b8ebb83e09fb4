"""Log-in page: a plain HTML form (fields ``username``, ``password``) posted to the server's ``/login``."""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import dcc, html

from dashboards.i18n import t


def layout(lang: str, search: str | None) -> html.Div:
    query = parse_qs((search or "").lstrip("?"))
    nxt = query.get("next", ["/"])[0]
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
