"""Checks shared by the connector tests: what the lake holds after a collection, and that no raw handle is
stored anywhere outside the archive."""

from __future__ import annotations

from pathlib import Path

from tests.support.fake_social import HANDLE_PREFIX


def lake_posts(home: Path):
    """The posts table of ``home``'s lake (a DataFrame)."""
    import duckdb

    parts = sorted((home / "lake" / "posts").glob("part-*.parquet"))
    if not parts:
        import pandas as pd
        return pd.DataFrame(columns=["post_key"])
    with duckdb.connect() as con:
        return con.execute("select * from read_parquet(?)", [[str(p) for p in parts]]).df()


def files_holding(home: Path, needle: str = HANDLE_PREFIX) -> list[str]:
    """Files under ``home`` (the archive excepted) whose bytes contain ``needle`` in any letter case, plain or in a
    Parquet page (uncompressed strings are searched; zstd pages are decoded through DuckDB)."""
    import duckdb

    hits = []
    archive = home / "archive"
    for path in sorted(p for p in home.rglob("*") if p.is_file() and archive not in p.parents):
        if path.suffix == ".parquet":
            with duckdb.connect() as con:
                text = con.execute("select string_agg(cast(columns(*) as varchar), ' ') from read_parquet(?)",
                                   [str(path)]).fetchall()
            blob = " ".join(str(v) for row in text for v in row).lower()
        else:
            blob = path.read_bytes().decode("utf-8", "replace").lower()
        if needle.lower() in blob:
            hits.append(str(path.relative_to(home)))
    return hits
