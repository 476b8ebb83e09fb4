"""Damaged lake parts and concurrent writers of a derived table.

A part whose Parquet footer cannot be read (a file truncated on disk) used to stop every reader of its table, so one
city's damaged part failed every city's ingest, run and inbox walk; a damaged derived part kept its name, whose
fingerprint still matched the inputs, so it was never recomputed; and two writers of one derived table removed
each other's new part. Reading the lake now sets such a part aside (``lake/<table>/.damaged/``), says so in one
line naming its source file, and goes on without it; its keys are out of the lake, so the file can be ingested
again; a derived part set aside is recomputed; ``replace_table`` holds the table's lock."""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.enrich import parts
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.lake import io as lake_io
from scn.lake.key_index import in_lake
from scn.lake.schema import LAKE_SCHEMAS
from tests.support.corpus import ok_rows, posts
from tests.support.homes import home

__all__ = ["home"]


def _truncate(part: Path) -> None:
    """Damage a part as a full disk or a torn copy does: its second half (and so its footer) gone."""
    with open(part, "r+b") as fh:
        fh.truncate(part.stat().st_size // 2)


def _scramble_footer(part: Path) -> None:
    """Damage a part's footer in place, its length and magic bytes intact (the quick check sees nothing; DuckDB's
    error names no file)."""
    data = part.read_bytes()
    n = int.from_bytes(data[-8:-4], "little")
    part.write_bytes(data[:-8 - n] + b"\x07" * n + data[-8:])


def _ingest(tmp_path: Path, city: str, n: int, start: int) -> tuple[Path, str]:
    """Ingest ``n`` posts of ``city``; (its posts part, the archived original)."""
    src = tmp_path / f"{city}-{start}.csv"
    src.write_bytes(posts(*ok_rows(n, start=start)))
    r = ingest_file("social", src, city_id=city)
    assert r.accepted == n
    return lake.table_dir("posts") / f"part-{r.sha256[:16]}.parquet", r.archived_to


def _damage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "damaged part" in r.getMessage()]


