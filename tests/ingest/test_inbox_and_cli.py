"""The inbox sweep, progress reporting, the line-length guard, and the `scn ingest` command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scn import lake
from scn.ingest import readers
from scn.ingest.families import FAMILY_TABLES
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.ingest.result import IngestError
from tests.support.cli import scn
from tests.support.corpus import kobo, kobo_row, ok_rows, posts

TEMPLATES = Path(__file__).parents[2] / "scn" / "templates"


def test_inbox_ingests_new_files_and_records_unusable_ones(home: Path) -> None:
    folder = home / "inbox" / "social" / "london"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_bytes(posts(*ok_rows(3)))
    (folder / "b.bin").write_bytes(b"\x00\x01\x02binary")
    (folder / "c.csv").write_bytes(posts(*ok_rows(2, start=3)))
    results = ingest_inbox("social")
    assert [(Path(r.file).name, r.accepted, r.duplicates) for r in results] == [("a.csv", 3, 0), ("c.csv", 1, 1)]
    assert all(r.city_id == "london" for r in results)
    q = lake.read_table("quarantine")
    assert q[["row", "field"]].values.tolist() == [[0, "(file)"]] and "binary file" in q["reason"].iloc[0]
    assert len(lake.read_table("ingest_log")) == 3
    assert ingest_inbox("social") == []  # nothing new, the broken file is not retried


def test_templates_ingest_cleanly(home: Path) -> None:
    for name in ("activities", "participants", "grants", "summits", "exchanges"):
        r = ingest_file("programme", TEMPLATES / f"{name}.csv")
        assert (r.rows_read, r.accepted, r.quarantined) == (1, 1, 0), name
    r = ingest_file("survey", TEMPLATES / "survey_codebook.csv")
    assert (r.accepted, r.quarantined) == (1, 0)
    assert {t: lake.row_count(t) for t in FAMILY_TABLES["programme"]} == {
        "programme_activities": 3, "programme_participants": 3, "programme_grants": 1}


def test_progress_is_reported_on_long_files(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "BLOCK_BYTES", 1 << 16)  # 64 KiB blocks: a 2 MB file reports ~30 times
    path = tmp_path / "long.csv"
    path.write_bytes(posts(*ok_rows(30_000)))
    seen: list[int] = []
    r = ingest_file("social", path, city_id="london", progress=seen.append)
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == r.rows_read == r.accepted == 30_000


def test_200_mb_single_line_is_refused(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.write(b"id,created_at,text\n1,2025-03-01,")
        chunk = b"x" * (1 << 20)
        for _ in range(200):
            fh.write(chunk)
    with pytest.raises(IngestError, match=r"huge.csv: a line of 200 MB exceeds the 64 MB limit"):
        ingest_file("social", path, city_id="london")
    assert lake.read_table("quarantine")["row"].tolist() == [0]


def test_line_limit_is_configurable(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCN_INGEST_MAX_LINE_BYTES", "1000")
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": 1, "text": "' + "y" * 2000 + '"}\n')
    with pytest.raises(IngestError, match="exceeds"):
        ingest_file("social", path, city_id="london")


def test_survey_city_from_inbox_path(home: Path) -> None:
    path = home / "inbox" / "survey" / "dakar" / "wave1.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(kobo(kobo_row(1)))
    (r,) = ingest_inbox("survey")
    assert r.city_id == "dakar" and set(lake.read_table("survey_responses")["survey_id"]) == {"wave1"}


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    return scn("ingest", *args, home=home, check=False, timeout=120)


def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    home = tmp_path / "scn"
    good = tmp_path / "posts.csv"
    good.write_bytes(posts(*ok_rows(2)))
    proc = run_cli(home, "social", str(good), "--city", "london", "--json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert {"file", "kind", "city_id", "rows_read", "accepted", "quarantined", "duplicates", "archived_to",
            "errors"} <= set(out)
    assert (out["kind"], out["city_id"], out["rows_read"], out["accepted"]) == ("social", "london", 2, 2)
    assert Path(out["archived_to"]).read_bytes() == good.read_bytes()
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00")
    proc = run_cli(home, "social", str(binary), "--city", "london", "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "image.png" in proc.stderr and "binary file" in proc.stderr
