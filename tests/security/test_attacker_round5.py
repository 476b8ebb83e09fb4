"""The attacker's loose ends (docs/security.md rows 41-43) and a fresh pass: whole JSON documents read without a
size or shape limit, the one-time password page reached through Dash's router unthrottled, and spreadsheet
formulas behind full-width signs or leading spaces. Each test failed on the code before its fix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scn import lake
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.ingest.result import IngestError
from scn.settings import override
from tests.support.corpus import ok_rows, posts
from tests.support.dash_client import settings_restored  # noqa: F401
from tests.support.homes import home  # noqa: F401


# ------------------------------------------------------------------------------- whole JSON documents (row 41)
def _telegram(messages: list[dict]) -> str:
    return json.dumps({"name": "chan", "type": "public_channel", "id": 77, "messages": messages})


def _message(i: int, **extra: object) -> dict:
    return {"id": i, "type": "message", "date": "2025-03-01T10:00:00", "date_unixtime": "1740823200",
            "from": "x", "from_id": f"user{i}", "text": f"telegram post {i}", **extra}


def _tweets(n: int, start: int = 1000) -> str:
    return json.dumps({"data": [{"id": str(i), "created_at": "2025-03-01T10:00:00.000Z", "text": f"tweet {i}",
                                 "author_id": str(i)} for i in range(start, start + n)]})


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("layout", ["telegram", "x", "objects"])
def test_a_whole_json_document_over_the_size_limit_is_refused_unread(tmp_path: Path, layout: str) -> None:
    """A Telegram ``result.json`` or an X API response is parsed whole (Python objects take several times the
    bytes): past ``SCN_INGEST_JSON_MAX_BYTES`` the file is refused by its size, naming the file and the limit,
    before a byte of it is decoded."""
    body = {"telegram": _telegram([_message(i) for i in range(1, 400)]), "x": _tweets(400),
            "objects": json.dumps([{"id": i, "created_at": "2025-03-01T10:00:00Z", "text": f"p {i}"}
                                   for i in range(400)])}[layout]
    path = tmp_path / f"big-{layout}.json"
    path.write_text(body)
    with override(ingest_json_max_bytes=len(body) - 1):
        with pytest.raises(IngestError, match=rf"big-{layout}\.json: .*SCN_INGEST_JSON_MAX_BYTES"):
            ingest_file("social", path, city_id="london")
    with override(ingest_json_max_bytes=len(body)):  # at the limit: read
        assert ingest_file("social", path, city_id="london").accepted >= 399


@pytest.mark.usefixtures("home")
def test_a_deeply_nested_json_document_is_refused(tmp_path: Path) -> None:
    """Nesting below Python's recursion limit parsed, and every level became objects pandas carried (one message
    whose text nests 900 lists deep); a document nested deeper than ``readers.JSON_MAX_DEPTH`` is refused."""
    from scn.ingest import readers

    deep: object = "x"
    for _ in range(900):
        deep = [deep]
    path = tmp_path / "result.json"
    path.write_text(_telegram([_message(1), _message(2, text=deep)]))
    with pytest.raises(IngestError, match=r"result\.json: .*nested \d+ deep .*limit is 64"):
        ingest_file("social", path, city_id="london")
    shallow = tmp_path / "ok.json"  # a real export's entities (a list of strings and objects) still read
    shallow.write_text(_telegram([_message(1, text=["see ", {"type": "link", "text": "x.example"}])]))
    assert ingest_file("social", shallow, city_id="london").accepted == 1
    assert readers.JSON_MAX_DEPTH == 64


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("layout", ["telegram", "x", "objects"])
def test_records_whose_keys_multiply_into_a_huge_frame_are_refused(tmp_path: Path, layout: str) -> None:
    """Every key of any record becomes a column of every record: n records each with a key of its own made an
    n x n frame (3,000 records of 30 bytes each: 9 million cells from 100 kB). Records x keys is held to the
    workbooks' cell limit (``SCN_INGEST_XLSX_MAX_CELLS``)."""
    n = 3000
    body = {"telegram": _telegram([_message(i, **{f"k{i}": 1}) for i in range(1, n + 1)]),
            "x": json.dumps({"data": [{"id": str(i), "created_at": "2025-03-01T10:00:00.000Z", "text": "t",
                                       f"k{i}": 1} for i in range(1, n + 1)]}),
            "objects": json.dumps([{"id": i, "created_at": "2025-03-01T10:00:00Z", "text": "t", f"k{i}": 1}
                                   for i in range(1, n + 1)])}[layout]
    path = tmp_path / f"wide-{layout}.json"
    path.write_text(body)
    with override(ingest_xlsx_max_cells=1_000_000):
        with pytest.raises(IngestError, match=rf"wide-{layout}\.json: .*cells .*SCN_INGEST_XLSX_MAX_CELLS"):
            ingest_file("social", path, city_id="london")


