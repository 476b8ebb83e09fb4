"""Faults of the machine or the platform are not the file's (a full disk, a damaged lake part of another city):
the file stays pending and is taken again; a file still being written is waited for; a corrected re-send is
said (docs/ingest.md "When the machine fails", "Files still being written", "Re-ingesting and updates")."""

from __future__ import annotations

import errno
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scn import lake
from scn.ingest import pipeline
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.lake import io as lake_io
from tests.support.corpus import HEADER, ok_rows, posts

ENOSPC = OSError(errno.ENOSPC, "No space left on device")
REAL_WRITE_PART, REAL_COPY, REAL_IN_LAKE = lake.write_part, pipeline.copy_sha256, pipeline.in_lake


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are taken at once (no settle wait), unless the test says otherwise."""
    monkeypatch.setenv("SCN_INGEST_SETTLE_SECONDS", "0")


def _inbox(home: Path, city: str = "london") -> Path:
    folder = home / "inbox" / "social" / city
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _logged(name: str) -> int:
    if not lake.has_table("ingest_log"):
        return 0
    return int(lake.read_table("ingest_log")["file"].astype(str).str.endswith(name).sum())


def _disk_full_at(monkeypatch: pytest.MonkeyPatch, table: str) -> list[str]:
    """The disk fills while the lake's writer writes the first part of ``table``: Parquet's writer leaves its
    temp file half-written and raises ENOSPC (``lake.write_part`` itself runs, and must clean up)."""
    real, hit = lake_io.pq.write_table, []

    def write_table(data, where, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if Path(where).parent == lake.table_dir(table) and not hit:
            hit.append(Path(where).name)
            Path(where).write_bytes(b"PAR1 half")
            raise OSError(*ENOSPC.args)
        return real(data, where, *args, **kwargs)
    monkeypatch.setattr(lake_io.pq, "write_table", write_table)
    return hit


def test_disk_full_writing_a_part_leaves_the_file_pending(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _inbox(home)
    (folder / "a.csv").write_bytes(posts(*ok_rows(3)))
    (folder / "b.csv").write_bytes(posts(*ok_rows(2, start=10)))
    hit = _disk_full_at(monkeypatch, "posts")
    with pytest.raises(Exception, match="No space left") as raised:
        ingest_inbox("social", ["london"])
    assert hit and str(lake.table_dir("posts")) in str(raised.value)  # names the lake part that failed
    assert "\n" not in str(raised.value)
    assert _logged("a.csv") == 0 and _logged("b.csv") == 1  # a.csv not failed; the walk went on with b.csv
    assert not lake.has_table("quarantine")
    assert not list(lake.table_dir("posts").glob(".tmp-*"))  # nothing half-written left behind
    monkeypatch.setattr(lake, "write_part", REAL_WRITE_PART)  # space freed
    results = ingest_inbox("social", ["london"])
    assert [(Path(r.file).name, r.accepted, r.duplicates) for r in results] == [("a.csv", 3, 0)]
    assert lake.row_count("posts") == 5


def test_disk_full_at_the_log_takes_back_the_parts(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The log row is the load's last write: when it fails, the rows written before it are taken back, so the
    retry counts them as accepted (not as duplicates of a file never logged)."""
    (_inbox(home) / "a.csv").write_bytes(posts(*ok_rows(3)))
    _disk_full_at(monkeypatch, "ingest_log")
    with pytest.raises(Exception, match="No space left"):
        ingest_inbox("social", ["london"])
    assert _logged("a.csv") == 0 and lake.row_count("posts") == 0
    monkeypatch.setattr(lake, "write_part", REAL_WRITE_PART)
    [r] = ingest_inbox("social", ["london"])
    assert (r.accepted, r.duplicates) == (3, 0) and lake.row_count("posts") == 3


