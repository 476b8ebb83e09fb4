"""A tiny lake whose mart figures are known by hand, built with scn.lake.write_part, then `dbt build` over it
and a serving snapshot published from the warehouse (as the publish asset does).

The fixtures ``world``, ``in_world`` and ``wh`` serve the folders whose conftest imports them (tests/transforms,
tests/publish)."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from scn import lake
from scn.lake import LAKE_SCHEMAS, ensure_tables
from scn.lake.schema import ADDED
from scn.publish import serving
from tests.support.cli import BIN, REPO, scn_home
from tests.support.marts import MARTS

DBT = BIN / "dbt"
FORMULA = '=HYPERLINK("http://x","y")'
S, F, B, I32 = pa.string(), pa.float64(), pa.bool_(), pa.int32()
TS = pa.timestamp("us", tz="UTC")
# enrichment tables, written from CONTRACTS.md (the same as scn.lake.schema's, stated here on purpose)
POSTS_ENRICHED = pa.schema([("post_key", S), ("city_id", S), ("created_at", TS), ("month", S), ("week", S),
                            ("lang", S), ("label", S), ("score_hate", F), ("assessed", B), ("method", S),
                            ("target", S), ("model_version", S), ("precision", S), ("lat", F), ("lon", F),
                            ("area_code", S), ("cell", S), ("resolution", I32)])
CRIMES_ENRICHED = pa.schema([("crime_key", S), ("city_id", S), ("occurred_at", TS), ("month", S), ("week", S),
                             ("category", S), ("is_hate", B), ("precision", S), ("lat", F), ("lon", F),
                             ("area_code", S), ("cell", S), ("resolution", I32)])
C1, C2, C3 = "881f1d4a9bfffff", "881f1d4a93fffff", "881f1d4a97fffff"
# summit title -> (delegates, cities, countries) implied by the participant records below
SUMMITS = {"SCN Global Summit 2017": (6, 3, 3), "SCN Global Summit 2018": (4, 3, 2)}
SURVEY_N = 40


def _part(name: str, rows: dict, part_id: str = "t1", schema: pa.Schema | None = None) -> None:
    schema = schema or LAKE_SCHEMAS[name]
    frame = pd.DataFrame(rows)
    # optional columns added to the lake later (scn.lake.schema.ADDED): null here, as in a part written before them
    frame = frame.assign(**dict.fromkeys([c for c in ADDED.get(name, ()) if c not in frame], None))
    lake.write_part(name, pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False), part_id)


def _cities() -> None:
    cols = ["city_id", "name", "country", "country_code", "region", "continent", "lat", "lon", "population",
            "steering_committee", "joined_year", "themes", "timezone"]
    old = [["london", "London", "United Kingdom", "GB", "Europe", "Europe", 51.5, -0.1, 1, True, 2015, "hate",
            "Europe/London"],
           ["saida", "Saida", "Lebanon", "LB", "MENA", "Asia", 33.56, 35.37, 200000, False, 2016, "youth",
            "Asia/Beirut"]]
    new = [["london", "London", "United Kingdom", "GB", "Europe", "Europe", 51.5, -0.1, 9000000, True, 2015, "hate",
            "Europe/London"],
           ["evil", FORMULA, "-Nowhere", "XX", "Europe", "Europe", 0.0, 0.0, None, False, None, "@x", None]]
    # the newer part sorts first by file name: only the ingest log tells which is newer
    old_id, new_id = "ffff000000000000", "0000111122223333"
    # parts written before left_year and member (the lake's ADDED columns): every city a current member
    before = pa.schema([LAKE_SCHEMAS["cities"].field(c) for c in cols])
    _part("cities", dict(zip(cols, zip(*old, strict=True), strict=True)), old_id, before)
    _part("cities", dict(zip(cols, zip(*new, strict=True), strict=True)), new_id, before)
    ts = pd.to_datetime(["2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z"])
    _part("ingest_log", {"file": ["cities-old.csv", "cities-new.csv"], "sha256": [old_id + "a" * 48, new_id + "b" * 48],
                         "kind": "cities", "city_id": None, "rows_read": [2, 2], "accepted": [2, 2],
                         "quarantined": [0, 0], "duplicates": [0, 0], "archived_to": ["a", "b"], "ingested_at": ts})
    _part("areas", {"city_id": ["london", "london"], "area_code": ["E01", "E02"], "area_name": ["North", "South"],
                    "area_name_local": [None, None], "population": [1500, 1700], "geometry_wkt": ["POINT(0 0)"] * 2,
                    "centroid_lat": [51.5, 51.4], "centroid_lon": [-0.1, -0.2]})


def _speech_and_crime() -> None:
    # (precision, area, cell, month, label, assessed, n)
    spec = [("cell", "E01", C1, "2024-01", "hate", True, 2), ("cell", "E01", C1, "2024-01", "none", True, 1),
            ("cell", "E02", C2, "2024-02", "none", True, 1),
            ("area", "E01", None, "2024-01", "hate", True, 1), ("area", "E01", None, "2024-01", "none", True, 1),
            ("city", None, None, "2024-01", "hate", True, 1), ("city", None, None, "2024-01", "none", True, 2),
            ("city", None, None, "2024-01", "none", False, 1)]
    rows = pd.DataFrame([s[:6] for s in spec for _ in range(s[6])],
                        columns=["precision", "area_code", "cell", "month", "label", "assessed"])
    n = len(rows)
    rows["post_key"] = [f"x:{i}" for i in range(n)]
    rows["city_id"] = "london"
    rows["created_at"] = pd.to_datetime(rows["month"] + "-10T12:00:00Z")
    rows["week"] = rows["created_at"].dt.strftime("%G-W%V")
    rows["lang"], rows["score_hate"], rows["target"], rows["model_version"] = "en", 0.5, None, "t"
    rows["method"] = np.where(rows["assessed"], "model", "not_assessed")
    rows["lat"] = np.where(rows["precision"] == "cell", 51.5, np.nan)
    rows["lon"] = np.where(rows["precision"] == "cell", -0.1, np.nan)
    rows["resolution"] = np.where(rows["precision"] == "cell", 8, None)
    _part("posts_enriched", rows, schema=POSTS_ENRICHED)
    crimes = pd.DataFrame({"crime_key": ["p:1", "p:2", "p:3"], "city_id": "london",
                           "occurred_at": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01"], utc=True),
                           "month": ["2024-01", "2024-01", "2024-03"], "week": ["2024-W01", "2024-W01", "2024-W09"],
                           "category": "public-order", "is_hate": [True, False, True], "precision": "cell",
                           "lat": 51.5, "lon": -0.1, "area_code": ["E01", "E01", "E02"], "cell": [C1, C1, C3],
                           "resolution": 8})
    _part("crimes_enriched", crimes, schema=CRIMES_ENRICHED)


def _programme() -> None:
    acts = pd.DataFrame([
        ("S1", "summit", "global_summit", "SCN Global Summit 2017", None, "Aarhus", "Denmark", "Europe", "2017-05-03"),
        ("S2", "summit", "global_summit", "SCN Global Summit 2018", None, "Melbourne", "Australia", "Asia-Pacific",
         "2018-11-07"),
        ("T1", "training", "training_workshop", FORMULA, "london", "London", "United Kingdom", None, "2019-01-10"),
        ("L1", "local_action_planning", "training_workshop", "LAP Tirana", None, "Tirana", "Albania", "Europe",
         "2019-02-01"),
        ("Y1", "young_cities", "youth_campaign", "-1+2 campaign", "saida", "Saida", "Lebanon", None, "2020-01-01"),
    ], columns=["activity_id", "programme_line", "activity_type", "title", "city_id", "host_city", "country",
                "region", "start_date"])
    acts["start_date"] = pd.to_datetime(acts["start_date"]).dt.date
    acts["end_date"], acts["year"] = acts["start_date"], pd.to_datetime(acts["start_date"]).dt.year
    _part("programme_activities", acts)
    homes = {"aar": ("Aarhus", "Denmark"), "lon": ("London", "United Kingdom"), "par": ("Paris", "France"),
             "mel": ("Melbourne", "Australia"), "syd": ("Sydney", "Australia"), "sai": ("Saida", "Lebanon"),
             "tir": ("Tirana", "Albania")}
    recs = [("S1", "p1", "city_official", "lon"), ("S1", "p1", "city_official", "lon"),  # a duplicate record
            ("S1", "p2", "mayor", "aar"), ("S1", "p3", "practitioner", "aar"), ("S1", "p4", "youth", "aar"),
            ("S1", "p5", "civil_society", "lon"), ("S1", "p6", "other", "par"),
            ("S2", "q1", "mayor", "mel"), ("S2", "q2", "city_official", "mel"), ("S2", "q3", "youth", "syd"),
            ("S2", "q4", "practitioner", "sai"),
            ("T1", "p1", "city_official", "lon"), ("T1", "p7", "mayor", "sai"), ("T1", "p8", "practitioner", "lon"),
            ("L1", "p9", "city_official", "tir")]
    parts = pd.DataFrame(recs, columns=["activity_id", "person_pseudo", "role", "home"])
    parts["record_id"] = [f"R{i}" for i in range(len(parts))]
    parts["home_city"] = parts["home"].map({k: v[0] for k, v in homes.items()})
    parts["home_country"] = parts["home"].map({k: v[1] for k, v in homes.items()})
    parts["gender"] = None
    _part("programme_participants", parts)
    _part("programme_grants", {"grant_id": ["G1", "G2"], "city_id": ["saida", "london"],
                               "programme_line": "innovation_grant", "recipient_org": [FORMULA, "Org"],
                               "amount": [1000.0, 2500.0], "currency": "USD", "year": [2019, 2020]})


def survey_frame(seed: int = 5) -> pd.DataFrame:
    """Long survey answers: saida baseline (2025) and endline (2026), 40 respondents each, some skipped items."""
    rng = np.random.default_rng(seed)
    waves = []
    for k, (wave, sid, shift) in enumerate([("baseline", "res-2025", 0.0), ("endline", "res-2026", 0.6)]):
        resp = pd.DataFrame({"response_id": [f"{wave[0]}{i}" for i in range(SURVEY_N)],
                             "weight": rng.lognormal(0, 0.4, SURVEY_N).round(4),
                             "gender": rng.choice(["female", "male"], SURVEY_N),
                             "age_group": rng.choice(["15_24", "25_34"], SURVEY_N),
                             "area_code": np.where(np.arange(SURVEY_N) < SURVEY_N - 4, "A1", "A2")})
        answers = pd.DataFrame({"q1": np.clip(np.rint(3 + shift + rng.normal(0, 1, SURVEY_N)), 1, 5),
                                "q2": np.clip(np.rint(3 - shift + rng.normal(0, 1, SURVEY_N)), 1, 5),
                                "q3": np.clip(np.rint(5 + rng.normal(0, 2.5, SURVEY_N)), 0, 10)})
        answers.loc[rng.random(SURVEY_N) < 0.1, "q1"] = np.nan
        long = resp.join(answers).melt(id_vars=list(resp.columns), var_name="question", value_name="value")
        long["survey_id"], long["wave"], long["source_row"] = sid, wave, k
        waves.append(long)
    out = pd.concat(waves, ignore_index=True)
    out["city_id"], out["programme_id"], out["source_file"] = "saida", "lpn-saida", "s.csv"
    out["submitted_at"] = pd.Timestamp("2025-03-01", tz="UTC")
    return out


CODEBOOK = pd.DataFrame({"question": ["q1", "q2", "q3"], "construct": ["cohesion", "cohesion", "trust"],
                         "label": ["a", "b", "c"], "scale_min": [1.0, 1.0, 0.0], "scale_max": [5.0, 5.0, 10.0],
                         "reverse": [False, True, False]})


def build_lake() -> None:
    """Write every part of the tiny world into $SCN_HOME/lake; tables without data get an empty part."""
    _cities()
    _speech_and_crime()
    _programme()
    _part("survey_responses", survey_frame())
    _part("survey_codebook", CODEBOOK)
    ensure_tables()


PARSE_FILE = "partial_parse.msgpack"  # what dbt keeps of a parse in its target folder


@cache
def _parses() -> Path:
    """This process's store of dbt parses, one per set of vars (removed at exit)."""
    store = Path(tempfile.mkdtemp(prefix="scn-dbt-parses-"))
    atexit.register(shutil.rmtree, store, ignore_errors=True)
    return store


