"""Access rules are declared once per page in ``dash.page_registry`` and the request hook derives its decisions
from them: for every registered page, path template and kind of user, the status of the page, of the router
callback and of the page's own callbacks is what the declared rule says (in-process, Flask test client)."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest

from dashboards import auth
from tests.support.dash_client import route

PAGES_DIR = Path(__file__).resolve().parents[2] / "dashboards" / "pages"
USERS = (None, "olive", "sam")  # anonymous, the official of London, staff
CITIES = ("london", "saida")


def _paths(page: dict) -> list[tuple[str, str | None]]:
    """Concrete paths of a registered page (a path template gets the official's city and another one)."""
    template = page.get("path_template")
    if not template:
        return [(page["path"], None)]
    assert template.count("<") == 1, f"unexpected path variables in {template}"
    if "<city_id>" in template:
        return [(template.replace("<city_id>", city), city) for city in CITIES]
    # another variable (``/reset/<token>``): a value no page knows, answered as the page declares it
    assert "invalid_status" in page, f"{template}: declare invalid_status (the status of an unknown value)"
    return [(template.split("<", 1)[0] + "not-a-known-value", None)]


def _expected_get(page: dict, user: str | None, city: str | None) -> int:
    """What the declared rule means for a GET of the page (302: redirected, to log-in or to the user's city)."""
    rule = page["access"]
    if "invalid_status" in page:
        return page["invalid_status"]
    if rule == "public":
        return 200
    if user is None:
        return 302
    if user == "sam" or (rule == "city" and city == "london"):
        return 200
    if rule == "user":
        return 302 if page.get("redirect_officials") else 200
    return 403


def _expected_callback(page: dict, user: str | None, city: str | None) -> int:
    rule = page["access"]
    if rule == "public":
        return 200
    if user is None:
        return 401
    if user == "sam" or rule == "user" or (rule == "city" and city == "london"):
        return 200
    return 403


def _callback_payload(key: str, cb: dict, city: str | None) -> dict:
    """A callback request for the callback ``key`` of the app's callback map, naming ``city`` in ``city-id``."""
    outs = [o.rsplit(".", 1) for o in (key[2:-2].split("...") if key.startswith("..") else [key])]
    outputs = [{"id": i, "property": p} for i, p in outs]

    def values(deps: list[dict]) -> list[dict]:
        return [{**d, "value": city if d["id"] == auth.CITY_STORE else None} for d in deps]

    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": values(cb["inputs"]), "state": values(cb["state"]),
            "changedPropIds": [f"{cb['inputs'][0]['id']}.{cb['inputs'][0]['property']}"]}


def test_every_page_declares_an_access_rule(app_client) -> None:
    app_client().get("/login")
    registry = dash.page_registry
    modules = {f"dashboards.pages.{p.stem}" for p in PAGES_DIR.glob("*.py") if not p.name.startswith("_")}
    assert modules == set(registry), "every module in dashboards/pages/ is a registered page, and only those"
    for module, page in registry.items():
        assert page.get("access") in auth.ACCESS, f"{module} declares no access rule"
    assert {page["access"] for page in registry.values()} >= {"public", "user", "staff", "city"}
    paths = {page.get("path_template") or page["path"] for page in registry.values()}
    assert {"/login", "/", "/network", "/health", "/city/<city_id>"} <= paths
    assert auth.URL == dash.page_container.children[0].id  # the Location the hook reads the page from


@pytest.mark.parametrize("user", USERS)
def test_the_hook_decides_as_each_page_declares(app_client, user: str | None) -> None:
    client = app_client(user)
    for module, page in dash.page_registry.items():
        for path, city in _paths(page):
            got = client.get(path)
            assert got.status_code == _expected_get(page, user, city), (module, path, user)
            if got.status_code == 302 and user is None:
                assert got.headers["Location"].startswith("/login?next=")
            elif got.status_code == 302:
                assert got.headers["Location"].endswith(page["redirect_officials"].format(city_id="london"))
            routed = client.post("/_dash-update-component", json=route(path))
            assert routed.status_code == _expected_callback(page, user, city), (module, path, user)


@pytest.mark.parametrize("user", USERS)
def test_page_callbacks_follow_the_rule_of_the_page_that_registered_them(app_client, user: str | None) -> None:
    client = app_client(user)
    client.get("/login")  # the first request moves the pages' callbacks into the app
    owned = {key: cb for key, cb in app_client.app.callback_map.items()
             if auth.callback_page(app_client.app, key) is not None}
    assert "cell-map.figure" in owned  # the map callback belongs to the city page
    for key, cb in owned.items():
        page = auth.callback_page(app_client.app, key)
        for city in CITIES:
            r = client.post("/_dash-update-component", json=_callback_payload(key, cb, city))
            assert r.status_code == _expected_callback(page, user, city), (key, city, user)


def test_changing_the_declaration_changes_the_decision(app_client, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook has no rule of its own: declare the city page staff-only and London's official is refused
    the page, the router and the map; declare nothing and even staff are refused."""
    olive, sam = app_client("olive"), app_client("sam")
    cb = app_client.app.callback_map["cell-map.figure"]
    own_map = _callback_payload("cell-map.figure", cb, "london")
    assert olive.get("/city/london").status_code == 200
    assert olive.post("/_dash-update-component", json=own_map).status_code == 200
    page = dash.page_registry["dashboards.pages.city"]
    monkeypatch.setitem(page, "access", "staff")
    assert olive.get("/city/london").status_code == 403
    assert olive.post("/_dash-update-component", json=route("/city/london")).status_code == 403
    assert olive.post("/_dash-update-component", json=own_map).status_code == 403
    assert sam.post("/_dash-update-component", json=own_map).status_code == 200
    monkeypatch.delitem(page, "access")
    assert sam.get("/city/london").status_code == 403
    assert sam.post("/_dash-update-component", json=own_map).status_code == 403


def test_query_arguments_cannot_name_another_city(app_client) -> None:
    """The router passes query arguments to layouts after path variables: ``?city_id=`` must not reach
    another city's page."""
    olive = app_client("olive")
    assert olive.get("/city/london?city_id=saida").status_code == 403
    assert olive.post("/_dash-update-component", json=route("/city/london", "?city_id=saida")).status_code == 403
    home = olive.post("/_dash-update-component", json=route("/", "?city_id=saida"))
    assert home.status_code == 200 and "London" in home.text and "Saida" not in home.text
    sam = app_client("sam")
    assert sam.post("/_dash-update-component", json=route("/city/london", "?city_id=saida")).status_code == 200
