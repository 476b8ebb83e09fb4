"""Re-ingesting the same file, or overlapping files, never duplicates a row; changed registry rows update."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn import lake
from scn.ingest.families import FAMILY_TABLES
from scn.ingest.pipeline import ingest_file
from tests.support.corpus import CITIES, CITY_OK, cases, police, posts, prow, row

CLEAN = {c.id: c for c in cases()}
FAMILIES = ["social-clean", "jsonl-clean", "x-pages", "telegram-entities", "police-uk-clean", "crime-generic-no-id",
            "kobo-csv", "codebook-clean", "activities-clean", "summits-template", "geojson-clean", "cities-clean"]


def lake_rows(kind: str) -> dict[str, int]:
    return {t: lake.row_count(t) for t in FAMILY_TABLES[kind]}


@pytest.mark.parametrize("case_id", FAMILIES)
def test_same_file_twice(case_id: str, home: Path, tmp_path: Path) -> None:
    case = CLEAN[case_id]
    path = tmp_path / case.name
    path.write_bytes(case.data)
    first = ingest_file(case.kind, path, city_id=case.city)
    before = lake_rows(case.kind)
    second = ingest_file(case.kind, path, city_id=case.city)
    assert first.accepted > 0
    assert second.accepted == 0 and second.duplicates == second.rows_read == first.rows_read
    assert lake_rows(case.kind) == before
    assert lake.row_count("ingest_log") == 2


def test_overlapping_social_files(home: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(posts(row(1), row(2), row(3)))
    b.write_bytes(posts(row(3), row(4)))
    ingest_file("social", a, city_id="london")
    r = ingest_file("social", b, city_id="london")
    assert (r.accepted, r.duplicates) == (1, 1)
    assert sorted(lake.read_table("posts")["post_id"]) == ["1", "2", "3", "4"]


def test_overlapping_police_downloads_with_idless_rows(home: Path, tmp_path: Path) -> None:
    """A re-download of the same month (outcomes updated) matches id-less rows by content, not by outcome."""
    a, b = tmp_path / "2025-03-a-street.csv", tmp_path / "2025-03-b-street.csv"
    a.write_bytes(police(prow("x1"), prow(""), prow(""), prow("", ctype="Robbery")))
    b.write_bytes(police(prow("x1"), prow(""), prow(""), prow(""), prow("x2")))
    ingest_file("crime", a, city_id="london")
    r = ingest_file("crime", b, city_id="london")
    assert (r.rows_read, r.accepted, r.duplicates) == (5, 2, 3)  # a third identical id-less row is new
    assert lake.row_count("crimes") == 6


def test_changed_city_row_is_written_again(home: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "cities-1.csv", tmp_path / "cities-2.csv"
    old.write_text(f"{CITIES}\n{CITY_OK}\n")
    new.write_text(f"{CITIES}\n{CITY_OK.replace('100000', '120000')}\n")
    ingest_file("cities", old)
    r = ingest_file("cities", new)
    assert (r.accepted, r.duplicates) == (1, 0)
    assert sorted(lake.read_table("cities")["population"]) == [100000, 120000]
    again = ingest_file("cities", new)
    assert (again.accepted, again.duplicates) == (0, 1)


def test_the_registry_read_once_per_file_follows_every_change_of_the_lake(home: Path, tmp_path: Path) -> None:
    """known_cities and city_box are cached by the lake tables' part stamps: a city registered (or moved, or
    moved back by sending its first registry again) after a first file was checked is seen by the next file, in
    the same process; the newest registry part wins, as in the marts."""
    from scn.ingest.cities_known import city_box, known_cities

    first = tmp_path / "first.csv"
    first.write_bytes(posts(row(1)))
    with pytest.raises(Exception, match="unknown city 'newtown'"):
        ingest_file("social", first, city_id="newtown")
    assert "newtown" not in set(known_cities()["city_id"])
    registry = tmp_path / "cities-1.csv"
    registry.write_text(f"{CITIES}\n{CITY_OK}\n")
    ingest_file("cities", registry)
    assert city_box("newtown") == (-1.5, 36.5, -0.5, 37.5)
    second = tmp_path / "second.csv"
    second.write_bytes(posts(row(2)))
    assert ingest_file("social", second, city_id="newtown").accepted == 1
    moved = tmp_path / "cities-2.csv"
    moved.write_text(f"{CITIES}\n{CITY_OK.replace('-1.0,37.0', '-2.0,38.0')}\n")
    ingest_file("cities", moved)
    assert city_box("newtown") == (-2.5, 37.5, -1.5, 38.5)
    again = ingest_file("cities", registry)  # the first registry sent again: its row is the newest (as in dbt)
    assert (again.accepted, again.duplicates) == (0, 1)
    assert city_box("newtown") == (-1.5, 36.5, -0.5, 37.5)
    frame = known_cities()
    frame.drop(frame.index, inplace=True)  # a caller changing its copy changes no one else's
    assert "newtown" in set(known_cities()["city_id"])