def _home_free_vars(args: tuple[str, ...]) -> tuple[list[str], str]:
    """``args`` with their ``--vars`` (JSON) merged into one, plus ``warehouse: warehouse.duckdb`` (the profile's
    warehouse relative to dbt's working directory, the home), and the merged vars."""
    rest, merged, i = [], {"warehouse": "warehouse.duckdb"}, 0
    while i < len(args):
        if args[i] == "--vars":
            merged.update(json.loads(args[i + 1]))
            i += 2
        else:
            rest.append(args[i])
            i += 1
    text = json.dumps(merged, sort_keys=True)
    return [*rest, "--vars", text], text


def without_unit_tests(args: tuple[str, ...]) -> tuple[str, ...]:
    """``args`` with dbt's unit tests excluded: added to their ``--exclude`` (one value, space-separated
    selectors), or as one."""
    if "--exclude" not in args:
        return (*args, "--exclude", "resource_type:unit_test")
    i = args.index("--exclude") + 1
    if "unit" in args[i]:  # resource_type:unit_test or test_type:unit already
        return args
    return (*args[:i], f"{args[i]} resource_type:unit_test", *args[i + 1:])


def dbt_build(home: Path, *args: str, unit_tests: bool = False) -> subprocess.CompletedProcess:
    """`dbt build` of transforms/ against ``home``; raises with dbt's output on failure. dbt's unit tests (they
    test the project's SQL on their own rows, whatever the home) run with ``unit_tests`` only: the tiny world's
    whole build runs every one of them (``built_home``), and the other builds leave them out.

    dbt runs in the home as the platform runs it (assets/transforms/project.py), with nothing of the home in what
    it parses (the warehouse is ``warehouse.duckdb`` of its working directory; the lake sources read ``$SCN_HOME``
    when compiled, macros/lake_source.sql), so a fresh home starts from the parse of this process's last build with
    the same vars and parses no file again (all of them when the vars or dbt changed)."""
    args_, key = _home_free_vars(args if unit_tests else without_unit_tests(args))
    target, kept = home / "dbt-target", _parses() / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.msgpack"
    target.mkdir(parents=True, exist_ok=True)
    if kept.exists() and not (target / PARSE_FILE).exists():
        shutil.copyfile(kept, target / PARSE_FILE)
    env = {**os.environ, "SCN_HOME": str(home)}
    transforms = str(REPO / "transforms")
    proc = subprocess.run([str(DBT), "build", "--project-dir", transforms, "--profiles-dir", transforms,
                           "--target-path", str(target), "--log-path", str(home / "dbt-logs"), *args_],
                          cwd=home, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"dbt build failed\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}")
    if (target / PARSE_FILE).exists():  # replaced whole: a reader never sees half a file
        scratch = kept.with_suffix(".tmp")
        shutil.copyfile(target / PARSE_FILE, scratch)
        os.replace(scratch, kept)
    return proc


