"""A parser's process that dies (the out-of-memory killer, a signal, a worker that cannot import its code) is not
the file's fault until proven so: the file stays pending, nothing recorded, the walk goes on (it fails only when
every file died: the machine); only a file on which the parser died on ``PARSER_DEATHS`` walks (others parsing
meanwhile) is recorded as failed. Files waiting for
their city are logged one line per folder, not one per file (docs/ingest.md "Speed", "Files that wait")."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from scn import lake
from scn.ingest import pipeline
from scn.ingest.pipeline import PARSER_DEATHS, InboxFaults, ingest_inbox
from tests.support.corpus import ok_rows, posts
from tests.support.killing_parser import killing_parse

CITY = "london"  # in the shipped registry


@pytest.fixture(autouse=True)
def _pooled(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files taken at once, parsed by two worker processes with ``killing_parse``."""
    monkeypatch.setenv("SCN_INGEST_SETTLE_SECONDS", "0")
    monkeypatch.setenv("SCN_INGEST_WORKERS", "2")
    monkeypatch.setattr(pipeline, "_parse", killing_parse)
    home.mkdir(parents=True, exist_ok=True)


def _kill(home: Path, *names: str) -> None:
    (home / "kills").write_text("\n".join(names))


def _parsed(home: Path) -> list[str]:
    return (home / "parsed").read_text().split() if (home / "parsed").exists() else []


def _put(home: Path, names: list[str], start: int = 1, city: str = CITY) -> None:
    folder = home / "inbox" / "social" / city
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / name).write_bytes(posts(*ok_rows(2, start + 10 * i)))


def _logged(name: str) -> int:
    if not lake.has_table("ingest_log"):
        return 0
    return int(lake.read_table("ingest_log")["file"].astype(str).str.endswith("/" + name).sum())


def _row0(name: str) -> list[str]:
    if not lake.has_table("quarantine"):
        return []
    q = lake.read_table("quarantine")
    return q[(q["row"] == 0) & q["file"].astype(str).str.endswith("/" + name)]["reason"].astype(str).tolist()


def _posts() -> int:
    return lake.row_count("posts") if lake.has_table("posts") else 0


def test_a_parser_killed_on_one_file_leaves_it_pending_and_the_next_walk_loads_it(home: Path) -> None:
    from orchestration.run import pending_inbox

    _put(home, ["a.csv", "b.csv", "boom.csv", "c.csv", "d.csv"])
    _kill(home, "boom.csv")
    results = ingest_inbox("social")  # the walk goes on and does not fail: one file must not stop every city
    assert sorted(Path(r.file).name for r in results) == ["a.csv", "b.csv", "c.csv", "d.csv"]
    assert _posts() == 8
    assert _logged("boom.csv") == 0 and _row0("boom.csv") == []  # nothing recorded against it
    assert pending_inbox().get("social") == {CITY}  # scn run still sees it as pending

    _kill(home)  # the machine has memory again
    [r] = ingest_inbox("social")
    assert (Path(r.file).name, r.accepted) == ("boom.csv", 2)
    assert _posts() == 10 and _logged("boom.csv") == 1 and "social" not in pending_inbox()


def test_a_file_that_kills_its_parser_on_three_walks_is_recorded_failed_and_not_taken_again(home: Path) -> None:
    from orchestration.run import pending_inbox

    assert PARSER_DEATHS == 3
    _kill(home, "boom.csv")
    _put(home, ["boom.csv"], start=900)
    for walk in range(1, PARSER_DEATHS):
        _put(home, [f"w{walk}-{i}.csv" for i in range(3)], start=100 * walk)  # others parse on every walk
        assert len(ingest_inbox("social")) == 3
        assert _logged("boom.csv") == 0 and pending_inbox().get("social") == {CITY}
    _put(home, [f"w3-{i}.csv" for i in range(3)], start=300)
    results = ingest_inbox("social")  # the third death is the file's: recorded, the walk does not fail
    assert sorted(Path(r.file).name for r in results) == ["w3-0.csv", "w3-1.csv", "w3-2.csv"]
    [reason] = _row0("boom.csv")
    assert reason.startswith("boom.csv: the parser process died on 3 walks (ParserProcessDied)")
    assert _logged("boom.csv") == 1 and "social" not in pending_inbox()

    _put(home, [f"w4-{i}.csv" for i in range(3)], start=400)
    before = _parsed(home).count("boom.csv")
    assert len(ingest_inbox("social")) == 3
    assert _parsed(home).count("boom.csv") == before  # not taken a fourth time
    assert _logged("boom.csv") == 1 and _posts() == 2 * 3 * 4


def test_a_walk_where_every_file_dies_counts_against_none_of_them(home: Path) -> None:
    names = ["a.csv", "b.csv", "c.csv", "d.csv"]
    _put(home, names)
    _kill(home, "*")  # a broken deploy: every worker dies
    for _ in range(PARSER_DEATHS):
        with pytest.raises(InboxFaults) as caught:
            ingest_inbox("social")
        assert sorted(caught.value.pending) == names and "so did every file of the walk" in str(caught.value)
    assert not lake.has_table("ingest_log") and _posts() == 0

    _kill(home)  # the deploy is fixed
    assert sorted(Path(r.file).name for r in ingest_inbox("social")) == names
    assert _posts() == 8 and all(_row0(n) == [] for n in names)


def test_files_waiting_for_their_city_are_logged_one_line_per_folder(home: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    _put(home, [f"p{i:03d}.csv" for i in range(50)], city="atlantis")  # a city not yet registered
    for walk in (1, 2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger=pipeline.__name__):
            assert ingest_inbox("social") == []
        lines = [r.getMessage() for r in caplog.records if r.name == pipeline.__name__]
        assert len(lines) <= 2, (walk, lines[:5])
        [line] = [m for m in lines if "atlantis" in m]
        assert "50 files waiting for the city" in line and "'atlantis'" in line and line.endswith("e.g. p000.csv")
    assert _logged("p049.csv") == 1  # recorded once, as waiting


def test_a_file_recorded_for_its_parser_deaths_is_taken_again_once_after_the_code_changes(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deaths on every walk may be the code's (a deploy that cannot parse such files): the failure waits for the
    code to change, and the first walk after a change takes the file again, once."""
    from orchestration.run import pending_inbox

    _kill(home, "boom.csv")
    _put(home, ["boom.csv"], start=900)
    for walk in range(1, PARSER_DEATHS + 1):
        _put(home, [f"w{walk}-{i}.csv" for i in range(3)], start=100 * walk)
        ingest_inbox("social")
    assert _row0("boom.csv")[0].endswith(pipeline.WAITING_NOTE["code"]) and "social" not in pending_inbox()

    _kill(home)  # the fix is deployed
    monkeypatch.setattr(pipeline, "code_version", lambda: "a-new-version")
    assert pending_inbox().get("social") == {CITY}  # scn run plans it
    [r] = ingest_inbox("social")
    assert (Path(r.file).name, r.accepted) == ("boom.csv", 2) and "social" not in pending_inbox()
    assert ingest_inbox("social") == []