@pytest.mark.usefixtures("home")
def test_a_document_of_millions_of_tiny_containers_is_refused(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``[{},{},...]``: 3 bytes a dict of some 64 bytes in memory (20 times the file). The containers of a
    document are counted before it is parsed (``readers.JSON_MAX_CONTAINERS``)."""
    from scn.ingest import readers

    monkeypatch.setattr(readers, "JSON_MAX_CONTAINERS", 1000)
    path = tmp_path / "tiny.json"
    path.write_text("[" + ",".join(["{}"] * 1001) + "]")
    with pytest.raises(IngestError, match=r"tiny\.json: .*1,002 objects and arrays .*limit is 1,000"):
        ingest_file("social", path, city_id="london")
    text = tmp_path / "brackets-in-text.json"  # brackets inside strings are text, not structure
    text.write_text(json.dumps([{"id": 1, "created_at": "2025-03-01T10:00:00Z", "text": "[[[{{{" * 900 + '\\"'}]))
    assert ingest_file("social", text, city_id="london").accepted == 1


@pytest.mark.usefixtures("home")
def test_a_telegram_export_of_plain_texts_is_read(tmp_path: Path) -> None:
    """Found on the way: a Telegram export whose every message text is a plain string (no links, no mentions:
    a quiet channel) failed whole with a TypeError (pandas 3 reads such a column as strings, whose ``.str.get``
    takes positions only)."""
    path = tmp_path / "result.json"
    path.write_text(_telegram([_message(i) for i in range(1, 5)]))
    assert ingest_file("social", path, city_id="london").accepted == 4


@pytest.mark.usefixtures("home")
def test_a_geojson_over_the_json_size_limit_is_refused(tmp_path: Path) -> None:
    """Boundaries are whole JSON documents too (parsed whole for a ``crs`` or a NUL, and by GDAL): the same size
    limit, checked before GDAL or Python opens the file."""
    square = [[[-0.16, 51.48], [-0.12, 51.48], [-0.12, 51.52], [-0.16, 51.52], [-0.16, 51.48]]]
    doc = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_code": "E1", "area_name": "One"},
         "geometry": {"type": "Polygon", "coordinates": square}}]})
    path = tmp_path / "areas.geojson"
    path.write_text(doc)
    with override(ingest_json_max_bytes=len(doc) - 1):
        with pytest.raises(IngestError, match=r"areas\.geojson: .*SCN_INGEST_JSON_MAX_BYTES"):
            ingest_file("boundaries", path, city_id="london")
    assert ingest_file("boundaries", path, city_id="london").accepted == 1


def test_an_oversized_json_fails_alone_in_the_inbox(home: Path) -> None:  # noqa: F811
    """The refused document is recorded (quarantine row 0, naming the file and the limit); the city's other
    files and another city's are ingested in the same walk."""
    london, saida = home / "inbox" / "social" / "london", home / "inbox" / "social" / "saida"
    london.mkdir(parents=True)
    saida.mkdir(parents=True)
    (london / "a.csv").write_bytes(posts(*ok_rows(2)))
    (london / "result.json").write_text(_telegram([_message(i) for i in range(1, 2000)]))
    (london / "z.json").write_text(_tweets(3))
    (saida / "b.csv").write_bytes(posts(*ok_rows(2, start=10)))
    with override(ingest_json_max_bytes=50_000):
        results = ingest_inbox("social")
    accepted = {Path(r.file).name: r.accepted for r in results}
    assert accepted == {"a.csv": 2, "z.json": 3, "b.csv": 2}
    q = lake.read_table("quarantine", where="row = 0")
    (reason,) = q.loc[q["file"].str.endswith("result.json"), "reason"]
    assert reason.startswith("result.json: ") and "SCN_INGEST_JSON_MAX_BYTES" in reason



# ---------------------------------------------------------------------- spreadsheet formulas in exports (row 43)
FORMULAS = ["\uff1d1+1", "\uff0bcmd|' /C calc'!A0", "\uff0d2+3", "\uff20SUM(A1:A9)", "\ufe66HYPERLINK(\"x\")",
            "  =HYPERLINK(\"http://x.example\")", "\u00a0=1+1", "\u3000=1+1", "\u2003+1", "\u200b=1+1", "\ufeff@x",
            " \t=1", "\n=1+1", "\u3000\uff1d1+1", "=1", "\t", "\rx"]
HARMLESS = ["hello", "  hello", "a=b", "\uff48\uff49", "5 = 5", "", "'=already", "\u2212 minus sign"]
BROKEN = ["note\r=HYPERLINK(\"http://x.example\")", "note\r\n+1", "a\n@SUM(A1)"]  # a line break, then a formula


def _executable(value: object) -> bool:
    """Whether a spreadsheet could take ``value`` for a formula: its first character other than white space and
    invisible ones, compatibility-normalised, is = + - @ (or it starts with a tab or CR)."""
    import re
    import unicodedata

    if not isinstance(value, str):
        return False
    lead = re.sub(r"^[\s\u200b-\u200f\u2060\ufeff]+", "", unicodedata.normalize("NFKC", value))
    return value.startswith(("\t", "\r")) or lead.startswith(("=", "+", "-", "@"))


def test_full_width_and_indented_formulas_are_neutralised() -> None:
    """``neutralise`` looked at the first character as written: a full-width ＝ ＋ － ＠ (which spreadsheet
    apps read as their ASCII forms on input) or a formula after spaces, no-break or ideographic spaces, or a
    zero-width character went out as it came in. Now the check reads the value NFKC-normalised with leading
    white space and invisible characters set aside; every such value (and column name) gets the ``'``."""
    from scn.publish.exports import neutralise

    frame = pd.DataFrame({"t": FORMULAS + HARMLESS, "n": range(len(FORMULAS) + len(HARMLESS))})
    frame[FORMULAS[0]] = "x"  # a column name too
    out = neutralise(frame)
    assert out["t"].tolist() == ["'" + v for v in FORMULAS] + HARMLESS
    assert out["n"].tolist() == frame["n"].tolist() and list(out.columns) == ["t", "n", "'" + FORMULAS[0]]
    assert all(_executable(v) for v in FORMULAS) and not any(_executable(v) for v in HARMLESS)


def test_every_export_path_neutralises_them(dash_world: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper's callers: the published exports (CSV, and every sheet and the README of the XLSX, as the
    downloads and ``scn export`` make them), the quarantine CSV of the staff pages and the review export (also
    as the retention job rewrites it). Found on the way: pandas' CSV writer (and Python's, with ``\\n`` line
    ends) leaves a field holding a lone CR unquoted, so a reader splits the row there and the rest of the value
    (``note\\r=HYPERLINK(…)``) starts a row of its own: a formula, or a forged row. Every CSV is now written by
    ``exports.to_csv``: neutralised, with CRLF line ends (RFC 4180), which quote any field holding CR or LF."""
    from dashboards.app import create_app

    create_app(dash_world)  # the pages register with an app
    from dashboards.components import staff as tools
    from dashboards.pages import staff_quarantine
    from scn.publish import exports
    from scn.review import loop

    values = FORMULAS + BROKEN
    frame = pd.DataFrame({"city_id": "london", "statement": values, "value": range(len(values))})
    monkeypatch.setattr(exports, "table", lambda name, city_id=None, audience="staff": frame)
    monkeypatch.setattr(exports, "readme_lines", lambda *a: ["SCN data platform export", *FORMULAS])
    text = exports.export_bytes("network-kpis", "csv").decode()
    fields = [f for row in csv.reader(io.StringIO(text, newline="")) for f in row]
    assert len(fields) == 3 * (len(values) + 1) and not [f for f in fields if _executable(f)]
    book = openpyxl.load_workbook(io.BytesIO(exports.export_bytes("network-kpis", "xlsx")))
    cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert sum(str(c).startswith("'") for c in cells) == 2 * len(FORMULAS) and not [c for c in cells
                                                                                    if _executable(c)]
    rows = pd.DataFrame({"file": values, "row": 1, "field": values, "reason": values})
    monkeypatch.setattr(tools, "quarantine_rows", lambda file: rows)
    monkeypatch.setattr(staff_quarantine.auth, "require_page", lambda *a, **k: None)
    sent = staff_quarantine.download_csv(1, "a" * 64)
    fields = [f for row in csv.reader(io.StringIO(sent["content"], newline="")) for f in row]
    assert len(fields) == 4 * (len(values) + 1) and not [f for f in fields if _executable(f)]
    sample = pd.DataFrame({"post_key": values, "city_id": "london", "lang": "en", "stratum": "random",
                           "text": values})
    monkeypatch.setattr(loop, "texts_for", lambda *a, **k: sample)
    monkeypatch.setattr(loop, "_record_export", lambda path: None)
    out, n = loop.export_csv("london", "sam", tmp_path / "review.csv")
    fields = [f for row in csv.reader(out.open(encoding="utf-8", newline="")) for f in row]
    assert n == len(values) and len(fields) == 8 * (n + 1) and not [f for f in fields if _executable(f)]
    monkeypatch.setattr(loop, "exported_files", lambda: [str(out)])  # the retention job rewrites it
    monkeypatch.setattr(loop.lake, "has_table", lambda table: True)
    monkeypatch.setattr(loop, "readable", lambda keys: keys.ne(values[0]))  # the first post's text erased
    assert loop.prune_exports() == 1
    fields = [f for row in csv.reader(out.open(encoding="utf-8", newline="")) for f in row]
    assert len(fields) == 8 * n and not [f for f in fields if _executable(f)]

# ------------------------------------------------------------------------ the one-time password page (row 42)
@pytest.fixture(scope="module")
def dash_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SCN_HOME with the synthetic snapshot and the test users (tests/support/dash_client.py)."""
    from tests.support.dash_client import home_with_users

    return home_with_users(tmp_path_factory.mktemp("scn-attacker5"))


