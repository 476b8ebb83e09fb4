"""A home copied or moved with its warehouse is not rebuilt whole: the views that read the lake by its absolute
path are re-pointed at the new home's lake (``assets.transforms.state.follow_home``), the dbt state adopts the new
home, and the next incremental dbt step is a per-city build like any other. Worlds built to break it: a lake
table changed in the copy only (the copy's marts must see it, the original's not), a view the per-city build does
not rebuild (it must read the copy's lake all the same), a copy whose parts lost their modification times, and a
warehouse another process holds open."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, AssetSelection, materialize

from scn.lake import ensure_tables
from scn.settings import override
from tests.support.cli import scn_home, unit_tests_passed
from tests.support.dbt_world import build_lake, mart_rows, view_lakes

MART = AssetKey(["warehouse", "city_month"])
# another process holding a warehouse open for writing until its stdin closes
HOLD = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('open', flush=True); sys.stdin.read()"


def dbt_step(home: Path, cities: list[str] | None = None) -> dict[str, bool]:
    """Materialize every model (no tests) in ``home`` as a run's dbt step does, or city_month and what it is built
    from when tagged with ``cities`` (an incremental run's changed cities): model -> rebuilt (False: reported
    unchanged, not built)."""
    from assets.ingest.partitions import changed_cities_tags
    from assets.resources import LakeResource
    from assets.transforms.assets import UNCHANGED, scn_dbt_models
    from assets.transforms.project import dbt_resource

    with override(home=home):
        models = AssetSelection.assets(MART).upstream() if cities else AssetSelection.assets(scn_dbt_models)
        result = materialize([scn_dbt_models], selection=models.without_checks(),
                             resources={"dbt": dbt_resource(), "lake": LakeResource()},
                             tags=changed_cities_tags(cities) if cities is not None else None)
    assert result.success
    done = [e.step_materialization_data.materialization for e in result.get_asset_materialization_events()]
    return {m.asset_key.path[-1]: UNCHANGED not in m.metadata for m in done}


def state(home: Path) -> dict:
    return json.loads((home / "warehouse.dbt-state.json").read_text())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny world's home (a quote and braces in its name), built whole by the pipeline's dbt step (a whole
    build records the state a per-city build needs)."""
    home = tmp_path_factory.mktemp("copied") / "first o'brien {1}"
    with scn_home(home):
        build_lake()
    # this project's unit tests count as passed (tests/transforms runs them all): the whole build skips them
    # (5 of 6 minutes on a loaded machine); nothing else of the state is there, so the build is whole
    unit_tests_passed(home)
    built = dbt_step(home)
    assert all(built.values()) and state(home)["home"] == str(home)
    return home


def test_a_copied_home_builds_per_city_from_its_own_lake(built: Path, tmp_path: Path) -> None:
    """The copy's crimes are removed (a lake table changed in the copy only); its next dbt step, tagged with
    London, rebuilds only what the crimes feed, for London (no --full-refresh), and reads the copy's lake, also
    through the views it does not rebuild; the original's warehouse is not touched and still counts its crimes.
    Before, the copy's state named the original home, so the step rebuilt every model whole."""
    original_rows, original_mtime = mart_rows(built), (built / "warehouse.duckdb").stat().st_mtime_ns
    copy = tmp_path / "copy, 'two'"
    shutil.copytree(built, copy)
    for part in (copy / "lake" / "crimes_enriched").glob("part-*.parquet"):
        part.unlink()
    with scn_home(copy):
        ensure_tables()  # an empty part in its place

    rebuilt = dbt_step(copy, cities=["london"])
    assert rebuilt["city_month"] and rebuilt["stg_crimes_enriched"], rebuilt
    kept = sorted(m for m, done in rebuilt.items() if not done)
    assert "stg_posts_enriched" in kept and "stg_cities" in kept, rebuilt  # built from no table that changed
    assert view_lakes(copy) == {str(copy / "lake")}  # the views kept read the copy's lake too
    assert 0 < mart_rows(copy) < original_rows  # the copy's marts see its change
    with duckdb.connect(str(copy / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from stg_crimes_enriched").fetchone()[0] == 0
    assert view_lakes(built) == {str(built / "lake")} and mart_rows(built) == original_rows  # the original's not
    assert (built / "warehouse.duckdb").stat().st_mtime_ns == original_mtime
    assert state(copy)["home"] == str(copy) and state(built)["home"] == str(built)


def test_a_copy_adopts_the_fingerprint_of_each_table_it_kept_as_it_was(built: Path, tmp_path: Path) -> None:
    """``follow_home`` re-points the views and adopts the copy's lake fingerprints where the parts kept their
    names, sizes and modification times; a table whose part lost its modification time (a copy that does not
    keep them, or a part rewritten since) keeps the old fingerprint: the next build counts it as changed."""
    from assets.transforms.state import follow_home, lake_fingerprints

    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    part = next((copy / "lake" / "posts_enriched").glob("part-*.parquet"))
    os.utime(part, ns=(part.stat().st_atime_ns, part.stat().st_mtime_ns + 1_000_000_000))
    old = state(copy)
    with override(home=copy):
        moved = follow_home()
        now = lake_fingerprints()
        assert follow_home() == []  # the state is this home's now: nothing more to do
    assert "stg_posts_enriched" in moved and view_lakes(copy) == {str(copy / "lake")}
    new = state(copy)
    assert new["home"] == str(copy) and new["project"] == old["project"]
    assert new["lake"]["posts_enriched"] == old["lake"]["posts_enriched"] != now["posts_enriched"]
    assert new["lake"]["cities"] == now["cities"] != old["lake"]["cities"]  # a copy: other inodes, same times
    assert view_lakes(built) == {str(built / "lake")}


def test_a_warehouse_held_by_another_process_is_left_for_a_whole_build(built: Path, tmp_path: Path) -> None:
    """When the copy's warehouse cannot be opened for writing, nothing changes: the state still names the
    original home, so the next build is whole (``warehouse_current`` says no), as before."""
    from assets.transforms.state import follow_home, warehouse_current

    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(copy / "warehouse.duckdb")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with override(home=copy):
            assert follow_home() == []
    finally:
        holder.communicate("", timeout=60)
    with override(home=copy):
        assert not warehouse_current()
    assert state(copy)["home"] == str(built) and view_lakes(copy) == {str(built / "lake")}
