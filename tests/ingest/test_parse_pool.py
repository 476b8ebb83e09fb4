"""Inbox files parsed in worker processes land exactly as a serial ingest lands them; a parser that fails, raises
something unpicklable or kills its process touches its own file only (a death comes back as ``ParserDied``, which
the inbox walk weighs: tests/ingest/test_parser_crash.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.ingest import parse_pool
from scn.ingest.families import FAMILY_TABLES
from scn.ingest.model import Source
from scn.ingest.parse_pool import ParserCrash, ParserDied, parsed_in_order, worker_count
from scn.ingest.pipeline import ingest_inbox
from scn.ingest.result import IngestError
from scn.privacy.pseudonyms import PseudonymKeyError
from scn.settings import override
from tests.support.corpus import cases
from tests.support.parse_faults import faulty

VOLATILE = {"ingested_at", "quarantined_at", "warned_at", "archived_to", "file", "sha256"}


def sources(tmp_path: Path, names: list[str], pulled: list[str] | None = None):
    for name in names:
        if pulled is not None:
            pulled.append(name)
        yield Source(tmp_path / name, tmp_path / name, "social", "london", name)


def test_outcomes_come_back_in_order_from_other_processes_with_the_callers_settings(tmp_path: Path) -> None:
    names = [f"f{i:02d}.csv" for i in range(9)]
    with override(suppress_below=7, home=tmp_path / "elsewhere"):
        got = list(parsed_in_order(faulty, sources(tmp_path, names), len(names), workers=2))
    assert [s.path.name for s, _ in got] == names
    frames = pd.concat([o.tables["probe"] for _, o in got])
    assert frames["file"].tolist() == names
    # parsed in the pool's processes, never the caller's (on a loaded machine one worker may take every file)
    assert os.getpid() not in set(frames["pid"]) and 1 <= frames["pid"].nunique() <= 2
    assert set(frames["suppress_below"]) == {7} and set(frames["home"]) == {str(tmp_path / "elsewhere")}


def test_a_failing_parser_fails_its_file_only(tmp_path: Path) -> None:
    names = ["a.csv", "bad.csv", "b.csv", "odd.csv", "die.csv", "c.csv", "key.csv", "d.csv", "die2.csv", "e.csv"]
    got = dict((s.path.name, o) for s, o in parsed_in_order(faulty, sources(tmp_path, names), len(names), 2))
    assert list(got) == names
    assert all(got[n].tables["probe"]["file"].tolist() == [n] for n in ("a.csv", "b.csv", "c.csv", "d.csv", "e.csv"))
    assert isinstance(got["bad.csv"], IngestError) and str(got["bad.csv"]) == "bad.csv: not a usable file"
    odd = got["odd.csv"]  # sent back as its type's name and its first line
    assert isinstance(odd, ParserCrash) and (odd.type_name, str(odd)) == ("Unpicklable", "odd.csv: something "
                                                                             "nobody foresaw")
    for dead in ("die.csv", "die2.csv"):
        assert isinstance(got[dead], ParserDied) and got[dead].type_name == "ParserProcessDied"
    assert isinstance(got["key.csv"], PseudonymKeyError)


def test_the_pool_reads_ahead_a_bounded_number_of_files(tmp_path: Path) -> None:
    names = [f"f{i:02d}.csv" for i in range(40)]
    pulled: list[str] = []
    outcomes = parsed_in_order(faulty, sources(tmp_path, names, pulled), len(names), workers=2)
    next(outcomes)
    assert len(pulled) <= 4  # twice the workers: a backlog of 10,000 files is not held in memory
    assert len(list(outcomes)) == 39


def test_serial_below_the_threshold_and_when_configured() -> None:
    assert worker_count(0, parse_pool.MIN_FILES - 1) == 1
    assert worker_count(1, 500) == 1
    assert worker_count(3, 2 * parse_pool.MIN_FILES) == 3
    assert 1 <= worker_count(0, 500) <= parse_pool.MAX_AUTO_WORKERS


def _write_corpus(inbox: Path) -> int:
    """Every case of the ingest corpus in one inbox (the same rows in many files of one city: which copy wins
    depends on the order files load in)."""
    n = 0
    for i, case in enumerate(cases()):
        folder = inbox / case.kind / case.city if case.city else inbox / case.kind
        folder.mkdir(parents=True, exist_ok=True)
        stem, dot, suffix = case.name.rpartition(".")
        path = folder / (f"{stem}~{i:03d}.{suffix}" if dot else f"{case.name}~{i:03d}")
        if callable(case.data):
            case.data(path)
        else:
            path.write_bytes(case.data)
        n += 1
    return n


def _ingest_everything(home: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list, dict]:
    monkeypatch.setenv("SCN_HOME", str(home))
    monkeypatch.setenv("SCN_INGEST_WORKERS", str(workers))
    monkeypatch.setenv("SCN_PSEUDONYM_KEY", "k" * 40)  # the same pseudonyms in both homes
    _write_corpus(home / "inbox")
    results = []
    for kind in FAMILY_TABLES:
        results += [(Path(r.file).name, r.rows_read, r.accepted, r.quarantined, r.duplicates, r.errors, r.warnings)
                    for r in ingest_inbox(kind)]
    tables = {}
    for kind, names in FAMILY_TABLES.items():
        for t in (*names, "quarantine", "ingest_log", "ingest_warnings"):
            if lake.has_table(t):
                frame = lake.read_table(t)
                frame = frame.drop(columns=[c for c in frame if c in VOLATILE])
                tables[t] = frame.astype("string").sort_values(list(frame.columns)).reset_index(drop=True)
        del kind
    return results, tables


def test_the_corpus_lands_the_same_parsed_in_workers_as_in_the_ingesting_process(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pools: list[int] = []
    real = parse_pool._pool
    monkeypatch.setattr(parse_pool, "_pool", lambda n: pools.append(n) or real(n))
    serial = _ingest_everything(tmp_path / "serial", 1, monkeypatch)
    assert pools == []
    pooled = _ingest_everything(tmp_path / "pooled", 2, monkeypatch)
    assert pools and set(pools) == {2}  # the social and crime inboxes, at least, went through workers
    assert len(serial[0]) > 60 and any(r[4] for r in serial[0]) and any(r[3] for r in serial[0])
    assert pooled[0] == serial[0]
    assert pooled[1].keys() == serial[1].keys()
    for t, frame in serial[1].items():
        pd.testing.assert_frame_equal(pooled[1][t], frame, obj=t)


def test_a_daemonic_process_parses_in_itself(tmp_path: Path) -> None:
    """A Celery worker's process is daemonic and may not start children: it parses the files itself."""
    import multiprocessing

    from tests.support.parse_faults import parse_in_daemon

    ctx = multiprocessing.get_context("forkserver")
    out = ctx.Queue()
    child = ctx.Process(target=parse_in_daemon, args=(str(tmp_path), [f"f{i}.csv" for i in range(6)], out),
                        daemon=True)
    child.start()
    pid, pids = out.get(timeout=60)
    child.join(30)
    assert child.exitcode == 0 and pids == [pid] * 6
