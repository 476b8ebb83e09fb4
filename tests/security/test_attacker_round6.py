"""The attacker's sixth round (docs/security.md rows 46-): tables read whole whatever their size, a named user
locked out from anywhere by a guesser, and a fresh pass at the running app. Each test failed on the code before
its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn import lake
from scn.ingest import readers
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.ingest.result import IngestError
from scn.settings import override
from tests.support.corpus import SQUARE, feature, geojson, jsonl, ok_rows, police, post_obj, posts, prow
from tests.support.dash_client import settings_restored  # noqa: F401
from tests.support.homes import home  # noqa: F401

# ------------------------------------------------------------------------------- whole tables (row 46)
TABLES = {
    "posts.csv": ("social", posts(*ok_rows(300))),
    "posts.tsv": ("social", posts(*(r.replace(",", "\t") for r in ok_rows(300)),
                                  header="id\tcreated_at\ttext\tlang\tlat\tlon\tplace\tauthor\tplatform\turl")),
    "posts.jsonl": ("social", jsonl(*(post_obj(i) for i in range(300)))),
    "posts.dat": ("social", jsonl(*(post_obj(i) for i in range(300)))),  # an unknown extension read as JSON Lines
    "crimes.csv": ("crime", police(*(prow(cid=f"c{i}") for i in range(300)))),
    "counts.csv": ("crime-counts", ("area_code,month,crime_type,count\n"  # a published table (its own reader)
                                    + "".join(f"E1,2025-{1 + i % 12:02d},Burglary {i},{i}\n"
                                              for i in range(300))).encode()),
}


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("name", list(TABLES))
def test_a_table_over_the_size_limit_is_refused_unread(tmp_path: Path, name: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """CSV, TSV and JSON Lines files were read whole into one frame whatever their size (only a line's length
    was limited): a 20 GB CSV of short lines took the ingest host's memory. Past ``SCN_INGEST_TABLE_MAX_BYTES``
    the file is refused by its size, naming the file and the limit, before a byte of it is read."""
    kind, body = TABLES[name]
    if kind == "crime-counts":  # read once the city has areas
        (tmp_path / "areas.geojson").write_bytes(geojson([feature("E1", SQUARE)]))
        ingest_file("boundaries", tmp_path / "areas.geojson", city_id="london")
    path = tmp_path / name
    path.write_bytes(body)

    def unread(*_a: object, **_k: object) -> None:
        raise AssertionError("the file was read")

    with override(ingest_table_max_bytes=len(body) - 1), monkeypatch.context() as m:
        m.setattr(readers, "check_text_file", unread)
        m.setattr(readers, "detect_encoding", unread)
        with pytest.raises(IngestError, match=rf"{name.replace('.', '[.]')}: .*{len(body):,} bytes .*limit is "
                                              rf"{len(body) - 1:,}, SCN_INGEST_TABLE_MAX_BYTES"):
            ingest_file(kind, path, city_id="london")
    with override(ingest_table_max_bytes=len(body)):  # at the limit: read (refused, if at all, for its content)
        try:
            ingest_file(kind, path, city_id="london")
        except IngestError as exc:
            assert "SCN_INGEST_TABLE_MAX_BYTES" not in str(exc)


def test_an_oversized_table_fails_alone_in_the_inbox(home: Path) -> None:  # noqa: F811
    """The refused table is recorded (quarantine row 0, naming the file and the limit); the city's other files
    and another city's are ingested in the same walk."""
    london, saida = home / "inbox" / "social" / "london", home / "inbox" / "social" / "saida"
    london.mkdir(parents=True)
    saida.mkdir(parents=True)
    (london / "a.csv").write_bytes(posts(*ok_rows(2)))
    (london / "big.csv").write_bytes(posts(*ok_rows(2000, start=100)))
    (london / "big.jsonl").write_bytes(jsonl(*(post_obj(i) for i in range(5000, 7000))))
    (london / "z.jsonl").write_bytes(jsonl(post_obj(3), post_obj(4), post_obj(5)))
    (saida / "b.csv").write_bytes(posts(*ok_rows(2, start=10)))
    with override(ingest_table_max_bytes=50_000):
        results = ingest_inbox("social")
    accepted = {Path(r.file).name: r.accepted for r in results}
    assert accepted == {"a.csv": 2, "z.jsonl": 3, "b.csv": 2}
    q = lake.read_table("quarantine", where="row = 0")
    for name in ("big.csv", "big.jsonl"):
        (reason,) = q.loc[q["file"].str.endswith(name), "reason"]
        assert reason.startswith(f"{name}: ") and "SCN_INGEST_TABLE_MAX_BYTES" in reason