def test_disk_full_writing_the_archive_is_said(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (_inbox(home) / "a.csv").write_bytes(posts(*ok_rows(3)))

    def copy_sha256(source, target) -> tuple[str, int]:  # noqa: ANN001
        target.write(source.read(10))
        raise OSError(*ENOSPC.args)
    monkeypatch.setattr(pipeline, "copy_sha256", copy_sha256)
    with pytest.raises(Exception, match="No space left") as raised:
        ingest_inbox("social", ["london"])
    assert "archive" in str(raised.value) and _logged("a.csv") == 0
    assert not [p for p in (home / "archive").rglob("*") if p.is_file()]
    monkeypatch.setattr(pipeline, "copy_sha256", REAL_COPY)
    assert [r.accepted for r in ingest_inbox("social", ["london"])] == [3]


def test_damaged_part_of_another_city_does_not_fail_this_citys_file(home: Path) -> None:
    """A truncated posts part of dakar (DuckDB: "No magic bytes") while london's new file is deduplicated: the
    london file is not recorded as failed, and is in the lake once the part is repaired (the lake may also set
    the damaged part aside by itself: then the file is simply ingested)."""
    (_inbox(home, "dakar") / "d.csv").write_bytes(posts(*ok_rows(4, start=100)))
    assert [r.accepted for r in ingest_inbox("social", ["dakar"])] == [4]
    [part] = lake.table_dir("posts").glob("part-*.parquet")
    good = part.read_bytes()
    part.write_bytes(good[: len(good) // 2])
    (_inbox(home) / "a.csv").write_bytes(posts(*ok_rows(3)))
    try:
        ingest_inbox("social", ["london"])
    except Exception as exc:  # noqa: BLE001 - a fault of the lake: said, naming the table's folder
        assert str(lake.table_dir("posts")) in str(exc) and "\n" not in str(exc)
    assert not (lake.has_table("quarantine") and lake.read_table("quarantine")["file"].astype(str)
                .str.endswith("a.csv").any())
    part.write_bytes(good)  # repaired
    ingest_inbox("social", ["london"])
    log = lake.read_table("ingest_log")
    mine = log[log["file"].astype(str).str.endswith("a.csv")]
    assert mine["accepted"].tolist() == [3]


def test_a_lake_read_error_while_deduplicating_leaves_the_file_pending(home: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (_inbox(home) / "a.csv").write_bytes(posts(*ok_rows(3)))
    assert [r.accepted for r in ingest_inbox("social", ["london"])] == [3]
    (_inbox(home) / "b.csv").write_bytes(posts(*ok_rows(3, start=10)))
    damaged = lake.table_dir("posts") / "part-0a2d14145f400a8c.parquet"

    def in_lake(table: str, keys: list[str], frame: pd.DataFrame) -> object:
        raise duckdb.InvalidInputException(f"Invalid Input Error: No magic bytes found at end of file '{damaged}'")
    monkeypatch.setattr(pipeline, "in_lake", in_lake)
    with pytest.raises(Exception, match="No magic bytes") as raised:
        ingest_inbox("social", ["london"])
    assert str(damaged) in str(raised.value) and _logged("b.csv") == 0
    monkeypatch.setattr(pipeline, "in_lake", REAL_IN_LAKE)  # repaired
    assert [(Path(r.file).name, r.accepted) for r in ingest_inbox("social", ["london"])] == [("b.csv", 3)]


def test_the_files_own_faults_are_still_recorded(home: Path) -> None:
    (_inbox(home) / "bad.csv").write_bytes(b"\x00\x01binary")
    assert ingest_inbox("social", ["london"]) == []
    assert _logged("bad.csv") == 1 and ingest_inbox("social", ["london"]) == []


def test_what_is_the_platforms_fault() -> None:
    from scn.ingest.parse_pool import ParserCrash
    from scn.ingest.result import IngestError
    assert pipeline.is_platform_fault(OSError(errno.ENOSPC, "No space left on device"))
    assert pipeline.is_platform_fault(MemoryError())
    assert pipeline.is_platform_fault(ParserCrash("OSError", "[Errno 28] No space left on device"))
    assert pipeline.is_platform_fault(ParserCrash("MemoryError", ""))
    assert not pipeline.is_platform_fault(IngestError("x.csv: empty file"))
    assert not pipeline.is_platform_fault(ParserCrash("ValueError", "odd bytes"))
    assert not pipeline.is_platform_fault(OSError("Not a gzipped file"))  # a reader on the file's bytes
    assert not pipeline.is_platform_fault(FileNotFoundError(errno.ENOENT, "gone"))


URL = "https://x.com/u/status/1800000101"


def test_a_file_still_being_written_is_left_for_the_next_walk(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The upload is cut inside the last row's url when the walk looks; it goes on while the walk waits."""
    full = posts(*[f"{i},2025-03-01T10:00:00+00:00,post {i},en,51.5,-0.12,,user{i},x,{URL[:-2]}{i:02d}"
                   for i in range(1, 4)], header=HEADER)
    cut = full.rindex(b"/status/") + len(b"/status/18")
    path = _inbox(home) / "upload.csv"
    path.write_bytes(full[:cut])
    monkeypatch.setenv("SCN_INGEST_SETTLE_SECONDS", "30")
    waits: list[float] = []

    def pause(seconds: float) -> None:  # the uploader writes the rest meanwhile
        waits.append(seconds)
        if len(waits) == 1:
            with open(path, "ab") as fh:
                fh.write(full[cut:])
    monkeypatch.setattr(pipeline, "_pause", pause, raising=False)
    assert ingest_inbox("social", ["london"]) == []  # still being written: not taken, not failed
    assert _logged("upload.csv") == 0 and not lake.has_table("posts")
    [r] = ingest_inbox("social", ["london"])  # quiet since: taken whole
    assert (r.rows_read, r.accepted) == (3, 3) and 0 < waits[0] <= 30
    ids = sorted(u.rsplit("/", 1)[1] for u in lake.read_table("posts")["url"])
    assert ids == [f"18000001{i:02d}" for i in range(1, 4)]  # none cut ("/status/18")


def test_a_quiet_file_is_taken_after_the_settle_time(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _inbox(home) / "a.csv"
    path.write_bytes(posts(*ok_rows(2)))
    monkeypatch.setenv("SCN_INGEST_SETTLE_SECONDS", "0.3")
    assert [r.accepted for r in ingest_inbox("social", ["london"])] == [2]  # waited, unchanged: taken


def test_a_correction_sent_as_duplicates_is_warned(home: Path, tmp_path: Path) -> None:
    first = tmp_path / "dakar-2025-02.csv"
    first.write_bytes(posts(*ok_rows(4)))
    assert ingest_file("social", first, city_id="london").accepted == 4
    again = tmp_path / "dakar-2025-02-resent.csv"
    again.write_bytes(posts(*ok_rows(4)) + b"\n")  # the same rows (other bytes): no warning
    r = ingest_file("social", again, city_id="london")
    assert (r.accepted, r.duplicates, r.warnings) == (0, 4, [])
    rows = ok_rows(4)
    rows[1] = rows[1].replace("post number 2", "post number 2 (corrected)")
    rows[3] = rows[3].replace("post number 4", "post number 4 (corrected)")
    fixed = tmp_path / "dakar-2025-02-corrected.csv"
    fixed.write_bytes(posts(*rows))
    r = ingest_file("social", fixed, city_id="london")
    assert (r.accepted, r.duplicates) == (0, 4)
    assert r.warnings == [{"code": "duplicates_differ", "city_id": "london", "rows": 2, "columns": ["text"],
                           "first_rows": [2, 4]}]
    stored = lake.read_table("ingest_warnings")
    assert stored["code"].tolist() == ["duplicates_differ"]
    assert set(lake.read_table("posts")["text"]) == {f"post number {i}" for i in range(1, 5)}  # kept, by design
    assert isinstance(stored, pd.DataFrame)


def test_scn_ingest_of_one_file_on_a_full_disk_records_nothing(home: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from scn.ingest.result import IngestError
    path = tmp_path / "a.csv"
    path.write_bytes(posts(*ok_rows(3)))
    _disk_full_at(monkeypatch, "posts")
    with pytest.raises(IngestError, match="not ingested.*No space left") as raised:
        ingest_file("social", path, city_id="london")
    assert "\n" not in str(raised.value) and _logged("a.csv") == 0 and not lake.has_table("quarantine")
    monkeypatch.setattr(lake, "write_part", REAL_WRITE_PART)
    assert ingest_file("social", path, city_id="london").accepted == 3
