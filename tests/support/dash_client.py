"""Talking to the dashboards as a client does: the test users, signing in through the real log-in form, the
callback requests the browser sends (the Dash Pages router, the city map) and decoding Plotly arrays."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import requests

from scn import settings as scn_settings
from scn.settings import override
from tests.support.snapshots import publish_snapshot, publish_tables

# name -> (role, city, password): the users of the synthetic snapshot's home (tests/dashboards)
USERS = {"sam": ("staff", None, "staff-pass-123"), "olive": ("official", "london", "official-pass-1"),
         "omar": ("official", "saida", "official-pass-2")}


def form_token(callback_response: object) -> str:
    """The CSRF token (the ``csrf_token`` field) of a form in a callback response (JSON): the log-in form the
    router renders for /login, or the log-out form of the navigation."""
    if isinstance(callback_response, dict):
        props = callback_response.get("props")
        if isinstance(props, dict) and props.get("name") == "csrf_token" and props.get("value"):
            return str(props["value"])
        children = callback_response.values()
    elif isinstance(callback_response, list):
        children = callback_response
    else:
        children = []
    for child in children:
        try:
            return form_token(child)
        except LookupError:
            continue
    raise LookupError("no csrf_token field in the response")


def login_token(s: requests.Session, server: str) -> str:
    """The CSRF token of the log-in form, as a browser gets it (the router renders /login for the session)."""
    r = s.post(f"{server}/_dash-update-component", json=route("/login"), timeout=10)
    assert r.status_code == 200, r.text[:300]
    return form_token(r.json())


def login(server: str, username: str) -> requests.Session:
    """A requests session signed in as one of ``USERS`` through the real /login form post (with the form's
    CSRF token)."""
    s = requests.Session()
    r = s.post(f"{server}/login", data={"username": username, "password": USERS[username][2], "next": "/",
                                        "csrf_token": login_token(s, server)},
               allow_redirects=False, timeout=10)
    assert r.status_code == 302 and "error" not in r.headers["Location"]
    return s


def route(path: str, search: str = "", lang: str = "en") -> dict:
    """The Dash Pages router's callback (``dash.page_container``): the page at ``path`` in ``lang``."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search},
                       {"id": "lang", "property": "value", "value": lang}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def staff_page(home: Path, monkeypatch: pytest.MonkeyPatch, tables: dict, path: str, lang: str = "en") -> dict:
    """The page at ``path`` in ``lang`` as local staff see it (Flask test client, no browser), on a home whose
    snapshot is the synthetic tables (``make_tables(0)``) with ``tables`` in their place."""
    from dashboards.app import create_app
    from tests.support.snapshots import make_tables

    monkeypatch.setenv("SCN_HOME", str(home))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(home, {**make_tables(0), **tables})
    client = create_app(home, local_staff=True).server.test_client()
    r = client.post("/_dash-update-component", json=route(path, lang=lang))
    assert r.status_code == 200
    return r.get_json()


def city_map(city: str, *, period: int = 11, res: int = 8, changed: str = "map-res") -> dict:
    """The city page's map callback: flagged posts of ``city`` in month index ``period`` at H3 resolution ``res``
    (``changed``: the input the user just changed)."""
    return {"output": "cell-map.figure", "outputs": {"id": "cell-map", "property": "figure"},
            "inputs": [{"id": "map-metric", "property": "value", "value": "flagged_posts"},
                       {"id": "map-period", "property": "value", "value": period},
                       {"id": "map-res", "property": "value", "value": res}],
            "state": [{"id": "city-id", "property": "data", "value": city},
                      {"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": [f"{changed}.value"]}


def plotly_array(values: object) -> np.ndarray:
    """A Plotly array from a Dash response as float64 (numpy arrays arrive base64-encoded, None is NaN)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).astype("float64")
    return np.array([np.nan if v is None else v for v in values], dtype="float64")


def find_props(node: object, id: str) -> dict | None:
    """The props of the component with ``id`` in a layout tree (JSON)."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props, dict) and props.get("id") == id:
            return props
        node = props.get("children") if "props" in node else list(node.values())
    if isinstance(node, list):
        for child in node:
            found = find_props(child, id)
            if found is not None:
                return found
    return None


def signed_in(app: object, username: str) -> object:
    """A Flask test client of the Dash ``app`` signed in as ``username`` (one of USERS) through the real log-in
    form, with its CSRF token."""
    c = app.server.test_client()  # type: ignore[attr-defined]
    token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
    assert c.post("/login", data={"username": username, "password": USERS[username][2],
                                  "csrf_token": token}).status_code == 302
    return c


def home_with_users(home: Path, tables: dict | None = None) -> Path:
    """``home`` with the synthetic snapshot (or ``tables``, a changed copy of it) published and the users of
    USERS added."""
    from scn.access.users import add_user

    publish_snapshot(home) if tables is None else publish_tables(home, tables)
    with override(home=home):
        for name, (role, city, password) in USERS.items():
            add_user(name, role, city, password)
    return home


@pytest.fixture(autouse=True)
def settings_restored() -> Iterator[None]:
    """``create_app(home)`` sets the home for the rest of the process (``scn.settings.use``): undo it after each
    test, so that one test's home never leaks into the next (import this fixture where apps are created)."""
    saved = scn_settings.saved_overrides()
    yield
    scn_settings.restore_overrides(saved)


def exact_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Officials' counts shown unperturbed through the dashboards and exports (no key reaches ``for_audience``):
    for the tests of the suppression pattern, whose attacker then knows every shown count exactly, the strongest
    one (the perturbation only adds noise to shown counts and hides more; tests/security/
    test_disclosure_over_time.py tests it)."""
    import dashboards.detail
    import scn.publish.exports

    monkeypatch.setattr(dashboards.detail, "perturbation_key", lambda: None)
    monkeypatch.setattr(scn.publish.exports, "perturbation_key", lambda: None)


def said_near(expected: str, text: str, tol: int | tuple[int, ...] = 2, end: bool = False) -> bool:
    """Whether ``text`` says ``expected`` with each whole number in it off by at most ``tol`` (one for all, or one
    per number: a sum of two perturbed counts is off by up to 4): an official's counts carry the consistent
    perturbation (-2..+2, ``scn.privacy.disclosure.PERTURBATION``); ``end``: at its end."""
    parts = re.split(r"(\d+)", expected)
    pattern = "".join(r"(\d+)" if i % 2 else re.escape(p) for i, p in enumerate(parts)) + ("$" if end else "")
    wanted = [int(p) for p in parts[1::2]]
    tols = tol if isinstance(tol, tuple) else (tol,) * len(wanted)
    return any(all(abs(int(got) - n) <= d for got, n, d in zip(m.groups(), wanted, tols, strict=True))
               for m in re.finditer(pattern, text))
