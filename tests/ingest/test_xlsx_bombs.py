"""Hostile workbooks (built here, in memory: nothing big is committed): a zip bomb (one part declaring far more than
``SCN_INGEST_XLSX_MAX_MEMBER_BYTES``, or compressed beyond ``SCN_INGEST_XLSX_MAX_RATIO``, or parts summing past
``SCN_INGEST_XLSX_MAX_BYTES``) is refused before openpyxl opens it; a file that is not a zip, a truncated zip, a zip
without a workbook, another compression; a sheet declaring an absurd dimension or a row past the format's last.
Each refusal names the file and the reason, is quarantined as other unusable files are, and leaves the other files
and cities alone: through ``scn ingest``, the inbox and the staff upload page."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pytest

from scn import lake
from scn.ingest import published, readers
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.ingest.result import IngestError
from tests.support.corpus import HEADER, ok_rows, posts
from tests.support.dash_client import (  # noqa: F401  (settings_restored: an autouse fixture)
    USERS,
    form_token,
    home_with_users,
    route,
    settings_restored,
)

SHEET = "xl/worksheets/sheet1.xml"


def workbook(n: int = 3, start: int = 1) -> bytes:
    """A real XLSX of ``n`` posts (the social columns), as openpyxl writes it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for values in csv.reader([HEADER, *ok_rows(n, start)]):
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rebuilt(xlsx: bytes, parts: dict[str, bytes | tuple[int, bytes]] | None = None,
            streams: dict[str, int] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """``xlsx`` with parts replaced or added (``parts``: bytes, or (compression method, bytes)), parts of
    ``streams[name]`` zero bytes written deflated in 1 MiB blocks (a bomb, without holding it in memory) and
    parts dropped."""
    parts, streams = parts or {}, streams or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in parts and info.filename not in streams and info.filename not in drop:
                dst.writestr(info, src.read(info))
        for name, body in parts.items():
            method, data = body if isinstance(body, tuple) else (zipfile.ZIP_DEFLATED, body)
            dst.writestr(zipfile.ZipInfo(name), data, compress_type=method)
        block = bytes(1 << 20)
        for name, size in streams.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as fh:
                for _ in range(size >> 20):
                    fh.write(block)
    return out.getvalue()


@cache
def bomb() -> bytes:
    """A workbook whose sheet is 600 MiB of zeros (about 0.6 MB compressed), built once."""
    return rebuilt(workbook(), streams={SHEET: 600 << 20})


def sheet_xml(xlsx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return z.read(SHEET).decode()


def write(folder: Path, name: str, body: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(body)
    return folder / name


@pytest.fixture()
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a workbook fails loudly: a refusal that names its own reason happened before openpyxl read it."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_a_real_workbook_passes_the_checks(home: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "fine.xlsx", workbook(3))
    readers.check_xlsx(path)
    assert '<dimension ref="A1:J4"/>' in sheet_xml(path.read_bytes())  # the dimension is checked, and fine
    r = ingest_file("social", path, city_id="london")
    assert (r.rows_read, r.accepted, r.quarantined) == (3, 3, 0)


@pytest.mark.usefixtures("no_openpyxl")
def test_a_zip_bomb_is_refused_before_anything_is_decompressed(home: Path, tmp_path: Path) -> None:
    body = bomb()
    assert len(body) < 1 << 20
    path = write(tmp_path, "bomb.xlsx", body)
    start = time.perf_counter()
    with pytest.raises(IngestError) as refused:
        ingest_file("social", path, city_id="london")
    assert time.perf_counter() - start < 5
    assert str(refused.value) == (f"bomb.xlsx: part {SHEET} would decompress to {600 << 20} bytes (the limit is "
                                  f"{512 << 20}, SCN_INGEST_XLSX_MAX_MEMBER_BYTES)")
    q = lake.read_table("quarantine")
    assert q["row"].tolist() == [0] and q["reason"].iloc[0] == str(refused.value)
    assert lake.read_table("ingest_log")["accepted"].tolist() == [0]


@pytest.mark.usefixtures("no_openpyxl")
def test_a_part_compressed_like_a_bomb_is_refused_by_its_ratio(home: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "dense.xlsx", rebuilt(workbook(), streams={"xl/sharedStrings.xml": 16 << 20}))
    with pytest.raises(IngestError, match=r"^dense\.xlsx: part xl/sharedStrings\.xml is compressed (\d+) times "
                                          r"\(the limit is 250, SCN_INGEST_XLSX_MAX_RATIO\): a zip bomb\?$") as refused:
        readers.check_xlsx(path)
    assert int(re.search(r"compressed (\d+) times", str(refused.value))[1]) > 500  # deflate of zeros: ~1000x


def test_the_limits_are_settings(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "posts.xlsx", workbook(200))
    with zipfile.ZipFile(path) as z:
        total, biggest = sum(i.file_size for i in z.infolist()), max(i.file_size for i in z.infolist())
    readers.check_xlsx(path)
    monkeypatch.setenv("SCN_INGEST_XLSX_MAX_BYTES", str(total - 1))
    with pytest.raises(IngestError, match=rf"posts\.xlsx: the workbook would decompress to {total} bytes in \d+ "
                                          rf"parts \(the limit is {total - 1}, SCN_INGEST_XLSX_MAX_BYTES\)"):
        readers.check_xlsx(path)
    monkeypatch.setenv("SCN_INGEST_XLSX_MAX_BYTES", str(total))
    monkeypatch.setenv("SCN_INGEST_XLSX_MAX_MEMBER_BYTES", str(biggest - 1))
    with pytest.raises(IngestError, match="SCN_INGEST_XLSX_MAX_MEMBER_BYTES"):
        readers.check_xlsx(path)
    monkeypatch.setenv("SCN_INGEST_XLSX_MAX_MEMBER_BYTES", str(biggest))
    monkeypatch.setenv("SCN_INGEST_XLSX_MAX_CELLS", str(201 * 10 - 1))  # header + 200 rows, 10 columns
    with pytest.raises(IngestError, match=r"declares the dimension 'A1:J201' \(2010 cells; the limit is 2009"):
        readers.check_xlsx(path)
    monkeypatch.setenv("SCN_INGEST_XLSX_MAX_CELLS", "2010")
    assert ingest_file("social", path, city_id="london").accepted == 200


@pytest.mark.parametrize("name, body, reason", [
    ("text.xlsx", posts(*ok_rows(2)), "a damaged or invalid zip archive: BadZipFile"),
    ("cut.xlsx", workbook()[:3000], "a damaged or invalid zip archive: BadZipFile"),
    ("empty.xlsx", b"", "a damaged or invalid zip archive: BadZipFile"),
    ("nobook.xlsx", rebuilt(workbook(), drop=("[Content_Types].xml",)), "a zip archive without [Content_Types].xml"),
    ("bz.xlsx", rebuilt(workbook(), parts={"xl/extra.xml": (zipfile.ZIP_BZIP2, b"<a/>")}),
     "part xl/extra.xml uses compression method 12"),
], ids=["csv-text", "truncated", "empty", "no-workbook", "bzip2"])
def test_malformed_archives_are_refused_naming_the_file(home: Path, tmp_path: Path, name: str, body: bytes,
                                                        reason: str) -> None:
    path = write(tmp_path, name, body)
    with pytest.raises(IngestError, match=rf"^{re.escape(name)}: .*{re.escape(reason)}"):
        ingest_file("social", path, city_id="london")
    assert lake.read_table("quarantine")["reason"].str.startswith(name).all()


def _dimension(ref: str) -> bytes:
    book = workbook()
    return rebuilt(book, parts={SHEET: re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>',
                                              sheet_xml(book)).encode()})


@pytest.mark.parametrize("ref, reason", [
    ("A1:XFD1048576", "declares the dimension 'A1:XFD1048576' (17179869184 cells; the limit is 50000000"),
    ("A1:ZZZZ3", "beyond the XLSX limits (1048576 rows, 16384 columns)"),
    ("A1:J99999999999", "beyond the XLSX limits"),
    ("A0:J3", "beyond the XLSX limits"),
    ("everything", "declares an unreadable dimension 'everything'"),
], ids=["whole-sheet", "columns", "rows", "row-zero", "garbage"])
def test_an_absurd_sheet_dimension_is_refused(home: Path, tmp_path: Path, ref: str, reason: str) -> None:
    path = write(tmp_path, "wide.xlsx", _dimension(ref))
    start = time.perf_counter()
    for read in (readers.read_xlsx, published._xlsx_grids):  # posts and the published tables' workbooks
        with pytest.raises(IngestError, match=rf"^wide\.xlsx: sheet part {re.escape(SHEET)} .*{re.escape(reason)}"):
            read(path)
    assert time.perf_counter() - start < 5


def test_a_row_past_the_last_row_of_the_format_is_refused_quickly(home: Path, tmp_path: Path) -> None:
    book = workbook()
    xml = sheet_xml(book).replace("</sheetData>", '<row r="99999999"><c r="A99999999" t="inlineStr"><is><t>x</t>'
                                                  "</is></c></row></sheetData>")
    path = write(tmp_path, "far.xlsx", rebuilt(book, parts={SHEET: xml.encode()}))
    start = time.perf_counter()
    for read in (readers.read_xlsx, published._xlsx_grids):
        with pytest.raises(IngestError, match=r"^far\.xlsx: sheet 'Sheet' has rows past row 1048576 \(the XLSX "
                                              r"limit\)$"):
            read(path)
    assert time.perf_counter() - start < 60  # one pass over the missing rows, never 100 million


def test_the_inbox_quarantines_the_bomb_and_ingests_the_rest(home: Path) -> None:
    london, saida = home / "inbox" / "social" / "london", home / "inbox" / "social" / "saida"
    write(london, "a.csv", posts(*ok_rows(3)))
    write(london, "bomb.xlsx", bomb())
    write(london, "wide.xlsx", _dimension("A1:XFD1048576"))
    write(london, "z.xlsx", workbook(2, start=10))
    write(saida, "b.xlsx", workbook(4, start=20))
    results = ingest_inbox("social")
    assert sorted((Path(r.file).name, r.city_id, r.accepted) for r in results) == [
        ("a.csv", "london", 3), ("b.xlsx", "saida", 4), ("z.xlsx", "london", 2)]
    q = lake.read_table("quarantine").sort_values("reason")
    assert q["row"].tolist() == [0, 0]
    assert q["reason"].str.match(r"bomb\.xlsx: part .* would decompress to 629145600 bytes").tolist() == [True, False]
    assert q["reason"].str.match(r"wide\.xlsx: sheet part .* 'A1:XFD1048576'").tolist() == [False, True]
    assert len(lake.read_table("ingest_log")) == 5
    assert ingest_inbox("social") == []  # recorded: not retried


def test_the_staff_upload_reports_the_bomb_and_ingests_the_other_file(tmp_path: Path) -> None:
    from dashboards.app import create_app
    from dashboards.components.staff import load_report
    from scn.hub.audit import entries

    app = create_app(home_with_users(tmp_path / "home"))
    sam = app.server.test_client()
    token = form_token(sam.post("/_dash-update-component", json=route("/login")).get_json())
    r = sam.post("/login", data={"username": "sam", "password": USERS["sam"][2], "next": "/", "csrf_token": token})
    assert r.status_code == 302 and "error" not in r.headers["Location"]
    token = form_token(sam.post("/_dash-update-component", json=route("/staff/users")).get_json())
    files = [(io.BytesIO(bomb()), "bomb.xlsx"), (io.BytesIO(workbook(3, start=40)), "fine.xlsx")]
    r = sam.post("/staff/upload", data={"csrf_token": token, "kind": "social", "city": "london", "file": files},
                 content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    shown = load_report(r.headers["Location"].rsplit("=", 1)[1])
    assert [f["name"] for f in shown] == ["bomb.xlsx", "fine.xlsx"]
    assert shown[0]["error"] == (f"bomb.xlsx: part {SHEET} would decompress to 629145600 bytes (the limit is "
                                 "536870912, SCN_INGEST_XLSX_MAX_MEMBER_BYTES)")
    assert shown[1].get("error") is None and shown[1]["accepted"] == 3
    page = sam.post("/_dash-update-component", json=route("/staff/upload", "?" + r.headers["Location"].split("?")[1]))
    assert page.status_code == 200 and "would decompress to 629145600 bytes" in page.get_data(as_text=True)
    details = [json.loads(d) for d in entries(2, action="ingest.upload")["detail"]]
    assert sorted(d.get("failed", False) for d in details) == [False, True]  # both audited, the bomb as failed


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                    for i in range(1, 10)) + "]>\n")


def _with_prolog(part: str, prolog: str, encoding: str = "utf-8") -> bytes:
    """The workbook with ``prolog`` (a DOCTYPE) put before the root element of ``part``, re-encoded."""
    with zipfile.ZipFile(io.BytesIO(workbook())) as z:
        xml = z.read(part).decode()
    body = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)
    if encoding != "utf-8":
        prolog = prolog.replace('version="1.0"?>', f'version="1.0" encoding="{encoding}"?>')
    first = body.index(">", body.index("<")) + 1  # the root element's start tag: an entity used in its content
    text = prolog + body[:first] + ("&lol9;" if "lol9" in prolog else "&secret;") + body[first:]
    if "worksheet" in part:  # an entity in a cell's text, where openpyxl would read it
        text = prolog + body.replace("<t>", "<t>&lol9;" if "lol9" in prolog else "<t>&secret;", 1)
    return rebuilt(workbook(), parts={part: text.encode(encoding)})


