"""Review (``/review``, staff and reviewers): the city's review sample and its measured accuracy.

A reviewer (role ``reviewer``, one city) sees the raw text of the posts sampled for review in their city, labels
each hate / offensive / none with a target group, and saves; every rendering of raw text is recorded in the
review access log (scn.review.store). Staff see the figures of any city (``?city=``) but no post text. Officials
are refused (403) by the declared rule. Accuracy is measured on the reviewed random stratum (scn.review.loop)."""

from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, Output, State, dcc, html
from flask import abort

from dashboards import auth, data, i18n
from dashboards.components import section
from dashboards.components.review import accuracy_lines
from dashboards.components.review import t as _t
from dashboards.i18n import normalise
from scn.access.users import User
from scn.nlp.labels import CLASSES
from scn.review import loop, published, store
from scn.settings import settings

dash.register_page(__name__, path="/review", access="review")

CITY_STORE = "review-city"  # not auth.CITY_STORE: this page's rule is "review", checked here for the city
PAGE_SIZE = 40


def _accuracy_block(city_id: str, lang: str) -> list:
    """The live accuracy lines; the posts' platform mix only where no platform's count follows as 1..k-1
    (``published.mixes_said``: a reviewer reads the city's post total on the city page)."""
    lines = accuracy_lines(published.mixes_said(loop.accuracy(city_id), k=settings().suppress_below), lang)
    return [html.P(x) for x in lines] if lines else [html.P(_t("nothing", lang))]


def _city(user: User, query_city: object) -> str | None:
    """The city shown: a reviewer's own; for staff ``?city=`` (a known city) or the first city with a sample."""
    if not user.is_staff:
        return user.city_id
    if isinstance(query_city, str) and query_city in data.city_ids():
        return query_city
    sampled = sorted(set(store.samples()["city_id"].dropna()))
    return sampled[0] if sampled else None


def _posts(city_id: str, user: User, lang: str) -> html.Div:
    """The reviewer's form: the sampled posts they have not labelled yet, with their text (a logged view)."""
    mine = store.labels(city_id)
    done = set(mine.loc[mine["reviewer"] == loop.reviewer_pseudonym(user.username), "post_key"])
    sampled = store.samples(city_id)
    todo = sampled[~sampled["post_key"].isin(done)]
    todo = todo[loop.readable(todo["post_key"]).to_numpy()].head(PAGE_SIZE)  # not a post whose text was erased
    if todo.empty:
        return html.P(_t("done" if len(sampled) else "nothing", lang), id="review-done")
    shown = todo[["post_key"]].merge(loop.texts_for(city_id, user.username, todo["post_key"]), on="post_key")
    labels = [{"label": _t(c, lang), "value": c} for c in CLASSES]
    targets = [{"label": i18n.t(f"target_{g}", lang) if i18n.has(f"target_{g}") else g.replace("_", " "),
                "value": g} for g in loop.TARGETS]
    rows = [html.Div([
        html.P(str(r.text or ""), className="review-text", dir="auto"),
        dcc.RadioItems(id={"type": "review-label", "post": r.post_key}, options=labels, inline=True,
                       className="review-label"),
        dcc.Dropdown(id={"type": "review-target", "post": r.post_key}, options=targets,
                     placeholder=_t("target", lang), className="review-target"),
    ], className="review-post card") for r in shown.itertuples()]
    return html.Div([*rows, html.Button(_t("save", lang), id="review-save"), html.P(id="review-status")],
                    id="review-form")


def layout(lang: str | None = "en", **query: object) -> html.Div:
    lang = normalise(lang)
    user = auth.require_page(__name__)
    city_id = _city(user, query.get("city"))
    if city_id is None:
        return html.Div([html.H2(_t("title", lang)), html.P(_t("nothing", lang))])
    sample = _posts(city_id, user, lang) if user.is_reviewer else html.P(_t("no_text", lang), className="note")
    return html.Div([
        html.H2(f"{_t('title', lang)}: {data.city_name(city_id)}", id="review-title"),
        dcc.Store(id=CITY_STORE, data=city_id),
        section(_t("accuracy", lang), html.Div(_accuracy_block(city_id, lang), id="review-accuracy")),
        section(_t("sample", lang), sample),
    ])


@dash.callback(Output("review-status", "children"), Output("review-accuracy", "children"),
               Input("review-save", "n_clicks"), State({"type": "review-label", "post": ALL}, "value"),
               State({"type": "review-label", "post": ALL}, "id"),
               State({"type": "review-target", "post": ALL}, "value"), State(CITY_STORE, "data"),
               State("lang", "value"), prevent_initial_call=True)
def save(n_clicks: int | None, labels: list | None, ids: list | None, targets: list | None, city_id: object,
         lang: str | None):
    """Save the labels given (a reviewer, for their own city only); the accuracy block is recomputed."""
    user = auth.require_page(__name__)
    lang = normalise(lang)
    if not isinstance(city_id, str) or city_id not in data.city_ids():
        return "", []
    if not user.is_staff and city_id != user.city_id:
        abort(403)  # a reviewer labels their own city only
    if not user.is_reviewer or not n_clicks or not ids:
        return "", _accuracy_block(city_id, lang)
    n = len(ids)
    entries = pd.DataFrame({"post_key": [str(i.get("post")) if isinstance(i, dict) else "" for i in ids],
                            "label": (list(labels or []) + [None] * n)[:n],
                            "target": (list(targets or []) + [None] * n)[:n]})
    try:
        added, replaced = loop.save_labels(city_id, user.username, entries)
    except loop.ReviewError as exc:
        return str(exc), _accuracy_block(city_id, lang)
    return _t("saved", lang, n=added + replaced), _accuracy_block(city_id, lang)
