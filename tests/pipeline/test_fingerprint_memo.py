"""Every `scn run` plans with the enrichment's input fingerprints (``scn.enrich.parts.stale_cities``): a grouped
scan of every post, label, area and registry row. They are kept in the home with the stamps of the lake parts
and the staging SQL they were computed from: a run with nothing new in those tables scans nothing, and any new
or changed part, another H3 resolution or another query recomputes them, equal to a computation from scratch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scn import lake
from scn.enrich import parts
from scn.ingest.pipeline import ingest_file
from scn.settings import paths
from tests.support.corpus import ok_rows, posts
from tests.support.homes import home

__all__ = ["home"]


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every lake query the fingerprints run (counted)."""
    seen: list[str] = []
    real = parts._read

    def counted(sql: str):  # noqa: ANN202 - a pandas frame
        seen.append(sql)
        return real(sql)

    monkeypatch.setattr(parts, "_read", counted)
    return seen


def _ingest(tmp_path: Path, city: str, n: int, start: int) -> None:
    src = tmp_path / f"{city}-{start}.csv"
    src.write_bytes(posts(*ok_rows(n, start=start)))
    assert ingest_file("social", src, city_id=city).accepted == n


def _from_scratch(table: str, res: int | None = None) -> dict[str, str]:
    for memo in (paths().home / "state").glob("enrich_fingerprints*.json"):
        memo.unlink()
    parts._city_timezones.cache_clear()
    return parts.input_fingerprints(table, res)


def test_unchanged_lake_is_not_scanned_again(home: Path, tmp_path: Path, scans: list[str]) -> None:
    for city, start in (("dakar", 1), ("london", 100)):
        _ingest(tmp_path, city, 3, start)
    first = parts.input_fingerprints("posts_enriched")
    assert sorted(first) == ["dakar", "london"] and scans
    parts._city_timezones.cache_clear()  # as a new process
    scans.clear()
    assert parts.input_fingerprints("posts_enriched") == first
    assert parts.stale_cities("posts_enriched") == ["dakar", "london"]  # no part yet: both to compute
    assert scans == [], "the lake was scanned again with nothing new"


def test_a_new_part_recomputes_them(home: Path, tmp_path: Path, scans: list[str]) -> None:
    for city, start in (("dakar", 1), ("london", 100)):
        _ingest(tmp_path, city, 3, start)
    before = parts.input_fingerprints("posts_enriched")
    _ingest(tmp_path, "dakar", 2, 50)
    scans.clear()
    after = parts.input_fingerprints("posts_enriched")
    assert scans, "a new posts part did not recompute the fingerprints"
    assert after["dakar"] != before["dakar"] and after["london"] == before["london"]
    assert after == _from_scratch("posts_enriched")


def test_another_resolution_or_table_is_not_answered_from_the_memo(home: Path, tmp_path: Path,
                                                                   scans: list[str]) -> None:
    _ingest(tmp_path, "dakar", 3, 1)
    at8 = parts.input_fingerprints("posts_enriched", 8)
    scans.clear()
    at9 = parts.input_fingerprints("posts_enriched", 9)
    assert scans and at9 != at8 and at9 == _from_scratch("posts_enriched", 9)
    assert parts.input_fingerprints("crimes_enriched") == {}  # no crimes: nothing, whatever posts has
    assert lake.has_table("posts") and not lake.has_table("crimes")


def test_a_damaged_memo_is_recomputed(home: Path, tmp_path: Path, scans: list[str]) -> None:
    _ingest(tmp_path, "dakar", 3, 1)
    want = parts.input_fingerprints("posts_enriched")
    memos = sorted((paths().home / "state").glob("enrich_fingerprints*.json"))
    assert memos
    for memo in memos:  # the same key, a value cut short
        memo.write_text(json.dumps({**json.loads(memo.read_text()), "value": '{"dakar": "0'}))
    parts._city_timezones.cache_clear()
    scans.clear()
    assert parts.input_fingerprints("posts_enriched") == want