@pytest.mark.parametrize("part, prolog, encoding", [
    (SHEET, LAUGHS, "utf-8"),
    ("xl/styles.xml", LAUGHS, "utf-8"),
    ("xl/workbook.xml", LAUGHS, "utf-8"),
    ("[Content_Types].xml", LAUGHS, "utf-8"),
    (SHEET, '<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY secret SYSTEM "file://{secret}">]>\n', "utf-8"),
    ("xl/styles.xml", '<?xml version="1.0"?>\n<!DOCTYPE s SYSTEM "file://{secret}">\n', "utf-8"),
    (SHEET, LAUGHS, "utf-16"),
    (SHEET, '<?xml version="1.0"?>\n<!--' + " " * 70_000 + '-->\n' + LAUGHS.split("\n", 1)[1], "utf-8"),
], ids=["laughs-sheet", "laughs-styles", "laughs-workbook", "laughs-content-types", "external-entity",
        "external-dtd", "utf-16", "after-a-long-comment"])
def test_a_doctype_in_any_part_is_refused_before_the_workbook_is_parsed(
        home: Path, tmp_path: Path, no_openpyxl: None, part: str, prolog: str, encoding: str) -> None:
    """Parts under 1 MiB were handed to openpyxl's XML parser with their document type: a billion-laughs entity
    (a few hundred bytes that expand to gigabytes) or an external entity naming a file on the machine. An XLSX
    part never needs a DOCTYPE: any part declaring one (in UTF-8 or UTF-16, however far on) is refused naming the
    file and the part, before openpyxl opens the workbook (``no_openpyxl``), through every workbook reader."""
    secret = tmp_path / "secret.txt"
    secret.write_text("the machine's secret", encoding="utf-8")
    path = write(tmp_path, "laughs.xlsx", _with_prolog(part, prolog.replace("{secret}", str(secret)), encoding))
    for read in (readers.read_xlsx, published._xlsx_grids):
        with pytest.raises(IngestError, match=rf"^laughs\.xlsx: part {re.escape(part)} declares a document type"):
            read(path)
    with pytest.raises(IngestError, match=r"^laughs\.xlsx: part .* declares a document type"):
        ingest_file("social", path, city_id="london")
    q = lake.read_table("quarantine")
    assert q["reason"].str.contains("declares a document type").all()
    assert not q["raw_json"].fillna("").str.contains("secret").any()
