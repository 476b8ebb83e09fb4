"""The pipeline's dbt step (``scn_dbt_models`` through dagster-dbt, as `scn run` and the daemon run it) in a fresh,
a second and a moved home starts from a parse made elsewhere (the one the definitions' loading keeps in
transforms/target, or the one a moved home brings) and parses no file again, and still writes the warehouse of
its own home, whose views read its own lake: nothing of a home is in what dbt parses (vars, profile, sources)."""

from __future__ import annotations

import shutil
from pathlib import Path

from dagster import AssetKey, AssetSelection, materialize

from scn.lake import ensure_tables
from scn.settings import override
from tests.support.cli import REPO, scn_home
from tests.support.dbt_world import build_lake, mart_rows, parse_of, view_lakes

MART = AssetKey(["warehouse", "city_month"])


def dbt_step(home: Path) -> Path:
    """Materialize city_month and what it is built from (no tests) in ``home`` (the settings' home; this process's
    SCN_HOME names another folder), as a run's dbt step does; the folder of its dbt command (dbt.log)."""
    from assets.resources import LakeResource
    from assets.transforms.assets import INVOCATION_PREFIX, scn_dbt_models
    from assets.transforms.project import dbt_project, dbt_resource

    with override(home=home):
        result = materialize([scn_dbt_models], selection=AssetSelection.assets(MART).upstream().without_checks(),
                             resources={"dbt": dbt_resource(), "lake": LakeResource()})
    assert result.success
    target = Path(dbt_project().project_dir) / "target"
    (folder,) = target.glob(f"{INVOCATION_PREFIX}{result.run_id[:7]}-*")
    return folder


def lake_of(home: Path, *, crimes: bool = True) -> Path:
    """``home`` with the tiny world's lake (its crimes table empty unless ``crimes``)."""
    with scn_home(home):
        build_lake()
        if not crimes:
            for part in (home / "lake" / "crimes_enriched").glob("part-*.parquet"):
                part.unlink()
            ensure_tables()
    return home


def test_each_home_reuses_a_parse_made_elsewhere_and_builds_its_own_warehouse(tmp_path: Path) -> None:
    """Two fresh homes built one after the other, then the first moved: no build parses a file again; each
    writes only its own warehouse (the others' untouched, none in the repository or the parse's folder), whose
    views read its own lake (the second has no crimes: fewer rows), and the moved home reads its new folder."""
    decoy = tmp_path / "decoy"  # this process's SCN_HOME: dbt must take the home from the settings
    first, second = lake_of(tmp_path / "first o'brien {1}"), lake_of(tmp_path / "second", crimes=False)
    with scn_home(decoy):
        logs = dbt_step(first)
        assert parse_of(logs) == "none", "a fresh home parsed the project again"
        before = (first / "warehouse.duckdb").stat().st_mtime_ns
        assert parse_of(dbt_step(second)) == "none", "a second fresh home parsed the project again"
        assert (first / "warehouse.duckdb").stat().st_mtime_ns == before, "the second build wrote the first warehouse"
        assert view_lakes(first) == {str(first / "lake")} and view_lakes(second) == {str(second / "lake")}
        first_rows = mart_rows(first)
        assert 0 < mart_rows(second) < first_rows  # built from its own lake, not the first's

        moved = tmp_path / "moved"
        shutil.copytree(first, moved)
        shutil.rmtree(first)
        assert parse_of(dbt_step(moved)) == "none", "a moved home parsed the project again"
    assert view_lakes(moved) == {str(moved / "lake")} and mart_rows(moved) == first_rows
    assert not first.exists(), "a build of the moved home wrote into its old folder"
    assert not decoy.exists(), "a build wrote into the home of the process's environment"
    strays = [*REPO.glob("warehouse.duckdb*"), *(REPO / "transforms").rglob("warehouse.duckdb*")]
    assert not strays, f"a warehouse written outside the homes: {strays}"
