"""The lake's key index (``scn.lake.key_index.in_lake``), which ingest asks whether a file's keys are already in
the lake. It is kept between files in one process, so each test here changes the lake behind its back: a part
another writer added, a part removed or rewritten, another home. Its answer must always be the lake's on disk,
as a SQL semi join over the parts gives it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scn import lake
from scn.ingest.families import KEYS
from scn.ingest.pipeline import split_duplicates
from scn.lake import key_index
from scn.lake.key_index import in_lake
from scn.settings import override


def _posts(keys: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"post_key": pd.Series(keys, dtype="string")})


def _write(table: str, frame: pd.DataFrame, part: str) -> Path:
    return lake.write_part(table, frame, part)


def _semi_join(table: str, keys: list[str], frame: pd.DataFrame) -> np.ndarray:
    """The reference: which rows a SQL semi join over the table's parts finds."""
    probe = frame[keys].astype("string").assign(_i=np.arange(len(frame)))
    on = " and ".join(f'p."{k}" = l."{k}"' for k in keys)
    with duckdb.connect() as con:
        con.register("probe", probe)
        hit = con.execute(f"select _i from probe p semi join {lake.scan(table)} l on {on}").fetchnumpy()["_i"]
    out = np.zeros(len(frame), dtype=bool)
    out[hit.astype(np.int64)] = True
    return out


def test_parts_added_removed_or_rewritten_behind_its_back_are_seen(tmp_path: Path) -> None:
    with override(home=tmp_path):
        _write("posts", _posts(["x:1", "x:2"]), "a")
        assert in_lake("posts", ["post_key"], _posts(["x:1", "x:3"])).tolist() == [True, False]
        _write("posts", _posts(["x:3"]), "b")  # another writer's part, after the index was built
        assert in_lake("posts", ["post_key"], _posts(["x:1", "x:3", "x:4"])).tolist() == [True, True, False]
        (lake.table_dir("posts") / "part-a.parquet").unlink()  # a part removed: its keys are no longer there
        assert in_lake("posts", ["post_key"], _posts(["x:1", "x:2", "x:3"])).tolist() == [False, False, True]
        _write("posts", _posts(["x:3", "x:9"]), "b")  # a part rewritten under the same name
        assert in_lake("posts", ["post_key"], _posts(["x:9", "x:1"])).tolist() == [True, False]
        _write("posts", _posts(["x:1"]), "c")
        _write("posts", _posts(["x:5"]), "c")  # rewritten with other keys: x:1 is gone again
        assert in_lake("posts", ["post_key"], _posts(["x:1", "x:5"])).tolist() == [False, True]


def test_another_home_in_the_same_process_has_its_own_keys(tmp_path: Path) -> None:
    with override(home=tmp_path / "one"):
        _write("posts", _posts(["x:1"]), "a")
        assert in_lake("posts", ["post_key"], _posts(["x:1"])).tolist() == [True]
    with override(home=tmp_path / "two"):
        _write("posts", _posts(["x:2"]), "a")
        assert in_lake("posts", ["post_key"], _posts(["x:1", "x:2"])).tolist() == [False, True]


def test_answers_equal_a_semi_join_on_keys_built_to_collide(tmp_path: Path) -> None:
    """Multi-column keys whose concatenations agree, NULLs (a NULL key matches nothing), empty strings, case,
    Unicode that normalises alike, and near-identical long keys."""
    keys = KEYS["survey_responses"]
    lake_rows = pd.DataFrame([
        ["london", "s1", "ab", "c"], ["london", "s1", "", "q"], ["beirut", "s2", "r1", None],
        ["london", "s1", "Ab", "c"], ["mombasa", "s\u00e9", "r", "q"], ["x" * 300, "y", "z", "q"],
    ], columns=keys)
    probe = pd.DataFrame([
        ["london", "s1", "a", "bc"],  # the same characters as row 1, split elsewhere
        ["london", "s1", "ab", "c"],  # in the lake
        ["london", "s1", "", "q"],  # in the lake, with an empty part
        ["beirut", "s2", "r1", None],  # a NULL never matches, as in SQL
        ["london", "s1", "ab", "C"],  # case differs
        ["mombasa", "se\u0301", "r", "q"],  # the same letter, decomposed: other bytes, another key
        ["x" * 299 + "y", "y", "z", "q"],
        ["x" * 300, "y", "z", "q"],
    ], columns=keys)
    rng = np.random.default_rng(5)
    alphabet = np.array(list("ab:|\u00e9\u0627 ") + [""])
    noise = pd.DataFrame({k: ["".join(rng.choice(alphabet, 3)) for _ in range(400)] for k in keys})
    with override(home=tmp_path):
        _write("survey_responses", pd.concat([lake_rows, noise.iloc[:200]], ignore_index=True), "a")
        frame = pd.concat([probe, noise.iloc[100:]], ignore_index=True)
        got = in_lake("survey_responses", keys, frame)
        assert got[:8].tolist() == [False, True, True, False, False, False, False, True]
        assert (got == _semi_join("survey_responses", keys, frame)).all()


def test_ingesting_files_in_turn_drops_exactly_the_rows_already_in_the_lake(tmp_path: Path) -> None:
    """Through ``split_duplicates``, file after file in one process (each file's new rows become a part), with a
    part written between two files by something else: every drop is a key already in the lake, and nothing new is dropped."""
    rng = np.random.default_rng(11)
    with override(home=tmp_path):
        written: set[str] = set()
        for n in range(6):
            keys = [f"x:{i}" for i in rng.integers(0, 3000, 800)]
            frame = _posts(keys)
            new, dups = split_duplicates("posts", frame)
            expected_new = [k for k in dict.fromkeys(keys) if k not in written]
            assert new["post_key"].tolist() == expected_new
            assert dups == len(keys) - len(expected_new)
            _write("posts", new, f"{n:016d}")
            written.update(expected_new)
            if n == 2:  # another writer's part, outside this loop
                other = [f"x:{i}" for i in range(5000, 5100)]
                _write("posts", _posts(other), "other")
                written.update(other)
        assert in_lake("posts", ["post_key"], _posts(["x:5050", "x:9999"])).tolist() == [True, False]


def test_many_homes_keep_a_bounded_number_of_indexes_and_stay_right(tmp_path: Path) -> None:
    for n in range(key_index.KEEP + 3):
        with override(home=tmp_path / f"home{n}"):
            _write("posts", _posts([f"x:{n}"]), "a")
            assert in_lake("posts", ["post_key"], _posts([f"x:{n}", f"x:{n + 1}"])).tolist() == [True, False]
    assert len(key_index._INDEXES) <= key_index.KEEP
    with override(home=tmp_path / "home0"):  # its index was closed: a new one reads the parts again
        _write("posts", _posts(["x:100"]), "b")
        assert in_lake("posts", ["post_key"], _posts(["x:0", "x:100", "x:1"])).tolist() == [True, True, False]
