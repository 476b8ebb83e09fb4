"""Paths that hold DuckDB's wildcards. DuckDB's readers (read_parquet, read_csv, read_json, glob) read ``* ? [``
anywhere in a path as a pattern: a folder named ``scn [prod]`` matched no file, and one named ``scn?`` also read
the files of a neighbouring ``scnX``. A home may not hold them (scn.settings.unsafe_in_home: Dagster globs its
config too), but the dbt project's own folder (a clone anywhere) and any path DuckDB reads go through
``literal_path``; each test keeps lookalike files beside the target, which the unescaped pattern would read."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scn import lake
from scn.lake import io as lake_io
from scn.lake import key_index
from scn.lake.key_index import in_lake
from scn.scratch import literal_path, sql_path, sql_string
from scn.settings import override

LOOKALIKES = ["a1.parquet", "ab.parquet", "aX.parquet", "xb.parquet", "aZZb.parquet", "a]b[.parquet"]


@pytest.mark.parametrize("name", ["a[1].parquet", "a*.parquet", "a?.parquet", "[!a]b.parquet", "a**b.parquet",
                                  "a]b[.parquet", "o'brien {1}.parquet"])
def test_a_literal_path_reads_that_file_only(tmp_path: Path, name: str) -> None:
    """Each name beside files its unescaped pattern would match (or instead of which it would match nothing)."""
    folder = tmp_path / "in [a] folder*"
    folder.mkdir()
    target = folder / name
    with duckdb.connect() as con:
        for i, f in enumerate([name, *LOOKALIKES]):
            if not (folder / f).exists():  # COPY ... TO writes the name as given (no pattern)
                con.execute(f"copy (select {i} as i) to {sql_string(folder / f)} (format parquet)")
        assert con.execute(f"select i from read_parquet({sql_path(target)})").fetchall() == [(0,)]
        assert [Path(f) for (f,) in con.execute(f"select file from glob({sql_path(target)})").fetchall()] == [target]
        every = con.execute(f"select count(*) from read_parquet({sql_string(literal_path(folder) + '/*.parquet')})")
        assert every.fetchone()[0] == len({name, *LOOKALIKES})  # wildcards added after escaping still work


def test_a_wildcard_in_a_literal_path_is_escaped_once() -> None:
    assert literal_path("/a/b[1]/c*d?e") == "/a/b[[]1]/c[*]d[?]e"
    assert sql_path("/o'brien/[x]") == "'/o''brien/[[]x]'"


@pytest.fixture
def lookalike_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A lake whose posts folder is ``.../p[1]/posts`` beside a ``.../p1/posts`` holding a part of the same name
    (a home may not hold ``[``, so the folder is given to the lake directly): the unescaped pattern reads only the
    lookalike's part, and its keys."""
    real, other = tmp_path / "p[1]", tmp_path / "p1"
    for module in (lake_io, key_index):
        monkeypatch.setattr(module, "table_dir", lambda name: real / name)
    with duckdb.connect() as con:
        for folder, key in ((other, "theirs"), (real, "mine")):
            (folder / "posts").mkdir(parents=True)
            target = sql_string(folder / "posts" / "part-a.parquet")
            con.execute(f"copy (select '{key}' as post_key) to {target} (format parquet)")
    return real


def test_the_lake_reads_its_own_folder_not_a_lookalike(lookalike_lake: Path) -> None:
    assert lake.glob("posts") == literal_path(lookalike_lake / "posts") + "/part-*.parquet"
    assert lake.query(f"select post_key from {lake.scan('posts')}")["post_key"].tolist() == ["mine"]


def test_the_key_index_reads_its_own_parts_not_a_lookalike(lookalike_lake: Path) -> None:
    """Both of its ways: the first ask joins with the parts, later asks read new parts into a set."""
    frame = pd.DataFrame({"post_key": pd.Series(["mine", "theirs", "new"], dtype="string")})
    with override(home=lookalike_lake.parent / "home"):  # a home of its own: the index is kept per home
        assert in_lake("posts", ["post_key"], frame).tolist() == [True, False, False]
        with duckdb.connect() as con:
            con.execute(f"copy (select 'later' as post_key) to {sql_string(lookalike_lake / 'posts' / 'part-b.parquet')}"
                        " (format parquet)")
        frame = pd.DataFrame({"post_key": pd.Series(["theirs", "later", "mine"], dtype="string")})
        assert in_lake("posts", ["post_key"], frame).tolist() == [False, True, True]
