"""Building blocks of the city profiles (``pages/profiles.py``, ``pages/city_profile.py``): the directory of
every registry city (the snapshot's ``cities`` with programmes, survey and monitoring status:
``scn.hub.profiles.profile_frame``), the search form, a profile's facts, texts and history, the edit form and its
post (``POST /cities/<city_id>``).

:func:`init_profiles` registers that post route and answers 404 for ``/cities/<city_id>`` when the registry does
not know the city (the pages' access rule is ``user``: the registry, not the snapshot's cities with data, says
which profiles exist)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

import flask
import pandas as pd
from dash import dcc, html
from flask import Response, abort, redirect, request
from flask_wtf.csrf import CSRFError

from dashboards import auth, data, i18n
from dashboards.components import membership, section
from dashboards.i18n import t
from scn.access.users import User
from scn.hub import profiles

CITY_PAGE = "dashboards.pages.city_profile"  # the page registry key of /cities/<city_id>
FILTERS = ("theme", "region", "country", "line", "language")


@lru_cache(maxsize=4)
def _directory(snapshot_key: str) -> pd.DataFrame:
    return profiles.profile_frame(data.table("cities"), data.table("programme_years"),
                                  data.table("survey_indices"), data.table("city_month"))


def directory() -> pd.DataFrame:
    """Every registry city of the current snapshot, one row each (``scn.hub.profiles.profile_frame``)."""
    return _directory(data.snapshot_key()).copy(deep=False)


def registry_ids() -> set[str]:
    return set(directory()["city_id"])


def theme_word(code: str, lang: str) -> str:
    """A theme in words: its own word (``profiles_theme_<code>``), else the programme line of that code."""
    key = f"profiles_theme_{code}"
    return t(key, lang) if i18n.has(key) else i18n.code("line", code, lang)


def _comma(lang: str, semicolon: bool = False) -> str:
    """The list separator of the page's language (Arabic: "، " and "؛ ")."""
    if lang == "ar":
        return "؛ " if semicolon else "، "
    return "; " if semicolon else ", "


def _words(codes: object, word, lang: str) -> str:
    items = [c for c in str(codes or "").split(";") if c]
    return _comma(lang).join(word(c, lang) for c in items) if items else t("profiles_none", lang)


def _left(row: dict) -> int | None:
    """The year a registry row's city left the network (``left_year``), None for a current member."""
    year = row.get("left_year")
    return None if year is None or pd.isna(year) else int(year)


def member_count(lang: str) -> str:
    """"N member cities in the registry", N counted from the published registry's current members (then "and M
    former members" when some cities left the network)."""
    frame = directory()
    current = int(data.current_members(frame).sum())
    text = t("profiles_count", lang, n=i18n.number(current, lang))
    former = len(frame) - current
    return f"{text} {t('profiles_count_former', lang, n=i18n.number(former, lang))}" if former else text


# ---------------------------------------------------------------------------------------- the directory page
def _select(name: str, label: str, options: list[tuple[str, str]], value: object, lang: str) -> html.Label:
    return html.Label([t(label, lang), html.Select(
        [html.Option(t("filter_all", lang), value="", selected=not value),
         *[html.Option(text, value=code, selected=code == value) for code, text in options]],
        name=name, id=f"profiles-{name}")])


def search_form(frame: pd.DataFrame, lang: str, query: dict) -> html.Form:
    """The search box and the filters (a GET form: the filters are in the URL, ``/cities?theme=summit``)."""
    countries = frame.drop_duplicates("country_code")
    options = {
        "theme": [(c, theme_word(c, lang)) for c in profiles.listed(frame, "themes")],
        "region": [(c, i18n.code("region", c, lang)) for c in profiles.listed(frame, "region")],
        "country": sorted(((c, i18n.country(c, n, lang)) for c, n in
                           zip(countries["country_code"], countries["country"], strict=True) if c),
                          key=lambda p: p[1].casefold()),
        "line": [(c, i18n.code("line", c, lang)) for c in profiles.listed(frame, "lines")],
        "language": sorted(((c, i18n.language(c, lang)) for c in profiles.listed(frame, "languages")),
                           key=lambda p: p[1].casefold()),
    }
    return html.Form([
        html.Label([t("profiles_search", lang), dcc.Input(name="q", id="profiles-q", type="search",
                                                          value=str(query.get("q") or ""), maxLength=80)]),
        *[_select(f, f"profiles_filter_{f}", options[f], query.get(f), lang) for f in FILTERS],
        html.Button(t("profiles_search_go", lang), type="submit", id="profiles-go"),
        dcc.Link(t("profiles_clear", lang), href="/cities", id="profiles-clear"),
    ], action="/cities", method="GET", id="profiles-search", className="controls")


