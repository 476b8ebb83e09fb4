"""Audit log (``/staff/audit``, staff): who changed what and when (``scn.hub.audit``: users, roles, uploads,
profile texts, library entries), newest first, filtered by who, what change and what (``?actor=&action=&target=``
from a plain GET form). Also ``scn audit [--json]``."""

from __future__ import annotations

import json

import dash
from dash import dcc, html

from dashboards import auth, data, i18n
from dashboards.components import section
from dashboards.i18n import normalise, t
from scn.hub import audit

dash.register_page(__name__, path="/staff/audit", access="staff")

LIMIT = 500


def action_words(action: object, lang: str) -> str:
    """An audit action in words (``staff_action_<code>``; an action another page records without words: as is)."""
    key = f"staff_action_{action}"
    return t(key, lang) if i18n.has(key) else str(action)


def _detail(raw: object) -> str:
    try:
        detail = json.loads(str(raw)) if raw else {}
    except ValueError:
        return ""
    return ", ".join(f"{k}={v}" for k, v in sorted(detail.items())) if isinstance(detail, dict) else ""


def _text(query: dict, key: str) -> str | None:
    value = query.get(key)
    return value.strip()[:200] or None if isinstance(value, str) else None


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    auth.require_page(__name__)
    actor, action, target = _text(query, "actor"), _text(query, "action"), _text(query, "target")
    rows = audit.entries(LIMIT, actor=actor, action=action, target=target)
    every = audit.entries(LIMIT)
    actions = sorted(set(every["action"]) | ({action} if action else set()))
    form = html.Form([
        html.Label([t("staff_audit_actor", lang), " ",
                    dcc.Input(name="actor", id="audit-actor", type="text", value=actor or "", maxLength=200)]),
        html.Label([t("staff_audit_action", lang), " ",
                    html.Select([html.Option(t("staff_audit_any", lang), value="", selected=not action),
                                 *[html.Option(action_words(a, lang), value=a, selected=a == action)
                                   for a in actions]], name="action", id="audit-action")]),
        html.Label([t("staff_audit_target", lang), " ",
                    dcc.Input(name="target", id="audit-target", type="text", value=target or "", maxLength=200)]),
        html.Button(t("staff_audit_filter", lang), type="submit", id="audit-filter"),
    ], action="/staff/audit", method="GET", id="audit-form", style={"display": "flex", "gap": "12px",
                                                                    "flexWrap": "wrap"})
    head = html.Tr([html.Th(t(k, lang)) for k in ("staff_audit_at", "staff_audit_actor", "staff_audit_action",
                                                   "staff_audit_target", "staff_audit_city", "staff_audit_detail")])
    body = [html.Tr([html.Td(str(r.at).replace("T", " ")[:19]), html.Td(r.actor),
                     html.Td(action_words(r.action, lang)), html.Td(r.target),
                     html.Td(data.city_name(r.city_id) if r.city_id else ""), html.Td(_detail(r.detail))],
                    className="audit-row") for r in rows.itertuples()]
    table = html.Table([html.Thead(head), html.Tbody(body)], id="audit-table", className="table") if body else \
        html.P(t("staff_audit_none", lang), id="audit-none")
    return html.Div([
        html.H2(t("staff_audit_title", lang), id="audit-title"),
        section(t("staff_audit_title", lang), form, html.P(t("staff_audit_shown", lang, n=LIMIT), className="note"),
                table),
    ])
