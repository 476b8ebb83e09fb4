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
from scn.lake.digest_set import DigestSet
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
        for _ in ("a process's first ask: a join of the keys", "later asks: the digest set"):
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


def test_the_digest_set_answers_as_a_set_of_pairs_even_when_high_halves_collide() -> None:
    rng = np.random.default_rng(5)
    his = rng.integers(0, 40, 30_000, dtype=np.uint64)  # few high halves: long blocks of equal ones
    his[::7] = rng.integers(0, 2**63, len(his[::7]), dtype=np.uint64) * 2  # and many single ones
    los = rng.integers(0, 2**64 - 1, len(his), dtype=np.uint64, endpoint=True)
    los[:50] = [0, 2**64 - 1] * 25  # the extremes
    added: set[tuple[int, int]] = set()
    digests = DigestSet()
    for start in range(0, len(his), 1_700):  # in batches of uneven size, as files are
        stop = start + 1_700 + start % 900
        digests.add(his[start:stop], los[start:stop])
        added |= set(zip(his[start:stop].tolist(), los[start:stop].tolist(), strict=True))
        probe_hi = np.concatenate([his[: stop + 500], rng.integers(0, 40, 500, dtype=np.uint64)])
        probe_lo = np.concatenate([los[: stop + 500], los[:500] ^ np.uint64(1)])
        want = [(h, lo) in added for h, lo in zip(probe_hi.tolist(), probe_lo.tolist(), strict=True)]
        assert digests.contains(probe_hi, probe_lo).tolist() == want
    assert len(digests.runs) <= 1 + int(np.log2(len(his)))  # a few runs, not one per batch


def test_ingest_tells_the_index_what_it_wrote_and_the_answers_stay_the_lakes(tmp_path: Path, monkeypatch) -> None:
    """Files ingested in turn (some sent twice, so their part is merged; one part written by someone else): the index
    reads back only the parts it was not told about, and answers as a semi join over the parts on disk."""
    from scn.ingest.pipeline import ingest_file
    from tests.support.corpus import posts, row

    reads: list[int] = []
    real = key_index.scratch

    def counting():
        reads.append(1)
        return real()
    rng = np.random.default_rng(4)
    with override(home=tmp_path / "home", pseudonym_key="k" * 40):
        monkeypatch.setattr(key_index, "scratch", counting)
        files = []
        for n in range(8):
            path = tmp_path / f"f{n}.csv"
            path.write_bytes(posts(*[row(int(i)) for i in rng.integers(1, 400, 120)]))
            files.append(path)
        for n, path in enumerate([*files[:5], files[1], *files[5:], files[6]]):
            ingest_file("social", path, city_id="london")
            if n == 3:
                _write("posts", _posts([f"x:{i}" for i in range(9000, 9050)]), "0123456789abcdef")
        asks = len(reads)
        probe = _posts([f"x:{i}" for i in range(0, 460)] + ["x:9001", "x:99999", None])
        assert in_lake("posts", ["post_key"], probe).tolist() == _semi_join("posts", ["post_key"], probe).tolist()
    # one query a file asked about (its digests; the first file is not: the table did not exist), and parts read
    # back only for the first file's and the other writer's: 11 (told nothing, the index reads every part: 17)
    assert asks <= 12
