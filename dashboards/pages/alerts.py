"""Alert inbox (``/alerts``): an official (or a reviewer, read-only) sees their city's alerts, newest first, in
plain words with their age, evidence, state, who acted when and the note, and acknowledges or closes them with a
note (the form posts to ``POST /alerts``: CSRF token, role and city checked there); staff see the alerts of the
whole network, filtered by city, state and type, and may act on any."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboards import auth, data, i18n
from dashboards.components import alerts as view
from dashboards.components import section
from dashboards.i18n import normalise, t

dash.register_page(__name__, path="/alerts", access="user")

STATES = ("new", "acknowledged", "closed", "expired")


def _filtered(facts: pd.DataFrame, city: object, state: object, kind: object) -> pd.DataFrame:
    keep = pd.Series(True, index=facts.index)
    for col, value in (("city_id", city), ("state", state), ("alert_type", kind)):
        if isinstance(value, str) and value:
            keep &= facts[col].eq(value)
    return facts[keep.to_numpy(bool)]


def _filters(facts: pd.DataFrame, lang: str, city: object, state: object, kind: object) -> html.Div:
    cities = sorted(data.city_ids())
    kinds = sorted(set(facts["alert_type"].dropna()) | {"burst", "coordinated"})

    def pick(id_: str, label: str, options: list[dict], value: object) -> html.Label:
        return html.Label([t(label, lang), dcc.Dropdown(id=id_, options=options, value=value or None,
                                                        placeholder=t("filter_all", lang), clearable=True,
                                                        style={"minWidth": "180px"})])

    return html.Div([
        pick("alert-filter-city", "filter_city", [{"label": data.city_name(c), "value": c} for c in cities], city),
        pick("alert-filter-state", "filter_state", [{"label": i18n.alert_state(s, lang), "value": s}
                                                    for s in STATES], state),
        pick("alert-filter-type", "filter_type", [{"label": i18n.alert_type(k, lang), "value": k} for k in kinds],
             kind),
    ], className="controls", id="alert-filters", style={"display": "flex", "gap": "16px"})


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    user = auth.require_page(__name__)
    if user.is_staff:
        facts = view.inbox(None, "staff")
        city, state, kind = query.get("city"), query.get("state"), query.get("type")
        return html.Div([
            html.H2(t("alert_network", lang), id="alerts-title"),
            section(t("alert_inbox", lang), _filters(facts, lang, city, state, kind),
                    html.Div(view.alert_list(_filtered(facts, city, state, kind), lang, user),
                             id="alert-list-box")),
        ])
    city_id = user.city_id or ""
    facts = view.inbox(city_id, auth.audience(user)) if city_id in data.city_ids() else view.inbox("", "official")
    return html.Div([
        html.H2(f"{t('alert_inbox', lang)}: {data.city_name(city_id)}", id="alerts-title"),
        html.Div(view.alert_list(facts, lang, user), id="alert-list-box"),
    ])


@dash.callback(Output("alert-list-box", "children"), Input("alert-filter-city", "value"),
               Input("alert-filter-state", "value"), Input("alert-filter-type", "value"), State("lang", "value"),
               prevent_initial_call=True)
def filter_alerts(city: object, state: object, kind: object, lang: str | None):
    """Staff: the network's alerts of one city, state and type (any, when a filter is cleared)."""
    user = auth.require_page(__name__)
    if not user.is_staff:  # the filters are staff's: anyone else gets their own city's list, filters ignored
        own = user.city_id or ""
        facts = view.inbox(own, auth.audience(user)) if own in data.city_ids() else view.inbox("", "official")
        return view.alert_list(facts, normalise(lang), user)
    return view.alert_list(_filtered(view.inbox(None, "staff"), city, state, kind), normalise(lang), user)
