"""One-time password page (``/reset/<token>``, public: the link is the credential): the user named by an
unused, unexpired token chooses a password (posted with the CSRF token to ``POST /reset/<token>``,
dashboards/components/staff.py), which spends the link and ends every earlier session of the account; any other
token gets "this link cannot be used" (HTTP 410). Every request reaching the page (its routes, the router's
callback, any spelling of its path) is throttled per client address in one budget (``auth.throttle``)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards import auth, i18n
from dashboards.i18n import normalise, t
from scn.access import users

dash.register_page(__name__, path_template="/reset/<token>", access="public", invalid_status=410,
                   throttle="staff_reset_throttled")  # every request reaching it, router too (auth.throttle)


def layout(lang: str | None = "en", token: str | None = None, **query: object) -> html.Div:
    lang = normalise(lang)
    owner = users.reset_user(token)
    if owner is None:
        return html.Div([html.H2(t("staff_reset_title", lang)),
                         html.P(t("staff_reset_refused", lang), id="reset-refused", role="alert")], className="login")
    error = query.get("error")
    key = f"staff_error_{error}" if isinstance(error, str) and i18n.has(f"staff_error_{error}") else None
    return html.Div([
        html.H2(t("staff_reset_title", lang)),
        html.P(t("staff_reset_for", lang, user=owner.username), id="reset-user"),
        *([html.P(t(key, lang, n=users.MAX_PASSWORD if error == "password_long" else users.MIN_PASSWORD),
                  id="reset-error", className="error", role="alert")]
          if key else []),
        html.Form([
            html.Label([t("staff_reset_password", lang, n=users.MIN_PASSWORD),
                        dcc.Input(id="reset-password", name="password", type="password", required=True,
                                  autoComplete="new-password", minLength=users.MIN_PASSWORD)]),
            html.Label([t("staff_reset_confirm", lang),
                        dcc.Input(id="reset-confirm", name="confirm", type="password", required=True,
                                  autoComplete="new-password", minLength=users.MIN_PASSWORD)]),
            dcc.Input(name="lang", type="hidden", value=lang),
            dcc.Input(name="csrf_token", type="hidden", value=auth.csrf_token()),
            html.P(t("staff_reset_note", lang), className="note"),
            html.Button(t("staff_reset_submit", lang), id="reset-submit", type="submit"),
        ], action=f"/reset/{token}", method="POST", id="reset-form"),
    ], className="login")
