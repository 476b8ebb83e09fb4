"""The dbt project as a whole: builds on an empty lake, docs generate, the minimum group size comes from the
environment, and Dagster loads its manifest."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.support.cli import REPO, scn_home, unit_tests_passed
from tests.support.dbt_world import DBT, dbt_build, without_unit_tests

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


def test_the_suites_builds_leave_the_unit_tests_to_the_tiny_worlds() -> None:
    """The suite's dbt builds exclude dbt's unit tests (the tiny world's whole build runs them all), added to the
    selectors a build already excludes, and a build that excludes them already is left as it is."""
    unit = "resource_type:unit_test"
    assert without_unit_tests(("--select", "+x")) == ("--select", "+x", "--exclude", unit)
    assert without_unit_tests(("--exclude", "a b", "--select", "y")) == ("--exclude", f"a b {unit}", "--select", "y")
    for given in (("--exclude", unit), ("--select", "z", "--exclude", "test_type:unit")):
        assert without_unit_tests(given) == given


def test_a_home_can_start_with_the_unit_tests_recorded_as_passed(tmp_path: Path) -> None:
    """``unit_tests_passed`` records this project's fingerprint under the settings the home's runs will have (the
    smallest group counts), keeps the rest of the state, and leaves this process's environment as it was."""
    from assets.transforms.state import project_fingerprint, state_path
    from scn.hashing import read_state, write_state
    from scn.settings import override

    before = os.environ.get("SCN_MIN_GROUP")
    with scn_home(tmp_path):
        write_state(state_path(), {"lake": {"posts": "x"}})
    unit_tests_passed(tmp_path, {"SCN_MIN_GROUP": "4"})
    assert os.environ.get("SCN_MIN_GROUP") == before
    with scn_home(tmp_path), override(min_group=4):
        state = read_state(state_path())
        assert state == {"lake": {"posts": "x"}, "unit_tests": project_fingerprint()}
    with override(min_group=5):
        assert state["unit_tests"] != project_fingerprint()  # another smallest group: another project


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


PREPARE = """
import sys
from pathlib import Path
from dagster_dbt import DbtProject
from assets.transforms.project import _Preparer

copy = Path(sys.argv[1])
_Preparer().prepare(DbtProject(project_dir=copy, profiles_dir=copy))
"""


def test_processes_importing_at_once_never_read_half_a_manifest(tmp_path: Path) -> None:
    """The test workers, the webserver's code server and the daemon import the definitions at once on a fresh
    checkout: all of them find no manifest. One parses, the others wait and reuse it, and a reader polling the
    manifest meanwhile only ever reads a whole file (CI once failed on half of one)."""
    copy = tmp_path / "transforms"
    shutil.copytree(REPO / "transforms", copy, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".*"))
    manifest = copy / "target" / "manifest.json"
    env = {**os.environ, "SCN_HOME": str(tmp_path / "home")}
    procs = [subprocess.Popen([sys.executable, "-c", PREPARE, str(copy)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    reads, inodes = 0, set()
    while any(p.poll() is None for p in procs):
        time.sleep(0.01)
        try:
            data, inode = manifest.read_bytes(), manifest.stat().st_ino
        except FileNotFoundError:
            continue
        json.loads(data)  # half a file raises here
        reads, inodes = reads + 1, inodes | {inode}
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()[-3000:]
    assert reads > 0
    inodes.add(manifest.stat().st_ino)
    assert len(inodes) == 1, "the manifest was parsed more than once"
    assert any(k.startswith("model.scn.") for k in json.loads(manifest.read_text())["nodes"])
    assert not [p for p in (copy / "target").iterdir() if p.name.startswith("parse-")]
    assert not (copy / ".user.yml").exists()  # dbt's usage tracking is off (dbt_project.yml flags)


def test_files_dbt_or_an_editor_leave_in_the_project_never_make_the_warehouse_stale(tmp_path: Path) -> None:
    """CI once saw dbt write ``transforms/.user.yml`` in the middle of an incremental story: the project's
    fingerprint changed, the next per-city build became a full one of a subset, and the warehouse was left
    without a state. Hidden files are not the project; a changed model is."""
    from assets.transforms.state import project_fingerprint

    copy = tmp_path / "transforms"
    shutil.copytree(REPO / "transforms", copy, ignore=shutil.ignore_patterns("target", "logs", ".*"))
    with scn_home(tmp_path / "home"):
        before = project_fingerprint(copy)
        (copy / ".user.yml").write_text("id: 6a0c\n")
        (copy / "models" / "marts" / ".city_month.sql.swp").write_bytes(b"\0swap")
        (copy / "models" / ".cache").mkdir()
        (copy / "models" / ".cache" / "x.sql").write_text("select 1")
        assert project_fingerprint(copy) == before
        model = copy / "models" / "marts" / "city_month.sql"
        model.write_text(model.read_text() + "\n-- changed\n")
        assert project_fingerprint(copy) != before



def test_the_cli_resource_runs_dbt_without_asking_its_version_or_opening_an_adapter(tmp_path: Path,
                                                                                     monkeypatch) -> None:
    """dagster-dbt runs ``dbt --version`` and opens a dbt adapter before every command (~5 s together); the
    project's resource skips both for this venv's dbt, and its commands still run and report. Another
    executable is still asked for its version."""
    from importlib.metadata import version

    import dagster_dbt.core.resource as dbt_core

    from assets.transforms.project import ScnDbtCliResource, dbt_resource, dbt_vars
    from scn.lake import ensure_tables

    asked: list = []

    def check_output(args, *rest, **kwargs) -> bytes:
        asked.append(list(args))
        return b"Core:\n  - installed: 9.8.7\n"

    monkeypatch.setattr(dbt_core, "check_output", check_output)
    with scn_home(tmp_path):
        ensure_tables()
        resource = dbt_resource()
        assert str(resource._cli_version) == version("dbt-core")
        invocation = resource.cli(["parse", "--vars", dbt_vars()], target_path=tmp_path / "target")
        invocation.wait()
    assert invocation.is_successful() and invocation.adapter is None
    assert (tmp_path / "target" / "manifest.json").exists()
    assert asked == []
    other = tmp_path / "bin" / "dbt"
    other.parent.mkdir()
    other.write_text("#!/bin/sh\n")
    other.chmod(0o755)
    assert str(ScnDbtCliResource(project_dir=resource.project_dir, dbt_executable=str(other))._cli_version) == "9.8.7"
    assert asked == [[str(other), "--version"]]


def test_old_dbt_target_folders_are_pruned_but_the_newest_and_recent_ones(tmp_path: Path) -> None:
    """Each dbt command leaves a ~10 MB target folder: the asset keeps the newest and any a command may still be
    writing (changed in the last hour), removes the rest, and touches nothing else in target/."""
    from assets.transforms.assets import prune_invocations

    now = time.time()
    made = {}
    for i in range(8):  # folder 0 the newest; 0-1 changed minutes ago, 2-7 hours or days ago
        p = tmp_path / f"scn_dbt_models-run{i}-abc"
        p.mkdir()
        (p / "dbt.log").write_text("x")
        age = 60 * (i + 1) if i < 2 else 3600 * (i + 1)
        os.utime(p, (now - age, now - age))
        made[i] = p
    other = tmp_path / "parse-123"
    other.mkdir()
    os.utime(other, (now - 10 * 86400, now - 10 * 86400))
    (tmp_path / "manifest.json").write_text("{}")

    removed = prune_invocations(tmp_path, keep=3, younger=3600)
    assert sorted(removed) == sorted(made[i] for i in range(3, 8))
    assert all(made[i].exists() for i in range(3)) and not any(made[i].exists() for i in range(3, 8))
    assert other.exists() and (tmp_path / "manifest.json").exists()
    # recent folders stay even beyond the count kept
    assert prune_invocations(tmp_path, keep=0, younger=3600) == [made[2]]
    assert made[0].exists() and made[1].exists()