def found(frame: pd.DataFrame, query: dict, lang: str) -> pd.DataFrame:
    """The cities matching the query's text and filters (country names searched in ``lang`` too)."""
    codes = frame["country_code"].fillna("")
    names = codes.map({c: i18n.country(c, "", lang) for c in pd.unique(codes)})
    args = {f: (str(query[f]) if query.get(f) else None) for f in FILTERS}
    return profiles.search(frame, str(query.get("q") or "")[:80], names=names, **args)


def result_list(frame: pd.DataFrame, lang: str) -> html.Div:
    """The matching cities: name (a link to the profile), country, region and themes."""
    items = [html.Li([dcc.Link(i18n.place(r["name"], r.get("name_local"), lang), href=f"/cities/{r['city_id']}",
                               id=f"profile-link-{r['city_id']}"),
                      html.Span(f" — {i18n.country(r['country_code'], r['country'], lang)}{_comma(lang)}"
                                f"{i18n.code('region', r['region'], lang)}", className="note"),
                      html.Span(f" · {_words(r['themes'], theme_word, lang)}", className="note")
                      if r["themes"] else None,
                      html.Span(f" · {membership.since(_left(r), lang)}", className="note former-member")
                      if _left(r) is not None else None],
                     **{"data-city": r["city_id"]}) for r in frame.to_dict("records")]
    return html.Div([html.P(t("profiles_found", lang, n=i18n.number(len(frame), lang)), id="profiles-found"),
                     html.Ul(items, id="profiles-results") if items else html.P(t("profiles_no_match", lang))])


# ---------------------------------------------------------------------------------------- one profile
def _status(row: dict, col: str, lang: str) -> str:
    start, end = row.get(f"{col}_from"), row.get(f"{col}_to")
    if not isinstance(start, str) or not start:
        return t("profiles_not_published", lang)
    return t("profiles_published_months", lang, start=i18n.date(start, lang), end=i18n.date(end, lang))


def _programmes(row: dict, lang: str) -> str:
    items = [p.split(":", 1) for p in str(row.get("programme_years") or "").split(";") if ":" in p]
    if not items:
        return t("profiles_none", lang)
    return _comma(lang, semicolon=True).join(f"{i18n.code('line', line, lang)} ({_comma(lang).join(years.split(','))})"
                                             for line, years in items)


