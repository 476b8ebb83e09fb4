"""The dbt project as a whole: builds on an empty lake, docs generate, the minimum group size comes from the
environment, and Dagster loads its manifest."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.support.cli import REPO, scn_home
from tests.support.dbt_world import DBT, dbt_build

MARTS = {"area_month", "area_week", "cell_month", "city_month", "network_kpis",
         "programme_metrics", "summit_metrics", "survey_indices", "survey_prepost"}


def test_empty_lake_builds_and_docs_generate(tmp_path: Path) -> None:
    from scn.lake import ensure_tables

    with scn_home(tmp_path):
        ensure_tables()
    out = dbt_build(tmp_path).stdout
    assert "ERROR=0" in out and "WARN=0" in out
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        assert MARTS <= tables
        assert con.execute("select count(*) from cell_month").fetchone()[0] == 0
        assert con.execute("select count(*) from network_kpis where value = 0").fetchone()[0] > 5
    env = {**os.environ, "SCN_HOME": str(tmp_path)}
    docs = subprocess.run([str(DBT), "docs", "generate", "--project-dir", "transforms", "--profiles-dir",
                           "transforms", "--target-path", str(tmp_path / "dbt-target"), "--log-path",
                           str(tmp_path / "dbt-logs")], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert docs.returncode == 0, docs.stdout[-3000:]
    assert (tmp_path / "dbt-target" / "catalog.json").stat().st_size > 1000


def test_min_group_size_comes_from_the_environment(world: Path, tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(world / "lake", tmp_path / "lake")
    shutil.copy(world / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("SCN_MIN_GROUP", "37")
    dbt_build(tmp_path, "--select", "survey_indices")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select n, suppressed from survey_indices").fetchall()
    assert {s for n, s in rows if n < 37} == {True} and {s for n, s in rows if n >= 37} == {False}


LOAD_WITH_DAGSTER = """
import json
from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets
from assets.transforms.project import TRANSLATOR, dbt_project

@dbt_assets(manifest=dbt_project().manifest_path, project=dbt_project(), dagster_dbt_translator=TRANSLATOR)
def models(context: AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()

print(json.dumps({"keys": sorted("/".join(k.path) for k in models.keys),
                  "deps": sorted("/".join(k.path) for k in models.dependency_keys),
                  "checks": len(list(models.check_specs))}))
"""


def test_dagster_loads_the_manifest(world: Path) -> None:
    """The lead's translator maps models to warehouse/<model>, sources to lake/<table>, tests to checks.
    (Run through dagster_dbt directly: assets/dbt.py's own decorator is checked by the pipeline tests.)"""
    env = {**os.environ, "SCN_HOME": str(world), "PATH": f"{DBT.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([sys.executable, "-c", LOAD_WITH_DAGSTER], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert MARTS <= {k.removeprefix("warehouse/") for k in got["keys"]}
    assert all(k.startswith("warehouse/") for k in got["keys"])
    assert "lake/posts_enriched" in got["deps"] and "lake/posts" not in got["deps"]
    assert {d.split("/")[0] for d in got["deps"] if d not in got["keys"]} == {"lake"}
    assert got["checks"] > 50