# ------------------------------------------------------------------------ a named user locked out (row 47)
@pytest.fixture(scope="module")
def dash_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SCN_HOME with the synthetic snapshot and the test users (tests/support/dash_client.py)."""
    from tests.support.dash_client import home_with_users

    return home_with_users(tmp_path_factory.mktemp("scn-attacker6"))


def _log_in(client, username: str, password: str, addr: str) -> int:
    from tests.support.dash_client import form_token, route

    env = {"REMOTE_ADDR": addr}
    token = form_token(client.post("/_dash-update-component", json=route("/login"), environ_base=env).get_json())
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                    environ_base=env)
    return 200 if r.status_code == 302 and "error" not in r.headers["Location"] else r.status_code


def test_a_guesser_elsewhere_does_not_lock_the_user_out(dash_world: Path) -> None:
    """The per-user log-in limit counted every client's failures in one budget: ten wrong passwords for
    ``olive`` from anywhere locked olive out of signing in, from her own browser, for 15 minutes. Now the user's
    limit is per user and client (a browser olive signed in from before, by its device cookie; else the
    address); a guesser is throttled per client (all users) and per user and client, and every client without
    olive's device cookie together at a higher bound (``SCN_LOGIN_LIMIT_USER_ALL``)."""
    from dashboards.app import create_app
    from tests.support.dash_client import USERS

    right = USERS["olive"][2]
    with override(home=dash_world, login_limit_user="3 per 15 minutes", login_limit_user_all="9 per 15 minutes",
                  login_limit_client="30 per 15 minutes"):
        app = create_app(dash_world)
        guesser = app.server.test_client()
        assert [_log_in(guesser, "olive", f"guess {i}", "198.51.100.1") for i in range(4)] == [302, 302, 302, 429]
        assert _log_in(guesser, "olive", right, "198.51.100.1") == 429  # the guesser's client stays throttled
        new = app.server.test_client()  # olive from a new browser at another address still signs in
        assert _log_in(new, "olive", right, "192.0.2.11") == 200
        for addr in ("198.51.100.2", "198.51.100.3"):  # a guesser of many addresses: 3 + 3 + 3 = 9
            assert [_log_in(app.server.test_client(), "olive", "guess", addr) for _ in range(3)] == [302] * 3
        assert _log_in(app.server.test_client(), "olive", right, "198.51.100.4") == 429  # the bound for all
        omar = app.server.test_client()
        assert _log_in(omar, "omar", USERS["omar"][2], "198.51.100.4") == 200  # the bound is olive's only
        assert _log_in(omar, "olive", right, "198.51.100.4") == 429  # omar's browser is not olive's
        forged = app.server.test_client()
        forged.set_cookie("scn_device", new.get_cookie("scn_device", path="/login").value[:-2] + "xx", path="/login")
        assert _log_in(forged, "olive", right, "198.51.100.5") == 429  # nor is a forged cookie
        assert _log_in(new, "olive", right, "192.0.2.11") == 200  # a browser olive signed in from: still in
        assert _log_in(new, "olive", right, "198.51.100.1") == 200  # ... at the guesser's address too


