"""Building blocks of the alert inbox (``pages/alerts.py``) and the city page's open alerts, and the form post
that acknowledges, closes or reopens an alert (``POST /alerts``).

The alerts are the published ``alerts`` table shaped for the viewer (``for_audience``) and turned into facts by
``scn.alerts.catalog`` (stable ids, this week's and the usual count, the area, the age); their inbox state and
history come from ``scn.alerts.store``. Sentences are the i18n words (``dashboards.i18n.alert_sentence``)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

import flask
import pandas as pd
from dash import dcc, html
from flask import Response, abort, redirect, request
from flask_wtf.csrf import CSRFError

from dashboards import auth, data, i18n
from dashboards.i18n import t
from scn.access.users import User
from scn.alerts import catalog, store
from scn.alerts.catalog import ACTIONS, alert_facts
from scn.privacy.levels import rule_key
from scn.settings import settings

OPEN = ("new", "acknowledged")
COLOURS = {"new": "#b03a2e", "acknowledged": "#b9770e", "closed": "#5d6d7e", "expired": "#85929e"}
# the actions offered in each state (ACTIONS in scn.alerts.catalog says where each leads)
OFFERED = {"new": ("acknowledge", "close"), "acknowledged": ("close",), "closed": ("reopen",),
           "expired": ("acknowledge", "close")}


@lru_cache(maxsize=256)
def _shaped(snap: str, city_id: str | None, audience: str, rule: tuple, k: int) -> pd.DataFrame:
    return catalog.shaped(data.table("alerts", city_id), audience, lambda name: data.table(name, city_id), k=k)


def shaped(city_id: str | None, audience: str) -> pd.DataFrame:
    """The published alerts of one city (or all: ``None``) shaped for an audience (``scn.alerts.catalog.shaped``:
    for an official, set against the city's published totals). Cached per snapshot, city, audience and
    disclosure rule (``rule_key``): setting every alert against the totals is paid once per publish, not on
    every page and inbox request."""
    k = settings().suppress_below
    return _shaped(data.snapshot_key(), city_id, audience, rule_key(k), k).copy(deep=False)


def inbox(city_id: str | None, audience: str) -> pd.DataFrame:
    """The alerts of one city (or all: ``None``) for an audience, newest first: the facts of
    ``scn.alerts.catalog.alert_facts`` plus ``state`` (new, acknowledged, closed; ``expired``: new, nobody acted,
    older than ``SCN_ALERT_EXPIRE_DAYS``), ``changed_by``, ``changed_at`` and ``note``."""
    facts = alert_facts(shaped(city_id, audience), data.table("areas", city_id), datetime.now(UTC).date())
    states = store.states(list(facts["alert_id"])) if len(facts) else pd.DataFrame()
    cols = ["alert_id", "state", "changed_by", "changed_at", "note"]
    facts = facts.merge(states.reindex(columns=cols).astype(object), on="alert_id", how="left")
    facts["state"] = facts["state"].fillna("new")
    old = facts["state"].eq("new") & (facts["age_days"].fillna(0) > settings().alert_expire_days)
    facts.loc[old.to_numpy(bool), "state"] = "expired"
    return facts


def may_act(user: User | None, city_id: str) -> bool:
    """Staff on any city, an official on their own; reviewers and others never."""
    return user is not None and (user.is_staff or (user.role == "official" and user.city_id == city_id))


def _when(iso: object) -> str:
    return str(iso or "")[:16].replace("T", " ")


def _history(alert_id: str, hist: pd.DataFrame, lang: str) -> html.Details | None:
    rows = hist[hist["alert_id"] == alert_id]
    if rows.empty:
        return None
    items = [html.Li([t("alert_by", lang, state=i18n.alert_state(r.state, lang), user=r.actor, when=_when(r.at)),
                      *([" — ", t("alert_note", lang, note=r.note)] if r.note else [])]) for r in rows.itertuples()]
    return html.Details([html.Summary(t("alert_history", lang)), html.Ul(items)], className="note")


def _form(alert_id: str, state: str, lang: str, token: str, back: str) -> html.Form:
    return html.Form([
        dcc.Input(name="csrf_token", type="hidden", value=token),
        dcc.Input(name="alert_id", type="hidden", value=alert_id),
        dcc.Input(name="next", type="hidden", value=back),
        html.Label([t("alert_note_label", lang), " ",
                    html.Textarea(name="note", id=f"note-{alert_id}", rows=2, maxLength=store.MAX_NOTE,
                                  style={"width": "100%"})]),
        *[html.Button(t(f"action_{a}", lang), name="action", value=a, type="submit", id=f"{a}-{alert_id}",
                      style={"marginInlineEnd": "8px"}) for a in OFFERED[state]],
    ], action="/alerts", method="POST", className="alert-actions")


def card(row: dict, lang: str, user: User | None, token: str, hist: pd.DataFrame, back: str = "/alerts",
         city_name: str | None = None) -> html.Article:
    """One alert: the sentence, its age, its evidence, its state (who, when, the note), the history and, for a
    user who may act on it, the acknowledge/close/reopen form."""
    state = row["state"]
    status = i18n.alert_state(state, lang)
    if row.get("changed_by") and not pd.isna(row.get("changed_by")) and state != "expired":
        status = t("alert_by", lang, state=status, user=row["changed_by"], when=_when(row.get("changed_at")))
    note = row.get("note")
    evidence = i18n.evidence(row.get("evidence"), lang, k=settings().suppress_below)
    return html.Article([
        html.H4(i18n.alert_sentence(row, lang, city_name, k=settings().suppress_below), className="alert-sentence"),
        html.P([html.Strong(status, className="alert-state", style={"color": COLOURS.get(state, "#333")}),
                " · ", t("alert_raised", lang, age=i18n.alert_age(row.get("age_days"), lang),
                         period=row.get("period") or "?")], className="alert-meta"),
        *([html.P(t("alert_note", lang, note=note), className="alert-note")]
          if isinstance(note, str) and note else []),
        *([html.P(t("alert_evidence", lang, text=evidence), className="note")] if evidence else []),
        *([h] if (h := _history(row["alert_id"], hist, lang)) is not None else []),
        *([_form(row["alert_id"], state, lang, token, back)] if may_act(user, row["city_id"]) else []),
    ], id=f"alert-{row['alert_id']}", className=f"card alert alert-{state}",
        style={"borderInlineStart": f"6px solid {COLOURS.get(state, '#333')}"})


def alert_list(facts: pd.DataFrame, lang: str, user: User | None, back: str = "/alerts") -> html.Div:
    """Open alerts first (newest first), then the closed and expired ones collapsed."""
    token = auth.csrf_token() if user is not None else ""
    hist = store.history(list(facts["alert_id"])) if len(facts) else pd.DataFrame(columns=["alert_id"])
    names = {c: data.city_name(c) for c in pd.unique(facts["city_id"])}
    cards = {a: card(r, lang, user, token, hist, back, names.get(r["city_id"]))
             for a, r in zip(facts["alert_id"], facts.to_dict("records"), strict=True)}
    is_open = facts["state"].isin(OPEN).to_numpy(bool)
    opened = [cards[a] for a in facts.loc[is_open, "alert_id"]]
    old = [cards[a] for a in facts.loc[~is_open, "alert_id"]]
    return html.Div([
        html.H3(t("alerts_open", lang)),
        html.Div(opened or [html.P(t("alerts_none_open", lang))], id="alerts-open"),
        *([html.Details([html.Summary(t("alerts_old", lang, n=len(old))), html.Div(old)], id="alerts-old")]
          if old else []),
    ], id="alert-list")


def open_alerts(city_id: str, lang: str, audience: str, limit: int = 3) -> html.Div:
    """The city page's short list: its newest open alerts in a sentence each, and a link to the inbox."""
    facts = inbox(city_id, audience)
    shown = facts[facts["state"].isin(OPEN)]
    items = [html.Li([i18n.alert_sentence(r, lang, data.city_name(city_id), k=settings().suppress_below), " — ",
                      html.Span(f"{i18n.alert_state(r['state'], lang)}, {i18n.alert_age(r['age_days'], lang)}",
                                className="note")]) for r in shown.head(limit).to_dict("records")]
    more = len(shown) - limit
    return html.Div([
        html.Ul(items) if items else html.P(t("alerts_none_open", lang)),
        *([html.P(t("alerts_more", lang, n=more), className="note")] if more > 0 else []),
        dcc.Link(t("alerts_see_inbox", lang), href="/alerts", id="open-inbox"),
    ], id="open-alerts")


def post_action() -> Response:
    """``POST /alerts`` (alert_id, action, note, next, csrf_token): acknowledge, close or reopen an alert.
    400 without a valid CSRF token; 401 signed out; 403 for a user who may act on no alert (a reviewer); 404 for
    an alert the snapshot does not have and, alike, for another city's alert: alert ids are hashes of the city,
    type, area and week, so a different answer would tell an official which other cities had an alert in a week;
    and for an alert of the official's city left out of the official's copy (``shaped``: its existence would give
    a small count back). Then back to ``next`` (a path of this site)."""
    try:
        flask.current_app.extensions["csrf"].protect()
    except CSRFError:
        abort(400)
    user = auth.current_user()
    if user is None:
        abort(401)
    alert_id, action = request.form.get("alert_id", "")[:64], request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    if not (user.is_staff or user.role == "official"):
        abort(403)
    # the alerts of the user's own copy: an alert the existence rule leaves out of an official's copy answers as
    # none, or an official trying ids (hashes of city, type, area and week) would read which bursts exist
    facts = alert_facts(shaped(None, "staff") if user.is_staff else shaped(user.city_id, auth.audience(user)))
    match = facts[facts["alert_id"] == alert_id]
    if match.empty or not may_act(user, city_id := str(match["city_id"].iloc[0])):
        abort(404)
    store.act(alert_id, city_id, action, user.username, request.form.get("note"))
    return redirect(auth.safe_next(request.form.get("next") or "/alerts"), code=303)
