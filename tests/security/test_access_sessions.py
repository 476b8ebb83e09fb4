"""Regressions for the holes an attacker found in log-in, sessions and access (issue "Nothing leaks, nothing
lost"): each ``test_item_NN_*`` fails on the code before its fix.

In-process (Flask test client) over a copy of the synthetic snapshot with the users of
tests/support/dash_client.py, except the CLI (the installed ``scn``) and one real headless Chromium run against
``dashboards.app.serve`` with the security headers in force."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scn.settings import override
from tests.support.cli import REPO, scn, scn_env
from tests.support.dash_client import (  # noqa: F401 - settings_restored is an autouse fixture
    USERS,
    city_map,
    form_token,
    home_with_users,
    route,
    settings_restored,
)
from tests.support.servers import free_port, running_server
from tests.support.snapshots import publish_snapshot

CALLBACK = "/_dash-update-component"


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sessions_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the synthetic snapshot and the users sam (staff), olive (london) and omar (saida)."""
    return home_with_users(tmp_path_factory.mktemp("scn-sessions"))


@pytest.fixture()
def sessions_home(sessions_template: Path, tmp_path: Path) -> Path:
    """A copy of the template home of this test only (its users may be changed freely)."""
    home = tmp_path / "home"
    shutil.copytree(sessions_template, home, symlinks=True)
    return home


@pytest.fixture()
def sessions_app(sessions_home: Path):
    """The app over this test's home (``sessions_app.server.test_client()``)."""
    from dashboards.app import create_app

    with override(secret_key="sessions-test-secret"):
        return create_app(sessions_home)


def _token(client) -> str:
    """The CSRF token of the log-in form the router renders for this client's session ("" when there is none:
    the code before the fix had no token)."""
    r = client.post(CALLBACK, json=route("/login"))
    try:
        return form_token(r.get_json())
    except LookupError:
        return ""


def _login(client, username: str, password: str | None = None, *, next: str = "/", lang: str | None = None,
           addr: str = "127.0.0.1"):
    data = {"username": username, "password": USERS[username][2] if password is None else password,
            "next": next, "csrf_token": _token(client)}
    if lang:
        data["lang"] = lang
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": addr})


def _signed_in(app, username: str):
    client = app.server.test_client()
    r = _login(client, username)
    assert r.status_code == 302 and "error" not in r.headers["Location"], r.headers.get("Location")
    return client


def _replay(app, cookie: str):
    """A new client holding only a copied session cookie."""
    other = app.server.test_client()
    other.set_cookie("session", cookie)
    return other


def _logout(client):
    """Log out as the navigation's button does (its form's token; "" when the code before the fix had none)."""
    try:
        token = form_token(client.post(CALLBACK, json=_nav_payload()).get_json())
    except LookupError:
        token = ""
    return client.post("/logout", data={"csrf_token": token})


def _nav_payload(path: str = "/", lang: str = "en") -> dict:
    return {"output": "nav.children", "outputs": {"id": "nav", "property": "children"},
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "lang", "property": "value", "value": lang}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


# ---------------------------------------------------------------------------------------------- item 1
def _served_app(monkeypatch: pytest.MonkeyPatch, host: str = "127.0.0.1", **kwargs):
    """The WSGI app ``dashboards.app.serve`` would hand waitress."""
    import waitress

    from dashboards.app import serve

    served = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(app=app, **kw))
    serve(host, free_port(), **kwargs)
    return served["app"]