def parse_of(logs: Path) -> str:
    """What dbt said of its parse in the last command logging to the folder ``logs``: "full" (parsed every file),
    "partial" (started from a partial-parse file and parsed some files again) or "none" (parsed no file: nothing
    had changed since the parse it started from)."""
    text = "".join(f.read_text() for f in sorted(logs.glob("dbt.log*")))
    last = text[text.rfind("Running with dbt="):]
    if "Unable to do partial parsing" in last or "Starting full parse" in last:
        return "full"
    return "none" if "no changes found, skipping parsing" in last else "partial"


def view_lakes(home: Path) -> set[str]:
    """The lake folders the views of ``home``'s warehouse read (by absolute path)."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        sql = [r[0] for r in con.execute("select sql from duckdb_views() where not internal").fetchall()]
    found = {m for text in sql for m in re.findall(r"read_parquet\('(.*?)/[^/]*/part-\*\.parquet'", text)}
    return {m.replace("''", "'") for m in found}  # a quote is doubled in SQL


def mart_rows(home: Path, mart: str = "city_month") -> int:
    """Rows of a table of ``home``'s warehouse."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(f"select count(*) from {mart}").fetchone()[0]


CORRELATIONS = pd.DataFrame({"city_id": ["london", "london"], "analysis": ["nb_irr", "spearman"],
                             "estimate": [1.4, -0.25], "ci_low": [1.1, -0.5], "ci_high": [1.8, 0.05],
                             "p_value": [0.01, 0.08], "n": [120, 120], "lag": [1, 0],
                             "detail": ["-lagged one month", "@cells"]})