def _true(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def facts(row: dict, lang: str) -> html.Table:
    """Region, country, population, steering committee, joined year, membership (current, or "former member since
    <year>"), themes, languages, programmes, survey and monitoring status of one registry row."""
    joined = row.get("joined_year")
    population = row.get("population")
    waves = str(row.get("survey_waves") or "")
    rows = [
        ("profiles_region", i18n.code("region", row.get("region"), lang)),
        ("profiles_country", i18n.country(row.get("country_code"), row.get("country"), lang)),
        ("profiles_population", i18n.number(population, lang) if not pd.isna(population) else
         t("profiles_unknown", lang)),
        ("profiles_steering", t("yes" if _true(row.get("steering_committee")) else "no", lang)),
        ("profiles_joined", str(int(joined)) if joined is not None and not pd.isna(joined) else
         t("profiles_unknown", lang)),
        ("profiles_membership", membership.since(_left(row), lang) if _left(row) is not None else
         t("profiles_member_current", lang)),
        ("profiles_themes", _words(row.get("themes"), theme_word, lang)),
        ("profiles_languages", _words(row.get("languages"), i18n.language, lang)),
        ("profiles_programmes", _programmes(row, lang)),
        ("profiles_survey", _words(waves, lambda w, lg: i18n.code("wave", w, lg), lang) if waves else
         t("profiles_no_survey", lang)),
        ("profiles_posts", _status(row, "posts", lang)),
        ("profiles_crimes", _status(row, "crimes", lang)),
    ]
    return html.Table([html.Tbody([html.Tr([html.Th(t(k, lang), style={"textAlign": "start", "paddingInlineEnd":
                                                                          "16px"}), html.Td(v, id=f"fact-{k}")])
                                   for k, v in rows])], id="profile-facts")


def _text(value: str, lang: str, id: str) -> html.P:
    return html.P(value or t("profiles_no_text", lang), id=id, style={"whiteSpace": "pre-wrap"},
                  className="" if value else "unavailable")


def texts(city_id: str, user: User | None, lang: str) -> html.Div:
    """The sections of the newest version the user may read, each with its visibility for those who see both."""
    shown = profiles.visible(profiles.current(city_id), user, city_id).set_index("section")
    both = profiles.sees_network(user, city_id)
    blocks = []
    for name in profiles.SECTIONS:
        if name in shown.index:
            part = shown.loc[name]
            vis = str(part["visibility"])
            text = str(part["text"])
        elif both or profiles.DEFAULT_VISIBILITY[name] == "public":
            vis, text = profiles.DEFAULT_VISIBILITY[name], ""
        else:
            continue
        badge = html.Span(f" ({t(f'profiles_vis_{vis}', lang)})", className="note") if both else None
        blocks.append(html.Div([html.H4([t(f"profiles_section_{name}", lang), badge]),
                                _text(text, lang, f"profile-text-{name}-shown")], id=f"profile-{name}"))
    if "contacts" not in shown.index and not both:
        blocks.append(html.Div([html.H4(t("profiles_section_contacts", lang)),
                                html.P(t("profiles_contacts_network", lang), className="note")],
                               id="profile-contacts"))
    return html.Div(blocks, id="profile-texts")


def history_view(city_id: str, user: User | None, lang: str) -> html.Details:
    """Every version (newest first) with when it was saved, and the sections the user may read; who saved it
    (a log-in name) only for staff and the city's official (``profiles.sees_network``)."""
    hist = profiles.visible(profiles.history(city_id), user, city_id)
    named = profiles.sees_network(user, city_id)
    versions = []
    for version, rows in hist.groupby("version", sort=False):
        first = rows.iloc[0]
        when = i18n.date(first["at"], lang) + " " + str(first["at"])[11:16]
        versions.append(html.Li([
            html.Strong(t("profiles_version_by", lang, version=int(version), user=first["editor"], when=when)
                        if named else t("profiles_version_at", lang, version=int(version), when=when)),
            html.Ul([html.Li([html.Em(t(f"profiles_section_{r['section']}", lang)), ": ",
                              html.Span(r["text"] or "–", style={"whiteSpace": "pre-wrap"})])
                     for r in rows.to_dict("records")]),
        ], id=f"profile-version-{int(version)}"))
    count = hist["version"].nunique() if len(hist) else 0
    return html.Details([html.Summary(t("profiles_history", lang, n=i18n.number(count, lang))),
                         html.Ol(versions) if versions else html.P(t("profiles_no_history", lang))],
                        id="profile-history")


def edit_form(city_id: str, lang: str) -> html.Form:
    """The edit form (staff, the city's official): every section's text and visibility, posted with the
    session's CSRF token and the version shown (``base_version``: a save refused when another version has been
    saved since) to ``/cities/<city_id>``."""
    shown = profiles.current(city_id)
    base = int(shown["version"].max()) if len(shown) else 0
    now = shown.set_index("section")
    fields = []
    for name in profiles.SECTIONS:
        text = str(now.loc[name, "text"]) if name in now.index else ""
        vis = str(now.loc[name, "visibility"]) if name in now.index else profiles.DEFAULT_VISIBILITY[name]
        fields.append(html.Div([
            html.Label([t(f"profiles_section_{name}", lang), dcc.Textarea(
                name=f"text_{name}", id=f"profile-edit-{name}", value=text, maxLength=profiles.MAX_TEXT, rows=4,
                style={"width": "100%"})], style={"display": "block"}),
            html.Label([t("profiles_visibility", lang), " ", html.Select(
                [html.Option(t(f"profiles_vis_{v}", lang), value=v, selected=v == vis) for v in profiles.VISIBILITIES],
                name=f"vis_{name}", id=f"profile-vis-{name}")]),
        ], style={"marginBottom": "10px"}))
    return html.Form([dcc.Input(name="csrf_token", type="hidden", value=auth.csrf_token()),
                      dcc.Input(name="base_version", type="hidden", value=str(base), id="profile-base-version"),
                      dcc.Input(name="lang", type="hidden", value=lang), *fields,
                      html.Button(t("profiles_save", lang), type="submit", id="profile-save")],
                     action=f"/cities/{quote(city_id)}", method="POST", id="profile-form")


def profile(city_id: str, user: User | None, lang: str) -> html.Div:
    """The whole profile of a registry city for ``user``; "not found" for a city the registry does not know."""
    frame = directory()
    match = frame[frame["city_id"].eq(city_id).to_numpy(bool)]
    if match.empty:
        return html.P(t("not_found", lang), id="profile-missing")
    row = match.iloc[0].to_dict()
    has_data = bool(row.get("posts_from") or row.get("crimes_from") or row.get("survey_waves"))
    data_link = [html.P(dcc.Link(t("profiles_data_page", lang), href=f"/city/{city_id}", id="profile-data-link"))] \
        if user is not None and user.can_see(city_id) and city_id in data.city_ids() and has_data else []
    return html.Div([
        html.P(dcc.Link(t("profiles_back", lang), href="/cities", id="profiles-back")),
        html.H2(i18n.place(row.get("name"), row.get("name_local"), lang), id="profile-title"),
        *([html.P(t("former_member_note", lang, year=_left(row)), id="profile-former-member",
                  className="note former-member")] if _left(row) is not None else []),
        section(t("profiles_facts", lang), facts(row, lang), *data_link, id="profile-facts-box"),
        section(t("profiles_text", lang), texts(city_id, user, lang), history_view(city_id, user, lang),
                id="profile-text-box"),
        *([section(t("profiles_edit", lang), edit_form(city_id, lang), id="profile-edit-box")]
          if profiles.may_edit(user, city_id) else []),
    ])


# ---------------------------------------------------------------------------------------- the server side
def post_edit(city_id: str) -> Response:
    """``POST /cities/<city_id>`` (``text_<section>``, ``vis_<section>``, ``base_version``, ``csrf_token``): a new
    version of the profile. 400 without a valid CSRF token or with a bad field; 401 signed out; 404 for a city the
    registry does not know; 403 unless staff or the city's own official; 409 when another version was saved
    after ``base_version`` (:func:`conflict_page`: nothing saved, the text kept). Then back to the profile."""
    try:
        flask.current_app.extensions["csrf"].protect()
    except CSRFError:
        abort(400)
    user = auth.current_user()
    if user is None:
        abort(401)
    if city_id not in registry_ids():
        abort(404)
    if not profiles.may_edit(user, city_id):
        abort(403)
    now = profiles.current(city_id).set_index("section")
    parts = {}
    for name in profiles.SECTIONS:
        text, vis = request.form.get(f"text_{name}"), request.form.get(f"vis_{name}")
        if text is None and vis is None:
            continue
        if text is None:
            text = str(now.loc[name, "text"]) if name in now.index else ""
        if vis is None:
            vis = str(now.loc[name, "visibility"]) if name in now.index else profiles.DEFAULT_VISIBILITY[name]
        parts[name] = (text, vis)
    base = request.form.get("base_version")
    if base is not None and not base.isdigit():
        abort(400)
    try:
        profiles.save(city_id, parts, user.username, base=int(base) if base is not None else None)
    except profiles.ProfileConflict as conflict:
        return conflict_page(city_id, conflict, parts, auth.page_lang())
    except profiles.ProfileError:
        abort(400)
    return redirect(f"/cities/{quote(city_id)}", code=303)


def conflict_page(city_id: str, conflict: profiles.ProfileConflict, parts: dict[str, tuple[str, str]],
                  lang: str) -> Response:
    """409: someone saved another version while the user was editing. The message, the text saved now, and the
    edit form again holding the user's own text (based on the newest version: saving it is a deliberate choice)."""
    from html import escape

    now = profiles.current(city_id).set_index("section")

    def saved(name: str) -> tuple[str, str]:
        if name in now.index:
            return str(now.loc[name, "text"]), str(now.loc[name, "visibility"])
        return "", profiles.DEFAULT_VISIBILITY[name]

    theirs = "".join(f'<h4>{escape(t(f"profiles_section_{n}", lang))}</h4><p id="conflict-theirs-{n}" '
                     f'style="white-space:pre-wrap">{escape(saved(n)[0]) or "–"}</p>' for n in profiles.SECTIONS)
    fields = []
    for name in profiles.SECTIONS:
        text, vis = parts.get(name, saved(name))
        options = "".join(f'<option value="{v}"{" selected" if v == vis else ""}>{escape(t(f"profiles_vis_{v}", lang))}'
                          "</option>" for v in profiles.VISIBILITIES)
        fields.append(f'<div><label style="display:block">{escape(t(f"profiles_section_{name}", lang))}'
                      f'<textarea name="text_{name}" id="profile-edit-{name}" rows="4" style="width:100%" '
                      f'maxlength="{profiles.MAX_TEXT}">{escape(str(text or ""))}</textarea></label>'
                      f'<label>{escape(t("profiles_visibility", lang))} <select name="vis_{name}" '
                      f'id="profile-vis-{name}">{options}</select></label></div>')
    back = f"/cities/{quote(city_id)}"
    message = t("profiles_conflict", lang, base=conflict.base, current=conflict.current)
    body = (f'<!doctype html><html lang="{lang}" dir="{i18n.direction(lang)}"><head><meta charset="utf-8">'
            f'<title>{escape(t("profiles_conflict_title", lang))}</title>'
            '<link rel="stylesheet" href="/assets/style.css"></head>'
            f'<body><main><h2 id="conflict-title">{escape(t("profiles_conflict_title", lang))}</h2>'
            f'<p id="conflict-message" role="alert">{escape(message)}</p>'
            f'<h3>{escape(t("profiles_conflict_theirs", lang, current=conflict.current))}</h3>{theirs}'
            f'<h3>{escape(t("profiles_conflict_yours", lang))}</h3>'
            f'<form action="{escape(back)}" method="POST" id="profile-form">'
            f'<input type="hidden" name="csrf_token" value="{escape(auth.csrf_token())}">'
            f'<input type="hidden" name="base_version" value="{conflict.current}" id="profile-base-version">'
            f'<input type="hidden" name="lang" value="{lang}">{"".join(fields)}'
            f'<button type="submit" id="profile-save">{escape(t("profiles_conflict_save", lang))}</button></form>'
            f'<p><a href="{escape(back)}" id="conflict-back">{escape(t("profiles_conflict_back", lang))}</a></p>'
            '</main></body></html>')
    return Response(body, status=409, mimetype="text/html", headers={"Cache-Control": "no-store"})


def _unknown_city() -> None:
    """404 for ``/cities/<city_id>`` (page or post) when the registry does not know the city."""
    if request.path.startswith(("/_", "/assets/")):
        return
    page, variables = auth.resolve(request.path)
    if page is not None and page.get("module") == CITY_PAGE and variables.get("city_id") not in registry_ids():
        abort(404)


def init_profiles(server: flask.Flask) -> None:
    """Register ``POST /cities/<city_id>`` (the edit form) and the registry check of profile paths; call after
    ``auth.init_auth`` (its access hook runs first: signed-out visitors are sent to log in)."""
    server.add_url_rule("/cities/<city_id>", "scn_profile_edit", post_edit, methods=["POST"])
    server.before_request(_unknown_city)


def page_layout(lang: str, query: dict) -> html.Div:
    """``/cities``: the count of registry cities, the search form and the matching cities."""
    frame = directory()
    if frame.empty:
        return html.Div([html.H2(t("profiles_title", lang), id="profiles-title"),
                         html.P(t("not_available", lang), className="unavailable")])
    return html.Div([
        html.H2(member_count(lang), id="profiles-title"),
        html.P(t("profiles_intro", lang), className="meaning"),
        section(t("profiles_search_title", lang), search_form(frame, lang, query), id="profiles-search-box"),
        section(t("profiles_results", lang), result_list(found(frame, query, lang), lang), id="profiles-result-box"),
    ])
