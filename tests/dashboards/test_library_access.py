"""The resource library's files and upload (issue 22) on the synthetic snapshot's home: a city-only document is
served to its city's official and to staff, refused to another city's official (403) and to anonymous users
(401, not a redirect); a network document is refused to anonymous users; a public one is served to them.
Staff add a document through the real form in headless Chromium; a non-staff upload (403), a post without the
form's token (400) and forged file types (415) are refused; a file name with a path in it is harmless."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from scn.access.users import User
from scn.hub import audit, library
from scn.settings import override
from tests.support.browser import page_wait, sign_in
from tests.support.dash_client import form_token, route

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def _entry(home: Path, title: str, access: str, city: str = "", *, name: str, body: bytes) -> dict:
    with override(home=home):
        return library.add({"title": title, "summary": "Test document.", "kind": "research", "language": "en",
                            "access": access, "city_id": city}, "sam", file_name=name, body=body)


@pytest.fixture(scope="module")
def docs(dash_home: Path) -> dict[str, dict]:
    """A London-only PDF, a network text file and a public image in the library of ``dash_home``."""
    return {"city": _entry(dash_home, "London prevention minutes", "city", "london", name="minutes.pdf", body=PDF),
            "network": _entry(dash_home, "Network contact list", "network", name="contacts.txt",
                              body=b"name,city\nA,London\n"),
            "public": _entry(dash_home, "Summit poster", "public", name="poster.png", body=PNG)}


def _nav_token(client) -> str:
    """The session's CSRF token, from the log-out form of the navigation (any signed-in user has it)."""
    payload = {"output": "nav.children", "outputs": {"id": "nav", "property": "children"},
               "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/library"},
                          {"id": "lang", "property": "value", "value": "en"}],
               "changedPropIds": ["_pages_location.pathname"], "state": []}
    return form_token(client.post("/_dash-update-component", json=payload).get_json())