def test_the_reset_page_is_throttled_on_every_path_that_reaches_it(dash_world: Path) -> None:
    """``GET``/``POST /reset/<token>`` were throttled per client, but the page itself (the form naming the
    link's user, or "this link cannot be used": the token's validity) is rendered by Dash's router callback,
    which anyone could call without limit; ``/reset/<token>/`` (or ``…%2F``) reached the page
    through Dash's catch-all route, also unthrottled; and the GET and POST routes counted apart. Now one
    limit per client (``SCN_LOGIN_LIMIT_CLIENT``) counts every request that reaches the page, whatever path."""
    from dashboards.app import create_app
    from scn.access import users
    from tests.support.dash_client import find_props, route

    app = create_app(dash_world)
    with override(home=dash_world):
        token = users.issue_reset("olive")
    with override(home=dash_world, login_limit_client="3 per 15 minutes"):
        anon = app.server.test_client()
        first = anon.post("/_dash-update-component", json=route(f"/reset/{token}"))
        assert first.status_code == 200 and find_props(first.get_json(), "reset-user") is not None  # the control
        answers = [anon.post("/_dash-update-component", json=route(f"/reset/{token}")).status_code
                   for _ in range(3)]
        assert answers == [200, 200, 429]
        for other in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):  # every path counts in one budget per client
            client = app.server.test_client()
            env = {"REMOTE_ADDR": other}
            mixed = [client.get(f"/reset/{token}/", environ_base=env).status_code,
                     client.post("/_dash-update-component", json=route(f"/reset/{token}/"),
                                 environ_base=env).status_code,
                     client.post(f"/reset/{token}", data={}, environ_base=env).status_code,
                     client.get(f"/reset/{token}", environ_base=env).status_code,
                     client.get(f"/reset/{token}%2F", environ_base=env).status_code]
            assert mixed[3:] == [429, 429], (other, mixed)
        throttled = app.server.test_client().get(f"/reset/{token}", environ_base={"REMOTE_ADDR": "192.0.2.1"})
        assert throttled.headers["Retry-After"].isdigit() and olive_absent(throttled.get_data(as_text=True))
        fresh = app.server.test_client()  # another client is not throttled; other pages are not counted
        env = {"REMOTE_ADDR": "192.0.2.9"}
        assert [fresh.post("/_dash-update-component", json=route("/login"), environ_base=env).status_code
                for _ in range(5)] == [200] * 5
        assert fresh.get(f"/reset/{token}", environ_base=env).status_code == 200
        nav = {"output": "nav.children", "outputs": {"id": "nav", "property": "children"},  # renders no page
               "inputs": [{"id": "_pages_location", "property": "pathname", "value": f"/reset/{token}"},
                          {"id": "lang", "property": "value", "value": "en"}], "changedPropIds": [], "state": []}
        assert [fresh.post("/_dash-update-component", json=nav, environ_base=env).status_code
                for _ in range(4)] == [200] * 4