def publish(home: Path) -> Path:
    """Publish every mart, cities, areas and a correlations table, as the publish asset does."""
    warehouse = home / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        marts = [m for m in MARTS if m in built]
        data_date = con.execute("select max(period) from city_month").fetchone()[0]
    queries = {m: f"select * from {m}" for m in marts}
    for t in ("cities", "areas"):
        queries[t] = f"select * from {lake.scan(t)}"
    return serving.publish({"correlations": CORRELATIONS}, run_id="run-0123456789", data_date=data_date,
                           from_duckdb=(warehouse, queries))


@cache
def built_home() -> Path:
    """One tiny world per test process: lake written, `dbt build` run, snapshot published (removed at exit)."""
    home = Path(tempfile.mkdtemp(prefix="scn-dbt-world-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    with scn_home(home):
        build_lake()
        dbt_build(home, unit_tests=True)  # every unit test of the project, once per test process
        publish(home)
    return home


@pytest.fixture(scope="session")
def world() -> Path:
    """SCN_HOME of the built and published tiny world."""
    return built_home()


@pytest.fixture()
def in_world(world: Path) -> Iterator[Path]:
    """``world``, with this process's SCN_HOME pointing at it."""
    with scn_home(world):
        yield world


@pytest.fixture()
def wh(world: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the world's warehouse."""
    with duckdb.connect(str(world / "warehouse.duckdb"), read_only=True) as con:
        yield con