def test_files_are_served_as_their_access_says(app_client, docs: dict[str, dict]) -> None:
    city, network, public = (f"/library/file/{docs[k]['entry_id']}" for k in ("city", "network", "public"))
    olive, omar, sam, anonymous = app_client("olive"), app_client("omar"), app_client("sam"), app_client()
    for client in (olive, sam):
        r = client.get(city)
        assert r.status_code == 200 and r.data == PDF and r.mimetype == "application/pdf"
        assert r.headers["Content-Disposition"].startswith("attachment;") and "minutes.pdf" in \
            r.headers["Content-Disposition"]
        assert "no-store" in r.headers["Cache-Control"] and "private" in r.headers["Cache-Control"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    r = omar.get(city)
    assert r.status_code == 403 and PDF not in r.data
    for path in (city, network):
        r = anonymous.get(path)
        assert r.status_code == 401 and "Location" not in r.headers and PDF not in r.data
    assert omar.get(network).status_code == 200
    r = anonymous.get(public)
    assert r.status_code == 200 and r.data == PNG and "public" in r.headers["Cache-Control"]
    assert sam.get("/library/file/lib-000000000000").status_code == 404
    # the page and its search: anonymous users only ever get public entries, another city's official not London's
    page = anonymous.post("/_dash-update-component", json=route("/library")).get_data(as_text=True)
    assert "Summit poster" in page and "London prevention minutes" not in page and "Network contact" not in page
    search = {"output": "library-results-box.children",
              "outputs": {"id": "library-results-box", "property": "children"},
              "inputs": [{"id": "library-q", "property": "value", "value": "London minutes contact list"},
                         *[{"id": f"library-{k}", "property": "value", "value": None} for k in library.FILTERS]],
              "state": [{"id": "lang", "property": "value", "value": "en"}], "changedPropIds": ["library-q.value"]}
    assert "London prevention minutes" not in anonymous.post("/_dash-update-component", json=search).text
    mine = omar.post("/_dash-update-component", json=search).text
    assert "Network contact list" in mine and "London prevention minutes" not in mine
    assert "London prevention minutes" in olive.post("/_dash-update-component", json=search).text


def test_upload_rules_and_file_checks(app_client, dash_home: Path) -> None:
    sam, olive = app_client("sam"), app_client("olive")
    token = form_token(sam.post("/_dash-update-component", json=route("/library")).get_json())
    fields = {"title": "Saida workshop report", "summary": "A report.", "kind": "event_report", "language": "en",
              "access": "city", "city_id": "saida", "csrf_token": token}

    def upload(client, name: str, body: bytes, **extra: str):
        from io import BytesIO

        return client.post("/library/upload", data={**fields, **extra, "file": (BytesIO(body), name)},
                           content_type="multipart/form-data")

    assert upload(olive, "r.pdf", PDF, csrf_token=_nav_token(olive)).status_code == 403  # not staff
    assert upload(app_client(), "r.pdf", PDF).status_code == 401
    assert upload(sam, "r.pdf", PDF, csrf_token="").status_code == 400  # without the form's token
    forged = {"report.pdf": b"<html><script>alert(1)</script></html>",  # markup named .pdf
              "report.docx": b"PK\x03\x04" + bytes(40),  # a zip header, not an Office document
              "report.exe": PDF,  # a type that is not allowed, whatever its content
              "report.txt": b"MZ\x90\x00\x03\x00\x00\x00",  # binary content named .txt
              "report.png": PDF}
    for name, body in forged.items():
        assert upload(sam, name, body).status_code == 415, name
    r = upload(sam, "../../../etc/cron.d/..\\evil\x00name.pdf", PDF)
    assert r.status_code == 303
    entry_id = re.search(r"added=([a-z0-9-]+)", r.headers["Location"]).group(1)
    with override(home=dash_home):
        entry = library.get(entry_id)
        stored = library.file_path(entry)
        assert [e for e in audit.entries(action="library.add")["target"]].count(entry_id) == 1
    assert entry["file_name"] == "evilname.pdf" and entry["access"] == "city" and entry["city_id"] == "saida"
    assert stored is not None and stored.parent == dash_home / "hub" / "files" and re.fullmatch(r"[0-9a-f]{32}",
                                                                                                 stored.name)
    assert not list(dash_home.rglob("*evil*")) and not list(dash_home.rglob("cron.d"))
    r = sam.get(f"/library/file/{entry_id}")
    assert r.status_code == 200 and r.data == PDF and 'filename=evilname.pdf' in r.headers["Content-Disposition"]
    assert app_client("omar").get(f"/library/file/{entry_id}").status_code == 200  # Saida's official
    assert olive.get(f"/library/file/{entry_id}").status_code == 403


@pytest.mark.browser
def test_staff_upload_through_the_form(server: str, browser: webdriver.Chrome, dash_home: Path,
                                       tmp_path: Path) -> None:
    doc = tmp_path / "Plan d'action — Saïda.pdf"
    doc.write_bytes(PDF)
    wait = page_wait(browser, 40)
    try:
        sign_in(browser, server, "sam", "/library")
        form = wait.until(ec.presence_of_element_located((By.ID, "library-upload-form")))
        form.find_element(By.ID, "upload-title").send_keys("Plan d'action local de Saïda")
        form.find_element(By.ID, "upload-summary").send_keys("Prévenir la radicalisation à Saïda.")
        Select(form.find_element(By.ID, "upload-kind")).select_by_value("local_action_plan")
        Select(form.find_element(By.ID, "upload-language")).select_by_value("fr")
        Select(form.find_element(By.ID, "upload-themes")).select_by_value("local_action_planning")
        Select(form.find_element(By.ID, "upload-access")).select_by_value("city")
        Select(form.find_element(By.ID, "upload-city_id")).select_by_value("saida")
        wait.until(ec.presence_of_element_located((By.ID, "upload-file"))).send_keys(str(doc))
        form.find_element(By.ID, "upload-submit").click()
        added = wait.until(ec.presence_of_element_located((By.ID, "library-added")))
        assert "Plan d'action local de Saïda" in added.text
        box = browser.find_element(By.ID, "library-q")
        box.send_keys("prévention Saida\n")
        wait.until(lambda d: "Plan d'action local de Saïda" in d.find_element(By.ID, "library-results").text
                   and "Saida only" in d.find_element(By.ID, "library-results").text)
    finally:
        browser.delete_all_cookies()
    with override(home=dash_home):
        (entry,) = [r for r in library.search("Saïda", User("sam", "staff")) if r["title"].startswith("Plan")]
    assert entry["file_type"] == "pdf" and entry["file_name"] == "Plan d'action — Saïda.pdf".replace("'", "")
    assert entry["added_by"] == "sam" and entry["themes"] == ["local_action_planning"]
