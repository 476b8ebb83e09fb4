"""The attacker's seventh round (docs/security.md rows 52-): a fresh pass at the running app, ingest, exports
and the notifier. Each test failed on the code before its fix."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError
from scn.settings import override
from tests.support.corpus import SQUARE, feature, geojson
from tests.support.dash_client import settings_restored  # noqa: F401
from tests.support.homes import home  # noqa: F401

# ----------------------------------------------------------------------- a workbook's shared strings (row 52)
LONG, ROWS = 5_000, 300  # one shared string of 5,000 characters in 300 rows: 1,500,000 characters from ~10 kB


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _workbook(header: list[str], rows: list[list[str | int]]) -> bytes:
    """An XLSX workbook as Excel writes one: every text once in ``xl/sharedStrings.xml``, each text cell a
    reference to it by number (``t="s"``), numbers inline."""
    strings: dict[str, int] = {}

    def cell(ref: str, value: str | int) -> str:
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>'

    lines = [f'<row r="{r}">' + "".join(cell(f"{chr(65 + j)}{r}", v) for j, v in enumerate(values)) + "</row>"
             for r, values in enumerate([header, *rows], 1)]
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{PACKAGE}/content-types"><Default Extension="rels" ContentType='
        f'"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/><Override '
        f'PartName="/xl/sharedStrings.xml" ContentType="{SML}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" Type="{RELS}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {NS} xmlns:r="{RELS}"><sheets><sheet name="data" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" '
        f'Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{RELS}/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f"<sst {NS}>{shared}</sst>",
        "xl/worksheets/sheet1.xml": f"<worksheet {NS}><sheetData>{''.join(lines)}</sheetData></worksheet>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return buf.getvalue()


def _shared(kind: str) -> bytes:
    """A workbook whose rows all name one long shared string."""
    text = ("hate speech sample " * (LONG // 19 + 1))[:LONG]
    if kind == "social":
        return _workbook(["id", "created_at", "text"], [[i, "2025-03-01T10:00:00Z", text] for i in range(ROWS)])
    return _workbook(["area_code", "month", "crime_type", "count"],
                     [["E1", f"2025-{1 + i % 12:02d}", text, 1] for i in range(ROWS)])


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize("kind", ["social", "crime-counts"])
def test_a_workbooks_shared_string_does_not_multiply_into_the_frame(tmp_path: Path, kind: str) -> None:
    """An XLSX cell may refer to a shared string instead of holding its text, so 2,000 rows naming one string of
    1,000,000 characters are a workbook of 670 kB that every size, ratio and cell limit lets through, and
    ``readers.read_xlsx`` built a frame of 2,000,000,000 characters from it (Arrow asked for 2 GB; 20,000 rows
    of 5 MB from a few MB: 100 GB). The text a workbook's cells hold is now held to
    ``SCN_INGEST_TABLE_MAX_BYTES``, as a CSV's bytes are, while the rows are read."""
    body = _shared(kind)
    assert len(body) < 20_000 and LONG * ROWS == 1_500_000
    with zipfile.ZipFile(io.BytesIO(body)) as z:  # one copy of the text in the archive
        assert z.getinfo("xl/sharedStrings.xml").file_size < 2 * LONG
    if kind == "crime-counts":  # read once the city has areas
        (tmp_path / "areas.geojson").write_bytes(geojson([feature("E1", SQUARE)]))
        ingest_file("boundaries", tmp_path / "areas.geojson", city_id="london")
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(body)
    with override(ingest_table_max_bytes=1_000_000):
        with pytest.raises(IngestError, match=r"[.]xlsx: .*characters .*limit is 1,000,000, "
                                              r"SCN_INGEST_TABLE_MAX_BYTES"):
            ingest_file(kind, path, city_id="london")
    with override(ingest_table_max_bytes=2_000_000):  # under the limit: read
        try:
            ingest_file(kind, path, city_id="london")
        except IngestError as exc:
            assert "SCN_INGEST_TABLE_MAX_BYTES" not in str(exc)


# -------------------------------------------------------------------- an alert an official does not get (row 53)
def _existence_home(root: Path) -> Path:
    """City ``e``: area G's March holds 6 flagged posts, and two bursts of G (2025-W10, 2025-W12) say 3 or more
    each: together they pin both at 3, so an official gets neither alert (docs/security.md row 34); area H holds
    40 more. Its official ``eve``."""
    from scn.access.users import add_user
    from tests.support.alert_rows import burst
    from tests.support.snapshots import publish_tables

    area_month = pd.DataFrame([{"city_id": "e", "area_code": a, "period": "2025-03", "flagged_posts": v,
                                "posts": v + 30} for a, v in (("G", 6), ("H", 40))])
    publish_tables(root, {
        "alerts": pd.DataFrame([burst("e", "G", "2025-W10", 3, 0.0), burst("e", "G", "2025-W12", 3, 0.0)]),
        "area_month": area_month, "city_month": pd.DataFrame([{"city_id": "e", "period": "2025-03",
                                                               "flagged_posts": 46, "posts": 106}]),
        "areas": pd.DataFrame({"city_id": "e", "area_code": ["G", "H"], "area_name": ["Golf", "Hotel"],
                               "area_name_local": None}),
        "cities": pd.DataFrame({"city_id": ["e"], "name": ["Eastport"]})})
    with override(home=root):
        add_user("eve", "official", "e", "official-pass-3")
        add_user("sam", "staff", None, "staff-pass-123")
    return root


def test_an_alert_an_official_does_not_get_cannot_be_acted_on_either(tmp_path: Path) -> None:
    """The existence rule (row 34) leaves out of an official's copy an alert whose existence pins a small count,
    but ``POST /alerts`` looked the id up in the published alerts as staff see them: the official's
    acknowledgement of such an alert answered 303 (and was stored), of none 404. Alert ids are hashes of city,
    type, area and week, so the official could try every area and week of the city and read which bursts exist
    (here: two of 3 flagged posts each). An official may act only on the alerts of the official's copy."""
    from dashboards.app import create_app
    from dashboards.components.alerts import inbox
    from scn.alerts import store
    from scn.alerts.catalog import alert_ids
    from tests.support.alert_rows import burst
    from tests.support.dash_client import form_token, route

    root = _existence_home(tmp_path / "scn")
    app = create_app(root)
    (hidden, _) = alert_ids(pd.DataFrame([burst("e", "G", "2025-W10", 3), burst("e", "G", "2025-W12", 3)]))
    with app.server.test_request_context():
        assert inbox("e", "official").empty and hidden in set(inbox("e", "staff")["alert_id"])

    def act(user: str, password: str, alert_id: str) -> int:
        c = app.server.test_client()
        token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
        assert c.post("/login", data={"username": user, "password": password, "csrf_token": token}).status_code == 302
        nav = {"output": "nav.children", "outputs": {"id": "nav", "property": "children"}, "state": [],
               "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/alerts"},
                          {"id": "lang", "property": "value", "value": "en"}],
               "changedPropIds": ["_pages_location.pathname"]}
        token = form_token(c.post("/_dash-update-component", json=nav).get_json())  # the log-out form's
        return c.post("/alerts", data={"alert_id": alert_id, "action": "acknowledge", "csrf_token": token,
                                       "next": "/alerts"}).status_code

    assert act("eve", "official-pass-3", hidden) == act("eve", "official-pass-3", "a-0000000000000000") == 404
    with override(home=root):
        assert store.states([hidden]).empty  # nothing stored
    assert act("sam", "staff-pass-123", hidden) == 303  # staff act on every alert

