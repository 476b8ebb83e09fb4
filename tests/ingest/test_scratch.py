"""Scratch DuckDB connections (scn.scratch) are cursors of one in-memory database per process: what one use
registers or creates must not be seen by another, threads may query at once, and a forked child opens its own."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

import scn.scratch as scratch_module
from scn.scratch import scratch


def test_frames_and_temporary_tables_stay_with_their_cursor() -> None:
    with scratch() as con:
        con.register("rows", pd.DataFrame({"n": [1, 2, 3]}))
        con.execute("create temp table kept as select * from rows")
        assert con.execute("select sum(n) from kept").fetchone()[0] == 6
    with scratch() as other:  # the next use: same database, none of the first use's names
        for name in ("rows", "kept"):
            with pytest.raises(Exception, match=name):
                other.execute(f"select * from {name}")
        other.register("rows", pd.DataFrame({"n": [10]}))  # the same name again, another frame
        assert other.execute("select sum(n) from rows").fetchone()[0] == 10


def test_threads_query_at_once_each_with_its_own_frame() -> None:
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for _ in range(20):
                with scratch() as con:
                    con.register("rows", pd.DataFrame({"n": range(k * 1000)}))
                    results[k] = con.execute("select count(*) from rows").fetchone()[0]
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert results == {k: k * 1000 for k in range(1, 5)}


def test_a_forked_child_opens_its_own_database(monkeypatch: pytest.MonkeyPatch) -> None:
    with scratch():
        parent = scratch_module._database
    assert parent is not None
    monkeypatch.setattr(scratch_module.os, "getpid", lambda: parent[0] + 1)  # as seen from a forked child
    with scratch() as con:
        assert con.execute("select 42").fetchone()[0] == 42
    child = scratch_module._database
    assert child is not None and child[0] == parent[0] + 1 and child[1] is not parent[1]
