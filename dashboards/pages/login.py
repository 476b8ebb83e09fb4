"""Log-in page (public): a plain HTML form (fields ``username``, ``password``, the CSRF token ``csrf_token``
and the page language ``lang``) posted to the server's ``/login``; ``?next=`` is where to go after (kept only
when it is a path on this site), ``?error=1`` says the last attempt failed."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards.auth import csrf_token, safe_next
from dashboards.i18n import normalise, t

dash.register_page(__name__, path="/login", access="public")


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    error = html.P(t("login_failed", lang), id="login-error", className="error") if query.get("error") else None
    return html.Div([
        html.H2(t("login", lang)),
        error,
        html.Form([
            html.Label([t("username", lang), dcc.Input(id="username", name="username", type="text",
                                                       autoComplete="username", required=True)]),
            html.Label([t("password", lang), dcc.Input(id="password", name="password", type="password",
                                                       autoComplete="current-password", required=True)]),
            dcc.Input(name="next", type="hidden", value=safe_next(query.get("next"))),
            dcc.Input(name="lang", type="hidden", value=lang),
            dcc.Input(id="login-csrf", name="csrf_token", type="hidden", value=csrf_token()),
            html.Button(t("login", lang), id="login-submit", type="submit"),
        ], action="/login", method="POST", id="login-form"),
    ], className="login")