def test_a_damaged_posts_part_is_set_aside_and_the_other_cities_go_on(
        home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    dakar, archived = _ingest(tmp_path, "dakar", 3, 1)
    _ingest(tmp_path, "london", 2, 100)
    _truncate(dakar)
    caplog.set_level(logging.ERROR, logger="scn.lake")

    assert parts.lake_cities() == ["london"]  # what `scn run` asks first (register_cities)
    assert not dakar.exists() and (lake.table_dir("posts") / ".damaged" / dakar.name).exists()
    (line,) = _damage_lines(caplog)  # one line: the part, and how to put its rows back
    assert "\n" not in line and dakar.name in line and f"scn ingest social {archived} --city dakar" in line

    _, _ = _ingest(tmp_path, "london", 2, 200)  # another city's file: ingested
    assert lake.value_counts("posts", "city_id") == {"london": 4}
    assert len(_damage_lines(caplog)) == 1

    # the operator's repair, as the line says: the set-aside keys are not in the lake, so nothing is dropped
    again = ingest_file("social", Path(archived), city_id="dakar")
    assert (again.accepted, again.duplicates) == (3, 0)
    assert lake.value_counts("posts", "city_id") == {"dakar": 3, "london": 4}


def test_set_aside_keys_are_not_in_the_key_index(home: Path, tmp_path: Path) -> None:
    dakar, _ = _ingest(tmp_path, "dakar", 3, 1)
    _ingest(tmp_path, "london", 2, 100)
    keys = lake.read_table("posts", columns=["post_key", "city_id"])
    probe = keys[["post_key"]].reset_index(drop=True)
    assert in_lake("posts", ["post_key"], probe).all()
    assert in_lake("posts", ["post_key"], probe).all()  # the second ask builds the process's index
    _truncate(dakar)
    assert in_lake("posts", ["post_key"], probe).tolist() == (keys["city_id"] == "london").tolist()


def test_a_footer_damaged_in_place_is_set_aside_when_the_read_fails(
        home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    dakar, archived = _ingest(tmp_path, "dakar", 3, 1)
    _ingest(tmp_path, "london", 2, 100)
    lake.has_table("posts")  # both parts seen whole by this process
    _scramble_footer(dakar)
    caplog.set_level(logging.ERROR, logger="scn.lake")
    assert lake.value_counts("posts", "city_id") == {"london": 2}
    assert not dakar.exists() and len(_damage_lines(caplog)) == 1
    again = ingest_file("social", Path(archived), city_id="dakar")
    assert (again.accepted, again.duplicates) == (3, 0)


def test_a_footer_damaged_in_place_does_not_stop_ingest(home: Path, tmp_path: Path) -> None:
    dakar, _ = _ingest(tmp_path, "dakar", 3, 1)
    _ingest(tmp_path, "london", 2, 100)
    _scramble_footer(dakar)
    _ingest(tmp_path, "london", 2, 200)  # the key index's join meets the part first
    assert not dakar.exists() and lake.value_counts("posts", "city_id") == {"london": 4}


def test_a_damaged_ingest_log_part_does_not_stop_the_inbox(home: Path) -> None:
    for city, start in (("london", 1), ("dakar", 100)):
        folder = home / "inbox" / "social" / city
        folder.mkdir(parents=True)
        (folder / "a.csv").write_bytes(posts(*ok_rows(3, start=start)))
    assert len(ingest_inbox("social")) == 2
    sha = lake.read_table("ingest_log").set_index("city_id").loc["dakar", "sha256"]
    (log_part,) = lake.table_dir("ingest_log").glob(f"part-{sha[:16]}-*.parquet")
    _truncate(log_part)

    (home / "inbox" / "social" / "london" / "b.csv").write_bytes(posts(*ok_rows(2, start=10)))
    assert [(Path(r.file).name, r.accepted) for r in ingest_inbox("social", ["london"])] == [("b.csv", 2)]
    # dakar's file has no log row left: taken again, its rows already in the lake, and its log row written anew
    assert [(r.city_id, r.accepted, r.duplicates) for r in ingest_inbox("social")] == [("dakar", 0, 3)]
    assert ingest_inbox("social") == []
    assert sorted(lake.read_table("ingest_log")["city_id"]) == ["dakar", "london", "london"]


def test_a_damaged_enriched_part_is_recomputed(home: Path, tmp_path: Path) -> None:
    for city, start in (("dakar", 1), ("london", 100)):
        _ingest(tmp_path, city, 2, start)
    empty = LAKE_SCHEMAS["posts_enriched"].empty_table()
    for city, fingerprint in parts.input_fingerprints("posts_enriched").items():
        lake.replace_keyed_part("posts_enriched", empty, city, fingerprint)
    assert parts.stale_cities("posts_enriched") == []
    (dakar,) = lake.table_dir("posts_enriched").glob("part-dakar--*.parquet")
    _truncate(dakar)
    assert parts.stale_cities("posts_enriched") == ["dakar"]  # its name's fingerprint matches: still recomputed
    assert sorted(lake.keyed_parts("posts_enriched")) == ["london"]
    assert lake.row_count("posts_enriched") == 0  # and the table reads (dbt's glob no longer meets the part)


def test_a_footer_is_looked_for_once_per_part_version(home: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The check costs a stat per part once this process has seen that version of the part: its footer is not
    looked for again on every read, nor parsed at all while reads succeed."""
    dakar, _ = _ingest(tmp_path, "dakar", 3, 1)
    _ingest(tmp_path, "london", 2, 100)
    lake.has_table("posts")
    looked: list[Path] = []
    tail = lake_io._tail_problem
    monkeypatch.setattr(lake_io, "_tail_problem", lambda p: looked.append(Path(p)) or tail(p))
    monkeypatch.setattr(lake_io.pq, "read_metadata", lambda *a, **k: pytest.fail("a footer parsed"))
    for _ in range(3):
        assert lake.row_count("posts") == 5
    assert looked == []
    os.utime(dakar, ns=(1, 1))  # another version of the file: looked at again
    assert lake.row_count("posts") == 5 and looked == [dakar]


def _writer(i: int, barrier: multiprocessing.synchronize.Barrier, errors: multiprocessing.Queue,
            rounds: int, bad: multiprocessing.Queue) -> None:
    for r in range(rounds):
        barrier.wait()
        try:
            lake.replace_table("race_demo", pd.DataFrame({"writer": [i], "round": [r]}))
        except Exception as exc:  # noqa: BLE001 - counted
            errors.put(f"writer {i} round {r}: {type(exc).__name__}: {exc}")
        barrier.wait()
        if i == 0:
            left = sorted(lake.table_dir("race_demo").glob("part-*.parquet"))
            if len(left) != 1:
                bad.put(f"round {r}: {len(left)} parts")
        barrier.wait()


def test_two_writers_of_a_derived_table_leave_one_part(home: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier, errors, bad = ctx.Barrier(2), ctx.Queue(), ctx.Queue()
    lake.replace_table("race_demo", pd.DataFrame({"writer": [-1], "round": [-1]}))
    procs = [ctx.Process(target=_writer, args=(i, barrier, errors, 40, bad)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    found = []
    for q in (errors, bad):
        while not q.empty():
            found.append(q.get())
    assert found == []
    assert len(lake.read_table("race_demo")) == 1
