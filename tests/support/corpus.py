"""A corpus of bad and awkward input files, generated in code, each with its documented outcome (docs/ingest.md)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, Polygon, box

HEADER = "id,created_at,text,lang,lat,lon,place,author,platform,url"
OK_ROW = "{i},2025-03-01T10:00:00+00:00,post number {i},en,51.5,-0.12,,user{i},x,"


@dataclass
class Case:
    """One input file and what ingest must make of it."""

    id: str
    kind: str
    name: str
    data: bytes | Callable[[Path], None]
    city: str | None = "london"
    error: str | None = None  # substring of the IngestError message
    counts: tuple[int, int, int, int] | None = None  # rows_read, accepted, quarantined, duplicates
    quarantine: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, reason substring)
    check: Callable[[dict[str, pd.DataFrame]], None] | None = None  # on the lake tables after ingest


def posts(*rows: str, header: str = HEADER, sep: str = "\n", encoding: str = "utf-8") -> bytes:
    return sep.join([header, *rows, ""]).encode(encoding)


def ok_rows(n: int, start: int = 1) -> list[str]:
    return [OK_ROW.format(i=i) for i in range(start, start + n)]


def row(i: int, created: str = "2025-03-01T10:00:00Z", text: str = "hello", lat: str = "51.5", lon: str = "-0.12",
        lang: str = "en", author: str = "someone") -> str:
    return f"{i},{created},{text},{lang},{lat},{lon},,{author},x,"


def text_is(expected: str, table: str = "posts", column: str = "text") -> Callable[[dict], None]:
    def check(t: dict[str, pd.DataFrame]) -> None:
        assert expected in set(t[table][column]), (expected, t[table][column].tolist())
    return check


def holds(pred: Callable[[dict[str, pd.DataFrame]], bool], what: str) -> Callable[[dict], None]:
    def check(t: dict[str, pd.DataFrame]) -> None:
        assert pred(t), what
    return check


def column_is(column: str, expected: object, table: str = "posts") -> Callable[[dict], None]:
    def check(t: dict[str, pd.DataFrame]) -> None:
        got = [None if pd.isna(v) else v for v in t[table][column].tolist()]
        assert got == expected, got
    return check


def created_is(*iso: str) -> Callable[[dict], None]:
    def check(t: dict[str, pd.DataFrame]) -> None:
        got = t["posts"].sort_values("source_row")["created_at"].tolist()
        assert got == [pd.Timestamp(x) for x in iso], got
    return check


def jsonl(*objs: object, extra: str = "") -> bytes:
    return ("\n".join(json.dumps(o, ensure_ascii=False) for o in objs) + "\n" + extra).encode()


def post_obj(i: int, **kw: object) -> dict:
    return {"id": i, "created_at": "2025-03-01T10:00:00Z", "text": f"post {i}", "lang": "en", "lat": 51.5,
            "lon": -0.12, "author": f"handle{i}", "platform": "x", **kw}


def x_response(tweets: list[dict], places: list[dict] | None = None) -> bytes:
    return json.dumps({"data": tweets, "includes": {"places": places or []}}).encode()


def tweet(i: int, **kw: object) -> dict:
    return {"id": str(1000 + i), "created_at": "2025-03-01T10:00:00.000Z", "text": f"tweet {i}", "author_id":
            str(900 + i), "lang": "en", **kw}


def telegram(messages: list[dict]) -> bytes:
    return json.dumps({"name": "City chat", "type": "public_supergroup", "id": 777, "messages": messages},
                      ensure_ascii=False).encode()


POLICE = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
          "Last outcome category,Context,Hate flag")


def police(*rows: str, header: str = POLICE) -> bytes:
    return "\n".join([header, *rows, ""]).encode()


def prow(cid: str = "abc1", month: str = "2025-03", lon: str = "-0.12", lat: str = "51.5", ctype: str = "Burglary",
         hate: str = "N") -> str:
    loc = "On or near High Street" if lat else "No Location"
    lsoa = "E01000001" if lat else ""
    return f"{cid},{month},Metropolitan Police Service,Metropolitan Police Service,{lon},{lat},{loc},{lsoa},x,{ctype},,,{hate}"


GENERIC_CRIME = "id,time,lat,lon,category,hate_flag"
KOBO = ("start,end,group_demo/gender,group_demo/age_group,group_demo/area_code,group_a/q1,group_a/q2,"
        "group_x/seen,group_x/seen/online,group_x/seen/street,weight,wave,programme_id,_id,_uuid,_submission_time,"
        "_submitted_by")


def kobo_row(i: int, q1: str = "3", uuid: str | None = None, sub: str = "2025-03-02T10:00:00", weight: str = "1.0"
             ) -> str:
    u = uuid if uuid is not None else f"uuid-{i}"
    return (f"2025-03-01T10:00:00,2025-03-01T10:20:00,female,25_34,A1,{q1},4,online street,1,1,{weight},baseline,"
            f"lpn-x,{i},{u},{sub},enumerator7")


def kobo(*rows: str, sep: str = ",") -> bytes:
    return "\n".join([KOBO.replace(",", sep), *[r.replace(",", sep) for r in rows], ""]).encode()


def write_gdf(gdf: gpd.GeoDataFrame, driver: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        if driver == "zip":
            folder = path.parent / "shp"
            folder.mkdir()
            gdf.to_file(folder / "areas.shp")
            with zipfile.ZipFile(path, "w") as zf:
                for f in folder.iterdir():
                    zf.write(f, f.name)
        else:
            gdf.to_file(path, driver=driver)
    return write


def areas_gdf(geoms: list, crs: str = "EPSG:4326", codes: list[str] | None = None) -> gpd.GeoDataFrame:
    codes = codes or [f"A{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"area_code": codes, "area_name": [f"Area {c}" for c in codes],
                             "population": [1000] * len(geoms)}, geometry=geoms, crs=crs)


def geojson(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def feature(code: str, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": {"area_code": code, "area_name": code}, "geometry": geometry}


SQUARE = {"type": "Polygon", "coordinates": [[[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.51],
                                              [-0.1, 51.5]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[-0.1, 51.5], [-0.09, 51.51], [-0.09, 51.5], [-0.1, 51.51],
                                              [-0.1, 51.5]]]}
CITIES = ("city_id,name,country,country_code,region,continent,lat,lon,population,steering_committee,joined_year,"
          "themes")
CITY_OK = "newtown,Newtown,Kenya,KE,Sub-Saharan Africa,Africa,-1.0,37.0,100000,False,2020,youth"


def xlsx(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    return buf.getvalue()


def kobo_frame() -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(kobo(kobo_row(1), kobo_row(2))), dtype=str)


ODK = "SubmissionDate,grp-gender,grp-q1,grp-q2,meta-instanceID,KEY,SubmitterName"
ODK_ROW = "2025-03-02T10:00:00.000Z,male,2,5,uuid:{i},uuid:{i},Jane Enumerator"


def cases() -> list[Case]:  # noqa: PLR0915 - one long, flat list is the readable form of a corpus
    c: list[Case] = []
    add = c.append
    # ---- social: encodings, BOMs, dialects
    add(Case("social-clean", "social", "p.csv", posts(*ok_rows(3)), counts=(3, 3, 0, 0)))
    add(Case("social-utf8-bom", "social", "p.csv", b"\xef\xbb\xbf" + posts(*ok_rows(2)), counts=(2, 2, 0, 0)))
    add(Case("social-cp1252", "social", "p.csv", posts(row(1, text="Café Müller – “quoted”")[:], encoding="cp1252"),
             counts=(1, 1, 0, 0), check=text_is("Café Müller – “quoted”")))
    add(Case("social-latin1", "social", "p.csv", posts(row(1, text="naïve résumé à la crème"), encoding="latin-1"),
             counts=(1, 1, 0, 0), check=text_is("naïve résumé à la crème")))
    add(Case("social-utf16-bom", "social", "p.csv", posts(row(1, text="ünïcödé"), encoding="utf-16"),
             counts=(1, 1, 0, 0), check=text_is("ünïcödé")))
    arabic = "مرحبا بكم في المدينة الجميلة وأهلا وسهلا بالجميع"
    add(Case("social-cp1256-arabic", "social", "p.csv", posts(row(1, text=arabic, lang=""), encoding="cp1256"),
             counts=(1, 1, 0, 0), check=text_is(arabic)))
    add(Case("social-semicolon", "social", "p.csv", posts(*[r.replace(",", ";") for r in ok_rows(2)],
                                                           header=HEADER.replace(",", ";")), counts=(2, 2, 0, 0)))
    add(Case("social-tab", "social", "p.tsv", posts(*[r.replace(",", "\t") for r in ok_rows(2)],
                                                     header=HEADER.replace(",", "\t")), counts=(2, 2, 0, 0)))
    add(Case("social-pipe", "social", "p.csv", posts(*[r.replace(",", "|") for r in ok_rows(2)],
                                                      header=HEADER.replace(",", "|")), counts=(2, 2, 0, 0)))
    add(Case("social-crlf", "social", "p.csv", posts(*ok_rows(2), sep="\r\n"), counts=(2, 2, 0, 0),
             check=text_is("post number 2")))
    add(Case("social-quoted-newline", "social", "p.csv", posts(row(1, text='"line one\nline two, with comma"')),
             counts=(1, 1, 0, 0), check=text_is("line one\nline two, with comma")))
    add(Case("social-renamed-columns", "social", "p.csv",
             posts("7,2025-03-01 10:00:00+01:00,renamed,51.5,-0.12,bob",
                   header="Post ID,Timestamp,Body,Latitude,Longitude,Username"), counts=(1, 1, 0, 0),
             check=created_is("2025-03-01T09:00:00Z")))
    add(Case("social-uppercase-columns", "social", "p.csv", posts(*ok_rows(1), header=HEADER.upper()),
             counts=(1, 1, 0, 0)))
    add(Case("social-lng-synonym", "social", "p.csv", posts("1,2025-03-01,t,51.5,-0.12", header="id,date,text,lat,lng"),
             counts=(1, 1, 0, 0), check=column_is("lon", [-0.12])))
    add(Case("social-missing-id-column", "social", "p.csv", posts("2025-03-01,t", header="created_at,text"),
             error="missing required column 'post_id'"))
    add(Case("social-missing-text-column", "social", "p.csv", posts("1,2025-03-01", header="id,created_at"),
             error="missing required column 'text'"))
    add(Case("social-missing-date-column", "social", "p.csv", posts("1,t", header="id,text"),
             error="missing required column 'created_at'"))
    add(Case("social-not-a-table", "social", "p.txt", b"hello world\nthis is just prose\n",
             error="missing required column"))
    # ---- social: coordinates
    add(Case("social-lat-out-of-range", "social", "p.csv", posts(row(1), row(2, lat="95")), counts=(2, 1, 1, 0),
             quarantine=[(2, "lat", "latitude outside -90..90")]))
    add(Case("social-lon-out-of-range", "social", "p.csv", posts(row(1, lon="200")), counts=(1, 0, 1, 0),
             quarantine=[(1, "lon", "longitude outside -180..180")]))
    add(Case("social-lat-not-number", "social", "p.csv", posts(row(1, lat="abc")), counts=(1, 0, 1, 0),
             quarantine=[(1, "lat", "not a number")]))
    add(Case("social-lat-without-lon", "social", "p.csv", posts(row(1, lon="")), counts=(1, 0, 1, 0),
             quarantine=[(1, "lat", "latitude without longitude")]))
    add(Case("social-swapped", "social", "p.csv", posts(row(1, lat="-0.12", lon="51.5")), counts=(1, 0, 1, 0),
             quarantine=[(1, "lat", "look swapped")]))
    add(Case("social-far-away-not-swapped", "social", "p.csv", posts(row(1, lat="40.7", lon="-74.0")),
             counts=(1, 1, 0, 0)))
    add(Case("social-no-coordinates", "social", "p.csv", posts(row(1, lat="", lon="")), counts=(1, 1, 0, 0),
             check=column_is("lat", [None])))
    add(Case("social-decimal-comma", "social", "p.csv", posts("1;2025-03-01;t;51,5;-0,12", header="id;date;text;lat;lon"),
             counts=(1, 1, 0, 0), check=column_is("lat", [51.5])))
    # ---- social: dates and time zones
    add(Case("social-impossible-date", "social", "p.csv", posts(row(1), row(2, created="2024-02-30T10:00:00Z")),
             counts=(2, 1, 1, 0), quarantine=[(2, "created_at", "not a valid date/time")]))
    add(Case("social-month-13", "social", "p.csv", posts(row(1, created="2024-13-01")), counts=(1, 0, 1, 0),
             quarantine=[(1, "created_at", "not a valid date/time")]))
    add(Case("social-date-1899", "social", "p.csv", posts(row(1, created="1899-01-01T00:00:00Z")), counts=(1, 0, 1, 0),
             quarantine=[(1, "created_at", "date outside 1990..today")]))
    add(Case("social-date-future", "social", "p.csv", posts(row(1, created="2999-01-01T00:00:00Z")),
             counts=(1, 0, 1, 0), quarantine=[(1, "created_at", "date outside 1990..today")]))
    add(Case("social-date-missing", "social", "p.csv", posts(row(1, created="")), counts=(1, 0, 1, 0),
             quarantine=[(1, "created_at", "missing")]))
    add(Case("social-timezones", "social", "p.csv",
             posts(row(1, created="2025-03-01T10:00:00+05:30"), row(2, created="2025-03-01T10:00:00-08:00"),
                   row(3, created="2025-03-01T10:00:00Z"), row(4, created="2025-03-01 10:00:00")),
             counts=(4, 4, 0, 0), check=created_is("2025-03-01T04:30:00Z", "2025-03-01T18:00:00Z",
                                                   "2025-03-01T10:00:00Z", "2025-03-01T10:00:00Z")))
    add(Case("social-epoch-seconds", "social", "p.csv", posts(row(1, created="1740823200")), counts=(1, 1, 0, 0),
             check=created_is("2025-03-01T10:00:00Z")))
    add(Case("social-mixed-date-formats", "social", "p.csv", posts(row(1, created='"March 1, 2025 10:00"')),
             counts=(1, 1, 0, 0), check=created_is("2025-03-01T10:00:00Z")))
    # ---- social: ids, text, rows
    add(Case("social-duplicate-ids", "social", "p.csv", posts(row(1), row(1), row(2)), counts=(3, 2, 0, 1)))
    add(Case("social-clashing-ids", "social", "p.csv", posts(row(1), row(1, text="again"), row(2)),
             counts=(3, 2, 1, 0), quarantine=[(2, "text", "the same post key as row 1 with another text: not "
                                                         "stored (send each once)")]))
    add(Case("social-missing-id-value", "social", "p.csv", posts(row(1), "," + row(2)[2:]), counts=(2, 1, 1, 0),
             quarantine=[(2, "id", "missing")]))
    add(Case("social-empty-text", "social", "p.csv", posts(row(1, text="")), counts=(1, 0, 1, 0),
             quarantine=[(1, "text", "missing")]))
    add(Case("social-two-failures", "social", "p.csv", posts(row(1, created="nope", lat="999")), counts=(1, 0, 1, 0),
             quarantine=[(1, "created_at; lat", "not a valid date/time; latitude outside")]))
    add(Case("social-formula", "social", "p.csv", posts(row(1, text='"=HYPERLINK(""http://evil.example"",""x"")"'),
                                                        row(2, text="+cmd|' /C calc'!A0"), row(3, text="@SUM(1+1)")),
             counts=(3, 3, 0, 0), check=lambda t: (text_is('=HYPERLINK("http://evil.example","x")')(t),
                                                    text_is("+cmd|' /C calc'!A0")(t))))
    add(Case("social-rtl", "social", "p.csv", posts(row(1, text="שלום עולם مرحبا 123", lang="")),
             counts=(1, 1, 0, 0), check=text_is("שלום עולם مرحبا 123")))
    add(Case("social-emoji", "social", "p.csv", posts(row(1, text="🙂👍🏽 family 👨‍👩‍👧 flag 🇰🇪")), counts=(1, 1, 0, 0),
             check=text_is("🙂👍🏽 family 👨‍👩‍👧 flag 🇰🇪")))
    add(Case("social-mixed-scripts", "social", "p.csv", posts(row(1, text="Hello Привет مرحبا नमस्ते 你好 ⁦⁩")),
             counts=(1, 1, 0, 0), check=text_is("Hello Привет مرحبا नमस्ते 你好 ⁦⁩")))
    add(Case("social-ragged-row", "social", "p.csv", posts(row(1), row(2) + ",extra", row(3)), counts=(3, 2, 1, 0),
             quarantine=[(2, "(row)", "expected 10 fields, found 11")]))
    add(Case("social-header-only", "social", "p.csv", posts(), counts=(0, 0, 0, 0)))
    add(Case("social-empty-file", "social", "p.csv", b"", error="empty file"))
    add(Case("social-whitespace-file", "social", "p.csv", b"\xef\xbb\xbf  \n\n", error="empty file"))
    add(Case("social-binary", "social", "p.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
             error="binary file"))
    add(Case("social-nul-bytes", "social", "p.csv", b"id,text\n1,a\x00b\n", error="binary file"))
    add(Case("social-unknown-city", "social", "p.csv", posts(*ok_rows(1)), city="atlantis", error="unknown city"))
    add(Case("social-no-city", "social", "p.csv", posts(*ok_rows(1)), city=None, error="no city"))
    add(Case("social-lang-region-code", "social", "p.csv", posts(row(1, lang="en-GB"), row(2, lang="FR")),
             counts=(2, 2, 0, 0), check=column_is("lang", ["en", "fr"])))
    add(Case("social-lang-detected", "social", "p.csv",
             posts(row(1, lang="", text="bonjour je suis très content de vous voir aujourd'hui")),
             counts=(1, 1, 0, 0), check=column_is("lang", ["fr"])))
    add(Case("social-mentions-masked", "social", "p.csv", posts(row(1, text="hey @SomeHandle and me@mail.org")),
             counts=(1, 1, 0, 0), check=text_is("hey @user and me@mail.org")))
    # ---- social: JSON Lines, X, Telegram
    add(Case("jsonl-clean", "social", "p.jsonl", jsonl(post_obj(1), post_obj(2)), counts=(2, 2, 0, 0)))
    add(Case("jsonl-invalid-line", "social", "p.jsonl", jsonl(post_obj(1), extra='{"id": 2, "text": \n'),
             counts=(2, 1, 1, 0), quarantine=[(2, "(row)", "not valid JSON")]))
    add(Case("jsonl-array-line", "social", "p.jsonl", jsonl(post_obj(1), [1, 2, 3]), counts=(2, 1, 1, 0),
             quarantine=[(2, "(row)", "not a JSON object")]))
    add(Case("jsonl-blank-lines", "social", "p.jsonl", b"\n" + jsonl(post_obj(1)) + b"\n\n" + jsonl(post_obj(2)),
             counts=(2, 2, 0, 0)))
    add(Case("jsonl-synonyms", "social", "p.jsonl", jsonl({"tweet_id": 5, "timestamp": "2025-03-01T10:00:00Z",
                                                           "full_text": "x", "latitude": 51.5, "lng": -0.1}),
             counts=(1, 1, 0, 0)))
    add(Case("x-geo-coordinates", "social", "x.json",
             x_response([tweet(1, geo={"coordinates": {"type": "Point", "coordinates": [-0.12, 51.5]}})]),
             counts=(1, 1, 0, 0), check=lambda t: (column_is("lat", [51.5])(t), column_is("platform", ["x"])(t))))
    big = {"id": "p1", "full_name": "London, England", "geo": {"bbox": [-0.5, 51.3, 0.3, 51.7]}}
    tiny = {"id": "p2", "full_name": "Some Cafe", "geo": {"bbox": [-0.1201, 51.5001, -0.1199, 51.5003]}}
    add(Case("x-place-large-bbox", "social", "x.json", x_response([tweet(1, geo={"place_id": "p1"})], [big]),
             counts=(1, 1, 0, 0), check=lambda t: (column_is("place", ["London, England"])(t),
                                                   column_is("lat", [None])(t))))
    add(Case("x-place-tiny-bbox", "social", "x.json", x_response([tweet(1, geo={"place_id": "p2"})], [tiny]),
             counts=(1, 1, 0, 0), check=holds(lambda t: abs(t["posts"]["lat"].iloc[0] - 51.5002) < 1e-9, "centre")))
    add(Case("x-missing-created-at", "social", "x.json", json.dumps({"data": [{"id": "1", "text": "t"}]}).encode(),
             error="missing required field 'created_at'"))
    add(Case("x-pages", "social", "x.json", json.dumps([{"data": [tweet(1)]}, {"data": [tweet(2), tweet(1)]}]).encode(),
             counts=(3, 2, 0, 1)))
    add(Case("json-unknown-layout", "social", "x.json", b'{"hello": "world"}', error="unknown JSON layout"))
    add(Case("json-invalid", "social", "x.json", b'{"data": [', error="not valid JSON"))
    msgs = [{"id": 1, "type": "message", "date": "2025-03-01T12:00:00", "date_unixtime": "1740830400",
             "from": "Real Name", "from_id": "user123", "text": ["see ", {"type": "link", "text": "https://a.b"},
                                                                  " now ", {"type": "mention", "text": "@friend"}]},
            {"id": 2, "type": "service", "date": "2025-03-01T12:01:00", "actor": "Real Name", "text": ""},
            {"id": 3, "type": "message", "date": "2025-03-01T12:02:00", "from_id": "user5", "text": "",
             "photo": "photos/1.jpg"},
            {"id": 4, "type": "message", "date": "2025-03-01T12:03:00", "from_id": "user5", "text": "plain"}]
    add(Case("telegram-entities", "social", "result.json", telegram(msgs), counts=(2, 2, 0, 0),
             check=lambda t: (text_is("see https://a.b now @user")(t),
                              column_is("post_key", ["telegram:777/1", "telegram:777/4"])(t),
                              created_is("2025-03-01T12:00:00Z", "2025-03-01T12:03:00Z")(t))))
    # ---- crime
    add(Case("police-uk-clean", "crime", "2025-03-met-street.csv",
             police(prow("a1"), prow(""), prow("a3", lat="", lon=""), prow("", lat="", lon="")),
             counts=(4, 4, 0, 0), check=lambda t: (column_is("crime_id", ["a1", None, "a3", None], "crimes")(t),
                                                    column_is("lat", [51.5, 51.5, None, None], "crimes")(t))))
    add(Case("police-uk-identical-idless", "crime", "2025-03-met-street.csv", police(prow(""), prow("")),
             counts=(2, 2, 0, 0)))
    add(Case("police-uk-no-hate-column", "crime", "s.csv", police(prow("a1").rsplit(",", 1)[0], header=POLICE.rsplit(",", 1)[0]),
             counts=(1, 1, 0, 0), check=column_is("is_hate", [None], "crimes")))  # unknown, not false (issue 18)
    add(Case("police-uk-bad-month", "crime", "s.csv", police(prow("a1", month="2025-13")), counts=(1, 0, 1, 0),
             quarantine=[(1, "Month", "not a valid date/time")]))
    add(Case("police-uk-bad-hate-flag", "crime", "s.csv", police(prow("a1", hate="maybe")), counts=(1, 0, 1, 0),
             quarantine=[(1, "Hate flag", "not a yes/no flag")]))
    add(Case("police-uk-missing-crime-type", "crime", "s.csv", police(header=POLICE.replace("Crime type", "Kind")),
             error="missing required column 'category'"))
    add(Case("crime-generic-bias", "crime", "c.csv",
             (b"id,time,lat,lon,category,bias\n1,2025-03-01T10:00:00+03:00,51.5,-0.12,assault,Anti-Muslim\n"
              b"2,2025-03-01T11:00:00Z,51.5,-0.12,assault,None\n"), counts=(2, 2, 0, 0),
             check=column_is("is_hate", [True, False], "crimes")))
    add(Case("crime-generic-missing-category", "crime", "c.csv",
             f"{GENERIC_CRIME}\n1,2025-03-01,51.5,-0.12,,1\n".encode(), counts=(1, 0, 1, 0),
             quarantine=[(1, "category", "missing")]))
    add(Case("crime-generic-bad-lat", "crime", "c.csv", f"{GENERIC_CRIME}\n1,2025-03-01,-91,-0.12,theft,0\n".encode(),
             counts=(1, 0, 1, 0), quarantine=[(1, "lat", "latitude outside")]))
    add(Case("crime-generic-no-id", "crime", "c.csv",
             f"{GENERIC_CRIME}\n,2025-03-01,51.5,-0.12,theft,0\n,2025-03-01,51.5,-0.12,theft,0\n".encode(),
             counts=(2, 2, 0, 0), check=holds(lambda t: t["crimes"]["crime_key"].nunique() == 2, "two distinct keys")))
    add(Case("crime-generic-duplicate-ids", "crime", "c.csv",
             f"{GENERIC_CRIME}\n9,2025-03-01,51.5,-0.12,theft,0\n9,2025-03-01,51.5,-0.12,theft,0\n".encode(),
             counts=(2, 1, 0, 1)))
    # ---- survey
    add(Case("kobo-csv", "survey", "resilience-2025.csv", kobo(kobo_row(1), kobo_row(2)), counts=(8, 8, 0, 0),
             check=holds(lambda t: set(t["survey_responses"]["question"]) == {"q1", "q2", "seen/online",
                                                                              "seen/street"}, "questions")))
    add(Case("kobo-semicolon-decimal-comma", "survey", "s.csv", kobo(kobo_row(1), sep=";").replace(b";1.0;", b";1,25;"),
             counts=(4, 4, 0, 0), check=column_is("weight", [1.25] * 4, "survey_responses")))
    add(Case("kobo-xlsx", "survey", "s.xlsx", xlsx(kobo_frame()), counts=(8, 8, 0, 0)))
    add(Case("odk-central", "survey", "s.csv", "\n".join([ODK, ODK_ROW.format(i=1), ODK_ROW.format(i=2), ""]).encode(),
             counts=(4, 4, 0, 0), check=column_is("response_id", ["uuid:1", "uuid:1", "uuid:2", "uuid:2"],
                                                   "survey_responses")))
    add(Case("kobo-non-numeric-answer", "survey", "s.csv", kobo(kobo_row(1), kobo_row(2, q1="lots")),
             counts=(8, 7, 1, 0), quarantine=[(2, "group_a/q1", "not a number")]))
    add(Case("kobo-missing-uuid", "survey", "s.csv", kobo(kobo_row(1), kobo_row(2, uuid="")), counts=(8, 4, 4, 0),
             quarantine=[(2, "_uuid", "missing")] * 4))
    add(Case("kobo-bad-submission-time", "survey", "s.csv", kobo(kobo_row(1, sub="2025-02-30T10:00:00")),
             counts=(4, 0, 4, 0), quarantine=[(1, "_submission_time", "not a valid date/time")] * 4))
    add(Case("kobo-negative-weight", "survey", "s.csv", kobo(kobo_row(1, weight="-2")), counts=(4, 0, 4, 0),
             quarantine=[(1, "weight", "weight must be > 0")] * 4))
    add(Case("kobo-duplicate-response", "survey", "s.csv", kobo(kobo_row(1), kobo_row(1)), counts=(8, 4, 0, 4)))
    add(Case("kobo-no-id-column", "survey", "s.csv", b"group_a/q1,group_a/q2\n1,2\n", error="missing required column"))
    add(Case("codebook-clean", "survey", "codebook.csv",
             b"question,construct,label,scale_min,scale_max,reverse\nq1,trust,Trust,1,5,no\nq2,trust,T2,1,5,yes\n",
             city=None, counts=(2, 2, 0, 0), check=column_is("reverse", [False, True], "survey_codebook")))
    add(Case("codebook-bad-scale", "survey", "codebook.csv",
             b"question,construct,label,scale_min,scale_max,reverse\nq1,trust,Trust,5,1,no\n", city=None,
             counts=(1, 0, 1, 0), quarantine=[(1, "scale_max", "greater than scale_min")]))
    add(Case("codebook-missing-construct", "survey", "codebook.csv", b"question,label,scale_min,scale_max\nq,l,1,5\n",
             city=None, error="missing required column 'construct'"))
    # ---- programme
    act_h = "activity_id,programme_line,activity_type,title,host_city,country,city_id,start_date,end_date"
    add(Case("activities-clean", "programme", "activities.csv",
             f"{act_h}\nA1,Training,workshop,T,Saida,Lebanon,saida,2025-03-01,2025-03-02\n".encode(), city=None,
             counts=(1, 1, 0, 0), check=lambda t: (column_is("programme_line", ["training"], "programme_activities")(t),
                                                   column_is("region", ["MENA"], "programme_activities")(t))))
    add(Case("activities-bad-line", "programme", "activities.csv",
             f"{act_h}\nA1,outreach,w,T,Saida,Lebanon,saida,2025-03-01,2025-03-02\n".encode(), city=None,
             counts=(1, 0, 1, 0), quarantine=[(1, "programme_line", "programme_line not one of")]))
    add(Case("activities-end-before-start", "programme", "activities.csv",
             f"{act_h}\nA1,training,w,T,Saida,Lebanon,saida,2025-03-05,2025-03-02\n".encode(), city=None,
             counts=(1, 0, 1, 0), quarantine=[(1, "end_date", "end_date before start_date")]))
    add(Case("activities-unknown-city", "programme", "activities.csv",
             f"{act_h}\nA1,training,w,T,X,Y,atlantis,2025-03-01,\n".encode(), city=None,
             counts=(1, 0, 1, 0), quarantine=[(1, "city_id", "not a member city_id")]))
    part_h = "record_id,activity_id,participant_id,role,home_city,home_country,gender"
    add(Case("participants-bad-role", "programme", "participants.csv",
             f"{part_h}\nR1,A1,jane@example.org,City Official,Saida,Lebanon,F\nR2,A1,p2,king,Saida,Lebanon,\n".encode(),
             city=None, counts=(2, 1, 1, 0), quarantine=[(2, "role", "role not one of")],
             check=column_is("gender", ["female"], "programme_participants")))
    grant_h = "grant_id,city_id,programme_line,recipient_org,amount,currency,year"
    add(Case("grants-bad-values", "programme", "grants.csv",
             f"{grant_h}\nG1,mombasa,innovation_grant,Org,-5,usd,2025\nG2,mombasa,innovation_grant,Org,10,US,2025\n"
             f"G3,mombasa,innovation_grant,Org,10,EUR,20.5\n".encode(), city=None, counts=(3, 0, 3, 0),
             quarantine=[(1, "amount", "negative amount"), (2, "currency", "ISO 4217"), (3, "year", "not a whole")]))
    add(Case("summits-template", "programme", "summits-2025.csv",
             (Path(__file__).parents[2] / "scn" / "templates" / "summits.csv").read_bytes(), city=None,
             # the host city as written: the warehouse names the member city by name and country (a name alone
             # may be two places': Tripoli in Lebanon and in Libya)
             counts=(1, 1, 0, 0), check=lambda t: (column_is("programme_line", ["summit"], "programme_activities")(t),
                                                   column_is("host_city", ["Montreal"], "programme_activities")(t))))
    add(Case("programme-unknown-template", "programme", "people.csv", b"a,b\n1,2\n", city=None,
             error="not a programme template"))
    # ---- boundaries
    add(Case("geojson-clean", "boundaries", "a.geojson", geojson([feature("A1", SQUARE)]), counts=(1, 1, 0, 0),
             check=holds(lambda t: abs(t["areas"]["centroid_lat"].iloc[0] - 51.505) < 1e-3, "centroid")))
    add(Case("geojson-bowtie-repaired", "boundaries", "a.geojson", geojson([feature("A1", BOWTIE)]),
             counts=(1, 1, 0, 0), check=holds(lambda t: t["areas"]["geometry_wkt"].str.startswith("MULTIPOLYGON")
                                              .all(), "repaired into a multipolygon")))
    add(Case("geojson-point", "boundaries", "a.geojson",
             geojson([feature("A1", SQUARE), feature("A2", {"type": "Point", "coordinates": [-0.1, 51.5]})]),
             counts=(2, 1, 1, 0), quarantine=[(2, "geometry", "not a polygon")]))
    add(Case("geojson-null-geometry", "boundaries", "a.geojson", geojson([feature("A1", None)]), counts=(1, 0, 1, 0),
             quarantine=[(1, "geometry", "missing geometry")]))
    add(Case("geojson-missing-code", "boundaries", "a.geojson",
             json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": 1},
                                                                     "geometry": SQUARE}]}).encode(),
             error="missing required column 'area_code'"))
    add(Case("geojson-corrupt", "boundaries", "a.geojson", b'{"type": "FeatureCollection", "features": [',
             error="not a readable boundary file"))
    bng = areas_gdf([box(530000, 180000, 531000, 181000)], crs="EPSG:27700")
    add(Case("gpkg-british-grid", "boundaries", "a.gpkg", write_gdf(bng, "GPKG"), counts=(1, 1, 0, 0),
             check=holds(lambda t: 51.4 < t["areas"]["centroid_lat"].iloc[0] < 51.6, "reprojected to WGS84")))
    shp = areas_gdf([Polygon([(-0.1, 51.5), (-0.09, 51.5), (-0.09, 51.51)]), Point(0, 0).buffer(0.01)])
    add(Case("zipped-shapefile", "boundaries", "a.zip", write_gdf(shp, "zip"), counts=(2, 2, 0, 0)))
    add(Case("boundaries-unknown-format", "boundaries", "a.kml", b"<kml/>", error="unknown boundary format"))
    # ---- cities
    add(Case("cities-clean", "cities", "cities.csv", f"{CITIES}\n{CITY_OK}\n".encode(), city=None,
             counts=(1, 1, 0, 0)))
    add(Case("cities-bad-region", "cities", "cities.csv", f"{CITIES}\n{CITY_OK.replace('Sub-Saharan Africa', 'Mars')}\n"
             .encode(), city=None, counts=(1, 0, 1, 0), quarantine=[(1, "region", "region not one of")]))
    add(Case("cities-bad-country-code", "cities", "cities.csv", f"{CITIES}\n{CITY_OK.replace(',KE,', ',KEN,')}\n"
             .encode(), city=None, counts=(1, 0, 1, 0), quarantine=[(1, "country_code", "alpha-2")]))
    add(Case("cities-missing-lat", "cities", "cities.csv", f"{CITIES.replace(',lat,', ',latt,')}\n{CITY_OK}\n".encode(),
             city=None, error="missing required column 'lat'"))
    add(Case("cities-slug-from-name", "cities", "cities.csv",
             "name,country,country_code,region,lat,lon\nMedellín (Antioquia),Colombia,CO,Latin America & Caribbean,6.2,"
             "-75.6\n".encode(), city=None, counts=(1, 1, 0, 0), check=column_is("city_id", ["medellin"], "cities")))
    return c