def test_item_01_serving_requires_log_in_even_without_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no users, `serve` on 127.0.0.1 gave every local request (a reverse proxy's too) a staff session."""
    home = tmp_path / "home"
    publish_snapshot(home)
    with override(home=home, secret_key="s"):
        client = _served_app(monkeypatch).test_client()
        page = client.get("/network")
        assert page.status_code == 302 and page.headers["Location"].startswith("/login")
        assert client.post(CALLBACK, json=route("/health")).status_code == 401
        assert client.get("/download/network-kpis.csv").status_code == 401
        # the explicit, loopback-only opt-out keeps the old local convenience
        local = _served_app(monkeypatch, no_auth=True).test_client()
        assert local.get("/network").status_code == 200
        assert local.get("/network", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 302
        for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host"):  # a proxy on this host
            assert local.get("/network", headers={header: "203.0.113.9"}).status_code == 302, header
        from dashboards.app import serve

        for host in ("0.0.0.0", "192.168.1.10", "::"):
            with pytest.raises(ValueError, match="loopback"):
                serve(host, free_port(), no_auth=True)


def test_item_01_cli_no_auth_refused_off_loopback_and_make_run_tells_how_to_add_a_user(tmp_path: Path) -> None:
    proc = scn("serve", "--no-auth", "--host", "0.0.0.0", home=tmp_path / "home", check=False)
    assert proc.returncode == 2 and "--no-auth" in proc.stderr and "loopback" in proc.stderr
    dry = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True, timeout=60)
    lines = dry.stdout.splitlines()
    serve_at = next(i for i, line in enumerate(lines) if "scn serve" in line)
    assert "--no-auth" not in lines[serve_at]
    assert any("scn user add NAME --role staff" in line and "echo pw |" in line for line in lines[:serve_at])


# ---------------------------------------------------------------------------------------------- item 2
def test_item_02_logout_password_change_and_removal_revoke_sessions(sessions_app) -> None:
    """Log-out, a new password and removing then re-adding a user left old session cookies valid."""
    olive = _signed_in(sessions_app, "olive")
    stolen = olive.get_cookie("session").value
    assert _replay(sessions_app, stolen).get("/city/london").status_code == 200
    assert _logout(olive).status_code in (302, 303)
    replay = _replay(sessions_app, stolen).get("/city/london")
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")
    assert _replay(sessions_app, stolen).post(CALLBACK, json=city_map("london")).status_code == 401

    from scn.access.users import add_user, remove_user, set_password

    olive = _signed_in(sessions_app, "olive")  # a new log-in works again
    stolen = olive.get_cookie("session").value
    assert olive.get("/city/london").status_code == 200
    set_password("olive", "a new password 1")
    assert _replay(sessions_app, stolen).get("/city/london").status_code == 302
    assert olive.get("/city/london").status_code == 302  # the session that changed it ends too

    sam = _signed_in(sessions_app, "sam")
    stolen = sam.get_cookie("session").value
    remove_user("sam", keep_staff=False)  # the last staff user: removed on purpose, re-added below
    add_user("sam", "staff", None, USERS["sam"][2])  # same name, same password
    assert _replay(sessions_app, stolen).get("/network").status_code == 302
    assert _signed_in(sessions_app, "sam").get("/network").status_code == 200


def test_item_02_cli_passwd_and_remove_end_sessions(sessions_app, sessions_home: Path) -> None:
    omar = _signed_in(sessions_app, "omar")
    stolen = omar.get_cookie("session").value
    scn("user", "passwd", "omar", home=sessions_home, input="another pass 22\n")
    assert _replay(sessions_app, stolen).get("/city/saida").status_code == 302
    omar = sessions_app.server.test_client()
    assert _login(omar, "omar", "another pass 22").headers["Location"] == "/"
    stolen = omar.get_cookie("session").value
    scn("user", "remove", "omar", home=sessions_home)
    assert _replay(sessions_app, stolen).get("/city/saida").status_code == 302


# ---------------------------------------------------------------------------------------------- item 3
def test_item_03_failed_log_ins_are_throttled_per_user(sessions_app) -> None:
    """60 wrong passwords, then the right one was accepted."""
    with override(login_limit_user_all="12 per 15 minutes"):  # 10 of the first client, 2 of another
        client = sessions_app.server.test_client()
        statuses = [_login(client, "olive", f"wrong-{i}").status_code for i in range(60)]
        assert statuses[0] == 302 and statuses[-1] == 429
        right = _login(client, "olive")
        assert right.status_code == 429 and "Retry-After" in right.headers
        assert "Too many failed log-ins" in right.get_data(as_text=True)
        assert client.get("/city/london").status_code == 302  # not signed in
        # another client is not locked out by this one (row 47, test_attacker_round6.py) but goes on guessing the
        # same user's password only to the bound for all clients (SCN_LOGIN_LIMIT_USER_ALL)
        elsewhere = sessions_app.server.test_client()
        assert [_login(elsewhere, "olive", "wrong", addr="10.9.8.7").status_code for _ in range(3)] == [302, 302, 429]
        assert _login(sessions_app.server.test_client(), "olive", addr="10.9.8.8").status_code == 429
        # ... and other users are not locked out
        assert _login(elsewhere, "omar", addr="10.9.8.7").status_code == 302
        fr = _login(sessions_app.server.test_client(), "olive", "x", lang="fr")
        assert fr.status_code == 429 and "Trop d'échecs de connexion" in fr.get_data(as_text=True)
        ar = _login(sessions_app.server.test_client(), "olive", "x", lang="ar").get_data(as_text=True)
        assert 'dir="rtl"' in ar and "محاولات دخول فاشلة" in ar


def test_item_03_failed_log_ins_are_throttled_per_client(sessions_app) -> None:
    client = sessions_app.server.test_client()
    with override(login_limit_client="5 per 15 minutes"):
        for i in range(5):
            assert _login(client, f"nobody{i}", "wrong password", addr="10.1.1.1").status_code == 302
        blocked = _login(client, "sam", addr="10.1.1.1")
        assert blocked.status_code == 429
        assert _login(client, "sam", addr="10.1.1.2").status_code == 302  # another client is not blocked
        for _ in range(8):  # successful log-ins are not counted
            assert _login(sessions_app.server.test_client(), "omar", addr="10.1.1.3").status_code == 302


# ---------------------------------------------------------------------------------------------- item 4
OFF_SITE = ["/\t/evil.example", "/%09/evil.example", "//evil.example", "///evil.example", "////evil.example",
            "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\\/evil.example", "https://evil.example",
            "http:evil.example", "https:/evil.example", "javascript:alert(1)", "data:text/html,x",
            "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
            "/%5c%5cevil.example", "/%252F%252Fevil.example", "/%25252F/evil.example", " //evil.example",
            "\t//evil.example", "\n//evil.example", "/\r\n/evil.example", "//%09evil.example", "/ /evil.example",
            "/\u3000/evil.example", "/\u2028/evil.example", "/\x00/evil.example", "/\x7f/evil.example",
            "evil.example", "city/london", "", "//evil.example/%2e%2e", "/%0d%0a/evil.example",
            "/\uff0f/evil.example", "/%E3%80%80/evil.example"]
ON_SITE = ["/", "/city/london", "/city/london?lang=fr", "/network#exports", "/health?x=%2Fy"]


def test_item_04_next_is_kept_only_when_it_is_a_path_of_this_site(sessions_app) -> None:
    """``POST /login?next=/%09/evil.example`` answered ``Location: //evil.example`` (the browser drops the tab)."""
    wrong = {}
    for target in OFF_SITE:
        for how in ("form", "query"):
            client = sessions_app.server.test_client()
            data = {"username": "sam", "password": USERS["sam"][2], "csrf_token": _token(client)}
            if how == "form":
                data["next"] = target
                r = client.post("/login", data=data)
            else:
                r = client.post("/login", data=data, query_string={"next": target})
            if r.status_code != 302 or r.headers["Location"] != "/":
                wrong[(target, how)] = (r.status_code, r.headers.get("Location"))
    assert not wrong, wrong
    for target in ON_SITE:
        client = sessions_app.server.test_client()
        r = _login(client, "sam", next=target)
        assert r.status_code == 302 and r.headers["Location"] == target
    # a failed log-in sends back to the form with a clean next, and the form never carries an off-site one
    failed = _login(sessions_app.server.test_client(), "sam", "wrong password", next="/%09/evil.example")
    assert "evil" not in failed.headers["Location"]
    page = sessions_app.server.test_client().post(CALLBACK, json=route("/login", "?next=%2F%09%2Fevil.example"))
    assert page.status_code == 200 and "evil" not in page.get_data(as_text=True)
    from dashboards.auth import safe_next  # the one function both use

    assert [t for t in OFF_SITE if safe_next(t) != "/"] == [] and [safe_next(t) for t in ON_SITE] == ON_SITE


# ---------------------------------------------------------------------------------------------- item 5
def test_item_05_log_in_needs_the_forms_csrf_token(sessions_app) -> None:
    """A page on another site could sign a victim's browser in (log-in CSRF)."""
    client = sessions_app.server.test_client()
    data = {"username": "olive", "password": USERS["olive"][2], "next": "/"}
    bare = client.post("/login", data=data)
    assert bare.status_code == 400 and "expired" in bare.get_data(as_text=True)
    assert client.post("/login", data={**data, "csrf_token": "forged"}).status_code == 400
    other_session = _token(sessions_app.server.test_client())
    assert client.post("/login", data={**data, "csrf_token": other_session}).status_code == 400
    assert client.get("/city/london").status_code == 302  # none of them signed in
    cross = client.post("/login", data={**data, "csrf_token": _token(client)},
                        headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    assert _login(client, "olive").status_code == 302
    assert client.get("/city/london").status_code == 200


def test_item_05_log_out_is_a_post_with_the_token(sessions_app) -> None:
    """``GET /logout`` (an <img> on any page) signed people out."""
    olive = _signed_in(sessions_app, "olive")
    get = olive.get("/logout")
    assert get.status_code == 405 and "POST" in get.headers["Allow"]
    assert olive.post("/logout").status_code == 400  # no token
    assert olive.get("/city/london").status_code == 200  # still signed in
    nav = olive.post(CALLBACK, json=_nav_payload()).get_json()["response"]["nav"]["children"]
    form = next(c["props"] for c in nav if c.get("type") == "Form")
    assert form["action"] == "/logout" and form["method"] == "POST"
    assert not [c for c in nav if c.get("props", {}).get("href") == "/logout"]  # no log-out link (a GET)
    out = _logout(olive)
    assert out.status_code == 303 and out.headers["Location"] == "/login"
    assert olive.get("/city/london").status_code == 302


def test_item_05_security_headers_and_secure_cookie(sessions_app, sessions_home: Path) -> None:
    client = sessions_app.server.test_client()
    for r in (client.get("/login"), client.post(CALLBACK, json=route("/login")), client.get("/network"),
              client.get("/_dash-layout")):
        assert r.headers.get("X-Frame-Options") == "DENY"
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        assert r.headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
        assert "frame-ancestors 'none'" in r.headers.get("Content-Security-Policy", "")
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'sha256-" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    cookie = _signed_in(sessions_app, "olive")
    assert not cookie.get_cookie("session").secure
    from dashboards.app import create_app

    with override(cookie_secure=True, secret_key="s"):
        secure_app = create_app(sessions_home)
        c = secure_app.server.test_client()
        r = _login(c, "olive")
        assert r.status_code == 302 and "; Secure" in r.headers["Set-Cookie"]


@pytest.mark.browser
def test_item_05_pages_render_and_callbacks_run_under_the_csp(sessions_home: Path,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """Real headless Chromium against `serve`: with the CSP in force, log-in, the city map (callbacks, MapLibre
    workers), the network page and the log-out button work, and the browser reports no CSP violation."""
    import requests
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    from tests.support.browser import CHROMEDRIVER, CHROMIUM, CHROMIUM_ARGS, fill_login_form, page_wait

    maps = ("const g = document.querySelector('#cell-map .js-plotly-plot');"
            "return g && g.data && g.data.length && g.data[0].locations ? g.data[0].locations.length : 0")
    port = free_port()
    env = scn_env(sessions_home, {"SCN_SECRET_KEY": "browser-secret"})
    with running_server([sys.executable, "-c", f"from dashboards.app import serve; serve('127.0.0.1', {port})"],
                        port=port, ready_path="/login", ready_status=range(200, 400), env=env,
                        log=tmp_path_factory.mktemp("serve-csp") / "dashboards.log") as srv:
        head = requests.get(f"{srv.url}/login", timeout=10).headers
        assert "frame-ancestors 'none'" in head["Content-Security-Policy"] and head["X-Frame-Options"] == "DENY"
        opts = Options()
        opts.binary_location = CHROMIUM
        for arg in CHROMIUM_ARGS:
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        try:
            wait = page_wait(driver, 60)
            driver.get(f"{srv.url}/city/london")
            wait.until(ec.presence_of_element_located((By.ID, "login-form")))
            fill_login_form(driver, "olive", timeout=60)
            wait.until(lambda d: d.execute_script(maps) > 0)
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#cell-map canvas"))
            driver.find_element(By.CSS_SELECTOR, "#map-metric input[value='hate_crimes']").click()  # a round trip
            wait.until(lambda d: d.execute_script(maps) == 1)  # the official's level of hate crimes: the city
            wait.until(ec.element_to_be_clickable((By.ID, "logout"))).click()
            wait.until(ec.presence_of_element_located((By.ID, "login-form")))
            assert "/login" in driver.current_url
            driver.get(f"{srv.url}/city/london")
            wait.until(ec.presence_of_element_located((By.ID, "login-form")))  # signed out for real
            fill_login_form(driver, "sam", timeout=60)
            wait.until(ec.presence_of_element_located((By.ID, "city-title")))  # back where log-in was asked
            driver.get(f"{srv.url}/network")
            wait.until(lambda d: d.execute_script(
                "const g = document.querySelector('#net-member-map .js-plotly-plot'); return g && g.data.length"))
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#net-member-map canvas"))
            logs = driver.get_log("browser")
        finally:
            driver.quit()
    violations = [e["message"] for e in logs if "Content Security Policy" in e["message"]
                  or "Refused to" in e["message"]]
    assert not violations, violations


# ---------------------------------------------------------------------------------------------- item 6
def test_item_06_downloads_follow_one_declared_rule(sessions_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Officials could download network-wide tables that /network refuses them."""
    from dashboards import auth
    from scn.publish.catalog import KINDS
    from scn.publish.exports import FORMATS

    network_wide = {"network-kpis", "summit-metrics"}  # their tables have no city: /network's data
    olive, sam = _signed_in(sessions_app, "olive"), _signed_in(sessions_app, "sam")
    got, wrong = {}, {}
    for kind in KINDS:
        for fmt in FORMATS:
            for query, staff_only, city_scoped in (("", 403, 200), ("?city=london", 403, 200),
                                                   ("?city=saida", 403, 403)):
                url = f"/download/{kind}.{fmt}{query}"
                expected = staff_only if kind in network_wide else city_scoped
                got[url] = olive.get(url).status_code
                if got[url] != expected:
                    wrong[url] = (got[url], expected)
                if sam.get(url).status_code != 200:
                    wrong[f"staff {url}"] = sam.get(url).status_code
    assert not wrong, wrong
    assert sessions_app.server.test_client().get("/download/cells.csv").status_code == 401
    assert olive.get("/download/nothing.csv").status_code == 404
    assert set(auth.DOWNLOADS) == set(KINDS), "every export kind declares its access rule"
    assert {kind for kind, rule in auth.DOWNLOADS.items() if rule == "staff"} == network_wide
    # the one declaration decides: make city cells staff-only and the official is refused them
    monkeypatch.setitem(auth.DOWNLOADS, "cells", "staff")
    assert olive.get("/download/cells.csv").status_code == 403
    monkeypatch.delitem(auth.DOWNLOADS, "cells")
    assert olive.get("/download/cells.csv").status_code == 403 and sam.get("/download/cells.csv").status_code == 403


# ---------------------------------------------------------------------------------------------- item 7
def _cli(home: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``scn`` in this process (much faster than the console script) over ``home``."""
    from contextlib import redirect_stderr, redirect_stdout

    from scn.cli import main

    out, err = io.StringIO(), io.StringIO()
    with override(home=home), redirect_stdout(out), redirect_stderr(err), \
            pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_item_07_user_add_validates_and_never_overwrites_silently(sessions_home: Path) -> None:
    """`scn user add` took unknown cities, names with line breaks, leading spaces or HTML, and overwrote."""
    from scn.access.users import get_user, verify

    with override(home=sessions_home):
        before = (sessions_home / "secrets" / "users.json").read_text()
    bad = {("eve\nadmin", "--role", "staff"): "user name", (" olive2", "--role", "staff"): "user name",
           ("<b>x</b>", "--role", "staff"): "user name", ("Eve", "--role", "staff"): "user name",
           ("e", "--role", "staff"): "user name", ("x" * 40, "--role", "staff"): "user name",
           ("jean", "--role", "official", "--city", "atlantis"): "unknown city",
           ("jean", "--role", "official", "--city", "London"): "unknown city",
           ("jean", "--role", "official"): "--city",
           ("jean", "--role", "staff", "--city", "london"): "only for officials",
           ("olive", "--role", "official", "--city", "saida"): "already exists"}
    for args, problem in bad.items():
        code, _, err = _cli(sessions_home, "user", "add", *args, stdin="a good password\n")
        assert code == 2 and problem in err, (args, code, err)
    code, _, err = _cli(sessions_home, "user", "add", "jean", "--role", "staff", stdin="short\n")
    assert code == 2 and "8 characters" in err
    assert (sessions_home / "secrets" / "users.json").read_text() == before  # nothing changed
    code, out, _ = _cli(sessions_home, "user", "add", "olive", "--role", "official", "--city", "saida", "--update",
                        stdin="a new password\n")
    assert code == 0 and "saved" in out
    with override(home=sessions_home):
        assert get_user("olive").city_id == "saida" and verify("olive", "a new password") is not None
    code, _, _ = _cli(sessions_home, "user", "add", "jean.dupont", "--role", "official", "--city", "london",
                      stdin="a good password\n")
    assert code == 0


def test_item_07_user_list_remove_passwd(sessions_home: Path) -> None:
    from scn.access.users import verify

    code, out, _ = _cli(sessions_home, "user", "list")
    assert code == 0 and out.splitlines() == ["olive\tofficial\tlondon", "omar\tofficial\tsaida", "sam\tstaff\t"]
    code, out, _ = _cli(sessions_home, "user", "list", "--json")
    assert json.loads(out) == [{"username": "olive", "role": "official", "city_id": "london"},
                               {"username": "omar", "role": "official", "city_id": "saida"},
                               {"username": "sam", "role": "staff", "city_id": None}]
    assert _cli(sessions_home, "user", "passwd", "olive", stdin="fresh password 9\n")[0] == 0
    with override(home=sessions_home):
        assert verify("olive", "fresh password 9") and not verify("olive", USERS["olive"][2])
    code, _, err = _cli(sessions_home, "user", "passwd", "nobody", stdin="fresh password 9\n")
    assert code == 2 and "no user 'nobody'" in err
    assert _cli(sessions_home, "user", "remove", "omar")[0] == 0
    code, _, err = _cli(sessions_home, "user", "remove", "omar")
    assert code == 2 and "no user 'omar'" in err
    assert [line.split("\t")[0] for line in _cli(sessions_home, "user", "list")[1].splitlines()] == ["olive", "sam"]


def test_item_07_the_documented_command_line_still_works(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = scn("user", "add", "amina", "--role", "staff", home=home, input="a long password\n")
    assert "saved" in proc.stdout
    proc = scn("user", "add", "jean", "--role", "official", "--city", "montreal", home=home,
               input="another password\n")
    assert json.loads(scn("user", "list", "--json", home=home).stdout)[1] == {
        "username": "jean", "role": "official", "city_id": "montreal"}
    again = scn("user", "add", "amina", "--role", "staff", home=home, input="a long password\n", check=False)
    assert again.returncode == 2 and "already exists" in again.stderr


# ---------------------------------------------------------------------------------------------- item 20
def test_item_20_malformed_callback_payloads_are_answered_400(sessions_app) -> None:
    """Malformed Dash callback payloads gave HTTP 500."""
    good = route("/city/london")
    inputs = good["inputs"]
    malformed = {
        "not json": "{not json",
        "a list": "[1, 2]",
        "a string": '"x"',
        "no output": json.dumps({k: v for k, v in good.items() if k != "output"}),
        "output not a string": json.dumps({**good, "output": 5}),
        "unknown output": json.dumps({**good, "output": "nothing.children"}),
        "no inputs": json.dumps({k: v for k, v in good.items() if k != "inputs"}),
        "inputs a dict": json.dumps({**good, "inputs": {"id": "x"}}),
        "inputs a string": json.dumps({**good, "inputs": "x"}),
        "an input without property": json.dumps({**good, "inputs": [{"id": "_pages_location", "value": "/"},
                                                                    *inputs[1:]]}),
        "an input without id": json.dumps({**good, "inputs": [{"property": "pathname", "value": "/"},
                                                              *inputs[1:]]}),
        "an input that is a number": json.dumps({**good, "inputs": [1, *inputs[1:]]}),
        "too few inputs": json.dumps({**good, "inputs": inputs[:1]}),
        "too many inputs": json.dumps({**good, "inputs": [*inputs, inputs[0]]}),
        "state a dict": json.dumps({**good, "state": {"id": "x"}}),
        "outputs a string": json.dumps({**good, "outputs": "x"}),
        "outputs without property": json.dumps({**good, "outputs": [{"id": "_pages_content"}]}),
        "changedPropIds not a list": json.dumps({**good, "changedPropIds": "x"}),
        "changedPropIds of numbers": json.dumps({**good, "changedPropIds": [1]}),
        "map state not a list": json.dumps({**city_map("london"), "state": "london"}),
    }
    staff = _signed_in(sessions_app, "sam")
    anon = sessions_app.server.test_client()
    wrong = {}
    for who, client in (("staff", staff), ("anonymous", anon)):
        for name, body in malformed.items():
            r = client.post(CALLBACK, data=body, content_type="application/json")
            if r.status_code != 400:
                wrong[(who, name)] = r.status_code
        r = client.post(CALLBACK, data=json.dumps(good), content_type="text/plain")
        if r.status_code != 400:
            wrong[(who, "text/plain")] = r.status_code
    assert not wrong, wrong
    assert staff.post(CALLBACK, json=good).status_code == 200
    assert staff.post(CALLBACK, json=city_map("saida")).status_code == 200