# ------------------------------------------------------------------- cross-site callbacks (row 47, checked)
def _save(post: str = "p1") -> dict:
    """The review page's save callback (it writes labels: a callback that changes state)."""
    label = {"type": "review-label", "post": post}
    return {"output": "..review-status.children...review-accuracy.children..",
            "outputs": [{"id": "review-status", "property": "children"},
                        {"id": "review-accuracy", "property": "children"}],
            "inputs": [{"id": "review-save", "property": "n_clicks", "value": 1}],
            "state": [[{"id": label, "property": "value", "value": "hate"}],
                      [{"id": label, "property": "id", "value": label}],
                      [{"id": {"type": "review-target", "post": post}, "property": "value", "value": None}],
                      {"id": "review-city", "property": "data", "value": "london"},
                      {"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": ["review-save.n_clicks"]}


def test_a_cross_site_post_never_runs_a_callback_that_changes_state(dash_world: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``/_dash-update-component`` takes no CSRF token, and the review page's save callback writes labels. A
    signed-in reviewer's browser (cookies sent, as a browser without SameSite would) posting what another site
    can make it post: a form's or ``text/plain`` body holding the JSON, a ``fetch`` marked cross-site or
    same-site (a sibling subdomain), an ``Origin`` of another site: none reaches the callback. A
    ``Content-Type: application/json`` from another origin needs a CORS preflight, which the app never grants."""
    import json

    from dashboards.app import create_app
    from scn.access.users import add_user
    from tests.support.dash_client import form_token, route

    with override(home=dash_world):
        add_user("rita", "reviewer", "london", "reviewer-pass-1")
    app = create_app(dash_world)
    from dashboards.pages import review  # registered by the app
    calls: list[str] = []
    monkeypatch.setattr(review.loop, "save_labels", lambda city, user, entries: calls.append(user) or (1, 0))
    rita = app.server.test_client()
    token = form_token(rita.post("/_dash-update-component", json=route("/login")).get_json())
    assert rita.post("/login", data={"username": "rita", "password": "reviewer-pass-1",
                                     "csrf_token": token}).status_code == 302
    body = json.dumps(_save())
    evil = {"Origin": "https://evil.example"}
    attempts = {
        "text/plain": rita.post("/_dash-update-component", data=body, headers=evil,
                                content_type="text/plain;charset=UTF-8"),
        "form": rita.post("/_dash-update-component", data={body: ""}, headers=evil),
        "multipart": rita.post("/_dash-update-component", data={"x": body}, headers=evil,
                               content_type="multipart/form-data"),
        "cross-site": rita.post("/_dash-update-component", data=body, content_type="application/json",
                                headers={**evil, "Sec-Fetch-Site": "cross-site"}),
        "same-site": rita.post("/_dash-update-component", data=body, content_type="application/json",
                               headers={"Origin": "https://other.example.org", "Sec-Fetch-Site": "same-site"}),
        "options": rita.options("/_dash-update-component", headers={**evil, "Access-Control-Request-Method": "POST",
                                                                    "Access-Control-Request-Headers": "content-type"}),
    }
    assert {k: r.status_code for k, r in attempts.items() if k != "options"} == {
        "text/plain": 400, "form": 400, "multipart": 400, "cross-site": 403, "same-site": 403}
    assert not [h for h, _ in attempts["options"].headers if h.lower().startswith("access-control-allow")]
    assert calls == []
    same = rita.post("/_dash-update-component", data=body, content_type="application/json",
                     headers={"Sec-Fetch-Site": "same-origin"})  # the control: the page's own request
    assert same.status_code == 200 and calls == ["rita"]


# ------------------------------------------------------------------------ a fresh pass (rows 48-)
def test_an_upload_named_in_a_script_of_three_bytes_a_letter_is_taken(dash_world: Path) -> None:
    """An upload's name was cut to 120 characters, not bytes: a Chinese, Japanese or Korean name of 120 letters
    (360 bytes in UTF-8) passed ``safe_name`` and the save failed (``File name too long``, a name is at most 255
    bytes): a 500 for the staff member, the file not taken. The name is now cut to fit in bytes too."""
    import io

    from dashboards.app import create_app
    from dashboards.components.staff import load_report, safe_name
    from tests.support.dash_client import form_token, route, signed_in

    app = create_app(dash_world)
    sam = signed_in(app, "sam")
    token = form_token(sam.post("/_dash-update-component", json=route("/staff/upload")).get_json())
    names = ["报告" * 70 + ".csv", "𝔭" * 200 + ".csv", "é" * 300 + ".csv"]  # 3, 4 and 2 bytes a letter
    files = [(io.BytesIO(posts(*ok_rows(2, start=500 + 10 * i))), n) for i, n in enumerate(names)]
    r = sam.post("/staff/upload", data={"csrf_token": token, "kind": "social", "city": "london", "file": files},
                 content_type="multipart/form-data")
    assert r.status_code == 303, r.status_code
    with override(home=dash_world):
        shown = load_report(r.headers["Location"].rsplit("=", 1)[1])
    assert [(f.get("accepted"), f.get("error")) for f in shown] == [(2, None)] * len(names)
    assert all(len(f["name"].encode()) <= 255 and f["name"].endswith(".csv") for f in shown)
    assert safe_name("报告" * 70 + ".csv").startswith("报告报告")


def test_a_session_ends_some_hours_after_log_in(dash_world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session cookie lived until log-out or a password change: one copied from a shared computer, a proxy's
    log or a backup signed its holder in for as long as the user never signed out (Flask only refused a cookie
    not re-signed for 31 days). A session now ends ``SCN_SESSION_HOURS`` (12) after its log-in, whatever
    happened since."""
    import types

    from dashboards import auth
    from dashboards.app import create_app
    from tests.support.dash_client import city_map, signed_in

    app = create_app(dash_world)
    olive = signed_in(app, "olive")
    assert olive.post("/_dash-update-component", json=city_map("london")).status_code == 200
    now = auth.time.time()
    monkeypatch.setattr(auth, "time", types.SimpleNamespace(time=lambda: now + 11.9 * 3600))
    assert olive.post("/_dash-update-component", json=city_map("london")).status_code == 200
    monkeypatch.setattr(auth, "time", types.SimpleNamespace(time=lambda: now + 12.1 * 3600))
    assert olive.post("/_dash-update-component", json=city_map("london")).status_code == 401
    assert olive.get("/city/london").status_code == 302  # to the log-in page
    with override(session_hours=24):
        assert olive.post("/_dash-update-component", json=city_map("london")).status_code == 200


WIDE_COLUMNS, WIDE_ROWS = 400, 300  # 120,000 cells from some 120 kB of commas


def _wide(ragged: bool = False) -> bytes:
    header = ",".join(["id", "created_at", "text", *(f"k{i}" for i in range(WIDE_COLUMNS - 3))])
    rows = [f"{i},2025-03-01T10:00:00Z,post {i}" + "," * (WIDE_COLUMNS - 3) for i in range(WIDE_ROWS)]
    if ragged:
        rows[5] += ",one too many"
    return (header + "\n" + "\n".join(rows) + "\n").encode()


WIDE = {
    "wide.csv": ("social", _wide()),
    "ragged.csv": ("social", _wide(ragged=True)),  # a ragged row: the others stream, it alone is read as a list
    "wide.jsonl": ("social", jsonl(*({"id": i, "created_at": "2025-03-01T10:00:00Z", "text": "t", f"k{i}": 1}
                                     for i in range(WIDE_COLUMNS)))),  # a key of its own each
    "wide-counts.csv": ("crime-counts", ("area_code,month," + ",".join(f"type {i}" for i in range(WIDE_COLUMNS))
                                         + "\n" + "".join(f"E1,2025-{1 + i % 12:02d}" + ",1" * WIDE_COLUMNS + "\n"
                                                          for i in range(WIDE_ROWS))).encode()),
}


STREAMED = {"wide.csv", "wide.jsonl", "ragged.csv"}  # read by Arrow batches: the tables' cell limit (the others build lists)


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("name", list(WIDE))
def test_a_small_table_of_empty_cells_is_refused_before_it_becomes_a_frame(tmp_path: Path, name: str) -> None:
    """A CSV of commas: 10 MB of 5,000 empty columns x 2,000 rows became a frame of 10 million cells, some 190 MB
    (20 times the file: ``readers.read_tabular``, peak RSS 329 MB from 136 MB): a 100 MB upload some 2 GB, a
    table at ``SCN_INGEST_TABLE_MAX_BYTES`` some 20 GB. Rows x columns are held to a cell limit before the frame
    is built (JSON Lines: objects x keys): the tables' (``SCN_INGEST_TABLE_MAX_CELLS``) for the readers that stream
    Arrow batches, the workbooks' (``SCN_INGEST_XLSX_MAX_CELLS``) for those that build Python lists."""
    kind, body = WIDE[name]
    if kind == "crime-counts":
        (tmp_path / "areas.geojson").write_bytes(geojson([feature("E1", SQUARE)]))
        ingest_file("boundaries", tmp_path / "areas.geojson", city_id="london")
    path = tmp_path / name
    path.write_bytes(body)
    limit = "SCN_INGEST_TABLE_MAX_CELLS" if name in STREAMED else "SCN_INGEST_XLSX_MAX_CELLS"
    with override(ingest_xlsx_max_cells=100_000, ingest_table_max_cells=100_000):
        with pytest.raises(IngestError, match=rf"{name.replace('.', '[.]')}: .*cells .*{limit}"):
            ingest_file(kind, path, city_id="london")
    with override(ingest_xlsx_max_cells=1_000_000, ingest_table_max_cells=1_000_000):  # under the limit: read
        try:
            ingest_file(kind, path, city_id="london")
        except IngestError as exc:
            assert "_MAX_CELLS" not in str(exc)