def olive_absent(body: str) -> bool:
    return "olive" not in body


# ------------------------------------------------------------ the client's address behind a reverse proxy (row 45)
def _failed_login(client, forwarded: str | None = None, remote: str = "127.0.0.1") -> int:
    from tests.support.dash_client import form_token, route

    env = {"REMOTE_ADDR": remote}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = form_token(client.post("/_dash-update-component", json=route("/login"), environ_base=env,
                                   headers=headers).get_json())
    return client.post("/login", data={"username": "nobody", "password": "wrong password", "csrf_token": token},
                       environ_base=env, headers=headers).status_code


def test_clients_behind_a_trusted_proxy_are_throttled_apart(dash_world: Path) -> None:
    """Behind the reverse proxy docs/security.md asks for (TLS), every request came from the proxy's address:
    the per-client throttles (log-in, the one-time password page) were one budget for the whole world, so one
    guesser's 30 wrong passwords locked every user out of signing in for 15 minutes. ``SCN_TRUSTED_PROXIES``
    (the proxies in front, default 0) now takes the client from the last ``X-Forwarded-For`` hops they add;
    with 0 the header is ignored (a client cannot choose its own address to dodge the throttle)."""
    from dashboards.app import create_app

    with override(home=dash_world, trusted_proxies=1, login_limit_client="3 per 15 minutes"):
        app = create_app(dash_world)
        guesser, other = app.server.test_client(), app.server.test_client()
        assert [_failed_login(guesser, "203.0.113.1") for _ in range(4)] == [302, 302, 302, 429]
        assert _failed_login(other, "203.0.113.2") == 302  # another client behind the same proxy
        assert _failed_login(guesser, "198.51.100.7, 203.0.113.1") == 429  # a forged first hop changes nothing
    with override(home=dash_world, login_limit_client="3 per 15 minutes"):
        app = create_app(dash_world)  # no proxy trusted: the header is the client's to invent, and ignored
        client = app.server.test_client()
        assert [_failed_login(client, f"203.0.113.{i}", remote="192.0.2.50") for i in range(4)] == \
            [302, 302, 302, 429]
