"""User management (``/staff/users``, staff): every user with role, city and whether a password is set; change
role or city, remove, make a one-time password link; add a user (with a password, or without one: the page then
shows a one-time link for the user to choose it). The forms post to ``POST /staff/users``
(dashboards/components/staff.py); what was done, or why not, comes back in the query (``done``/``error``,
``user``) and the link, once, from the session of the staff member who made it."""

from __future__ import annotations

import dash
import flask
from dash import dcc, html

from dashboards import auth, data, i18n
from dashboards.components import section
from dashboards.components import staff as tools
from dashboards.i18n import normalise, t
from dashboards.pages.staff_upload import city_options
from scn.access import users
from scn.access.users import ROLES, User

dash.register_page(__name__, path="/staff/users", access="staff")


def _hidden(token: str, action: str, username: str = "") -> list:
    return [dcc.Input(name="csrf_token", type="hidden", value=token),
            dcc.Input(name="action", type="hidden", value=action),
            *([dcc.Input(name="username", type="hidden", value=username)] if username else [])]


def _roles(lang: str, chosen: str | None, id_: str) -> html.Select:
    return html.Select([html.Option(t(f"staff_role_{r}", lang), value=r, selected=r == chosen) for r in ROLES],
                       name="role", id=id_)


def _cities(lang: str, chosen: str | None, id_: str) -> html.Select:
    return html.Select(city_options(lang, "staff_users_no_city", chosen), name="city", id=id_)


def _row(user: User, lang: str, token: str) -> html.Tr:
    name = user.username
    inline = {"display": "inline-flex", "gap": "6px", "margin": "2px"}
    return html.Tr([
        html.Td(name),
        html.Td(t(f"staff_role_{user.role}", lang)),
        html.Td(data.city_name(user.city_id) if user.city_id else t("staff_users_no_city", lang)),
        html.Td(t("staff_users_pending" if users.pending(name) else "staff_users_active", lang),
                id=f"status-{name}"),
        html.Td([
            html.Form([*_hidden(token, "change", name), _roles(lang, user.role, f"role-{name}"),
                       _cities(lang, user.city_id, f"city-{name}"),
                       html.Button(t("staff_users_save", lang), type="submit", id=f"save-{name}")],
                      action="/staff/users", method="POST", style=inline),
            html.Form([*_hidden(token, "reset_link", name),
                       html.Button(t("staff_users_reset", lang), type="submit", id=f"reset-{name}")],
                      action="/staff/users", method="POST", style=inline),
            html.Form([*_hidden(token, "remove", name),
                       html.Button(t("staff_users_remove", lang), type="submit", id=f"remove-{name}")],
                      action="/staff/users", method="POST", style=inline),
        ]),
    ], id=f"user-row-{name}")


def _add_form(lang: str, token: str) -> html.Form:
    return html.Form([
        *_hidden(token, "add"),
        html.Label([t("staff_users_name", lang), " ",
                    dcc.Input(name="username", id="add-username", type="text", maxLength=32, required=True,
                              autoComplete="off")]),
        html.Label([t("staff_users_role", lang), " ", _roles(lang, "official", "add-role")]),
        html.Label([t("staff_users_city", lang), " ", _cities(lang, None, "add-city")]),
        html.Label([t("staff_users_password", lang), " ",
                    dcc.Input(name="password", id="add-password", type="password", autoComplete="new-password")]),
        html.P(t("staff_users_rules", lang), className="note"),
        html.Button(t("staff_users_add_submit", lang), type="submit", id="add-submit"),
    ], action="/staff/users", method="POST", id="add-user-form",
        style={"display": "grid", "gap": "8px", "maxWidth": "640px"})


def _notices(lang: str, user: User, query: dict) -> list:
    name = query.get("user") if isinstance(query.get("user"), str) else ""
    out: list = []
    done, error = query.get("done"), query.get("error")
    if isinstance(done, str) and done in tools.USER_ACTIONS:
        out.append(html.P(t(f"staff_users_done_{done}", lang, user=name), id="users-done", role="status"))
    if isinstance(error, str):
        key = f"staff_error_{error}" if i18n.has(f"staff_error_{error}") else "staff_error_invalid"
        n = users.MAX_PASSWORD if error == "password_long" else users.MIN_PASSWORD
        out.append(html.P(t(key, lang, n=n), id="users-error", className="error", role="alert"))
    link = tools.pending_link(user)
    if link is not None:
        url = f"{flask.request.host_url.rstrip('/')}/reset/{link['token']}"
        out.append(html.Div([html.P(t("staff_users_link", lang, user=link["user"], hours=users.RESET_HOURS)),
                             html.Code(url, id="staff-link", style={"userSelect": "all", "wordBreak": "break-all"})],
                            className="card", id="staff-link-box"))
    return out


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    user = auth.require_page(__name__)
    token = auth.csrf_token()
    head = html.Tr([html.Th(t(k, lang)) for k in ("staff_users_name", "staff_users_role", "staff_users_city",
                                                   "staff_users_status", "staff_users_actions")])
    return html.Div([
        html.H2(t("staff_users_title", lang), id="users-title"),
        *_notices(lang, user, query),
        section(t("staff_users_title", lang),
                html.Table([html.Thead(head), html.Tbody([_row(u, lang, token) for u in users.list_users()])],
                           id="users-table", className="table")),
        section(t("staff_users_add", lang), _add_form(lang, token)),
    ])
