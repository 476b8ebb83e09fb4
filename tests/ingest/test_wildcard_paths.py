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


def test_the_lake_pattern_keeps_only_its_own_wildcard(tmp_path: Path) -> None:
    with override(home=tmp_path / "o'brien {1} ]"):
        assert lake.glob("posts") == f"{lake.table_dir('posts')}/part-*.parquet"
        lake.write_part("posts", pd.DataFrame({"post_key": ["k"]}), "p1")
        assert lake.query(f"select count(*) as n from {lake.scan('posts')}")["n"].item() == 1
