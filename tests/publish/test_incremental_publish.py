"""A publish after a change in one city reuses the tables whose content did not change (hard links to the previous
snapshot's files), writes the others, chooses the officials' levels again for the changed city only, and gives the
snapshot a publish from scratch gives; the previous snapshot stays whole (the swap is atomic)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn.privacy import published_levels
from scn.publish import serving
from scn.settings import override
from tests.support.snapshots import make_tables, publish_tables, quiet_city


def _read(snapshot: Path, name: str) -> pd.DataFrame:
    return serving.read_serving(name, snapshot=snapshot).sort_values(
        list(serving.read_serving(name, snapshot=snapshot).columns)).reset_index(drop=True)


def _changed(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` with Saida quiet (no flagged post, no hate crime): its cells, areas and months change."""
    return quiet_city({n: f.copy() for n, f in tables.items()}, "saida", hate_crimes=2)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tables = make_tables()
    home = tmp_path_factory.mktemp("incr-publish")
    first = publish_tables(home, tables)
    first_files = {p.name: p.read_bytes() for p in first.glob("*.parquet")}
    levels_calls: list[list[str]] = []
    real = published_levels.levels_table

    def spy(frames: dict[str, pd.DataFrame], k: int) -> pd.DataFrame:
        levels_calls.append(sorted(set(frames["cell_month"]["city_id"])))
        return real(frames, k)

    compared: list[list[str]] = []  # the columns of each table compared to find the changed cities
    differing = serving._cities_differing

    def spy_differing(before: pd.DataFrame, after: pd.DataFrame) -> set[str]:
        compared.append(list(after.columns))
        return differing(before, after)

    changed = _changed(tables)
    mp = pytest.MonkeyPatch()
    mp.setattr(published_levels, "levels_table", spy)
    mp.setattr(serving, "_cities_differing", spy_differing)
    try:
        second = publish_tables(home, changed)
    finally:
        mp.undo()
    scratch = publish_tables(tmp_path_factory.mktemp("incr-scratch"), changed)
    return {"home": home, "first": first, "first_files": first_files, "second": second, "scratch": scratch,
            "levels_calls": levels_calls, "tables": changed, "compared": compared}


def test_unchanged_tables_are_linked_from_the_previous_snapshot(published: dict) -> None:
    first, second = published["first"], published["second"]
    reused = set(serving.manifest(second)["reused"])
    untouched = {"cities", "network_kpis", "programme_metrics"} & set(published["tables"])
    assert untouched and untouched <= reused, reused
    for name in untouched:  # the same file, not a copy
        assert (second / f"{name}.parquet").stat().st_ino == (first / f"{name}.parquet").stat().st_ino
    assert not {"cell_month", "area_month", "city_month", "levels"} & reused  # Saida's counts changed


def test_levels_are_chosen_again_for_the_changed_city_only(published: dict) -> None:
    assert published["levels_calls"] == [["saida"]]


def test_tables_linked_unchanged_are_not_compared_again(published: dict) -> None:
    """Only the level inputs whose content changed are read from both snapshots and compared by city: the areas
    (Saida's outlines did not change, linked from the previous snapshot) are not, the cells, areas' months and
    city months are."""
    areas = list(published["tables"]["areas"].columns)
    assert "areas" in serving.manifest(published["second"])["reused"]
    assert areas not in published["compared"]
    assert len(published["compared"]) == 3, published["compared"]


def test_an_incremental_publish_equals_a_publish_from_scratch(published: dict) -> None:
    second, scratch = published["second"], published["scratch"]
    names = sorted(p.stem for p in scratch.glob("*.parquet"))
    assert names == sorted(p.stem for p in second.glob("*.parquet"))
    for name in names:
        pd.testing.assert_frame_equal(_read(second, name), _read(scratch, name), check_dtype=True)
    assert serving.manifest(second)["tables"] == serving.manifest(scratch)["tables"]
    assert serving.manifest(second)["fingerprints"] == serving.manifest(scratch)["fingerprints"]


def test_the_previous_snapshot_is_left_whole(published: dict) -> None:
    first = published["first"]
    assert {p.name: p.read_bytes() for p in first.glob("*.parquet")} == published["first_files"]
    with override(home=published["home"]):
        assert serving.current_dir() == published["second"].resolve()


def test_a_publish_without_reuse_writes_every_table(published: dict, tmp_path: Path) -> None:
    home = tmp_path / "home"
    publish_tables(home, published["tables"])
    with override(home=home):
        snap = serving.publish(published["tables"], run_id="again", reuse=False)
    assert serving.manifest(snap)["reused"] == []


def test_a_damaged_published_table_is_written_again_not_linked(tmp_path: Path) -> None:
    """A table emptied or cut in the current snapshot (a crash, a full disk, a hand) kept its manifest fingerprint
    and was hard-linked into every later snapshot; and a killed publish left its folder behind for ever."""
    import os
    import subprocess
    import sys

    from scn.settings import paths
    from tests.support.cli import scn_home

    tables = make_tables()
    home = tmp_path / "home"
    first = publish_tables(home, tables)
    (first / "cities.parquet").unlink()  # published files are hard links: cut this one only
    (first / "cities.parquet").write_bytes(b"")
    with scn_home(home):
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout.strip()
        leftover = paths().serving / "snapshots" / f".tmp-{dead}-20260101T000000000000-deadbeef"
        leftover.mkdir()
        (leftover / "cities.parquet").write_bytes(b"half")
        live = paths().serving / "snapshots" / f".tmp-{os.getpid()}-20260101T000000000001-cafe"
        live.mkdir()
        second = serving.publish(tables, run_id="again")
        assert "cities" not in serving.manifest(second)["reused"]
        assert len(serving.read_serving("cities", snapshot=second)) == len(tables["cities"])
        assert "cell_month" in serving.manifest(second)["reused"]  # the intact ones are still linked
        assert not leftover.exists() and live.exists()  # a live publish's folder is never taken
