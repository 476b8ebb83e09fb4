"""The dbt project under transforms/, wired into Dagster once: asset keys, groups, manifest, the CLI resource."""

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from functools import cache, cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    DbtProjectPreparer,
)
from packaging.version import Version

from assets.transforms.state import TRANSFORMS_DIR, cities_path, project_files
from scn.locks import exclusive
from scn.settings import settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_GROUP = "dbt_seeds"  # the vocabularies (transforms/seeds/): small, rebuilt with any run that needs them


class ScnDbtTranslator(DagsterDbtTranslator):
    """Models become ``warehouse/<model>`` grouped by their folder (staging, intermediate, marts); sources
    use ``meta.dagster.asset_key`` (``lake/<table>``) so they join the Python ingest assets upstream."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return AssetKey(["warehouse", dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return SEEDS_GROUP
        fqn = dbt_resource_props.get("fqn", [])
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


TRANSLATOR = ScnDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class ScnDbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource without two costs it pays before every `dbt` command, which this project does not
    need (measured together at ~5 s a command, more than the dbt work of an incremental run's per-city build):

    - it asks the executable for its version (``dbt --version``, a second Python process that imports dbt): the
      executable of ``dbt_executable()`` next to this interpreter is this venv's dbt-core, whose version the
      package metadata gives; any other executable is still asked;
    - it opens a dbt adapter in this process, used only to fetch row counts and column metadata after the
      command (``fetch_row_counts``, ``fetch_column_metadata``), which this project does not call."""

    @cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable) == Path(sys.executable).parent / "dbt":
            return Version(installed_version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_executable() -> str:
    """dbt installed next to this interpreter (the venv need not be activated), else the one on PATH."""
    venv_dbt = Path(sys.executable).parent / "dbt"
    return str(venv_dbt) if venv_dbt.exists() else (shutil.which("dbt") or "dbt")


def dbt_vars() -> str:
    """What dbt needs from the settings, as ``--vars`` (dbt reads no environment of ours). The same for every
    build in a home, so dbt can reuse its parse (it parses anew when the vars change): the cities a per-city
    build recomputes are not a var but the file ``cities_file`` names (macros/city_incremental.sql)."""
    s = settings()
    pinned = {"as_of": s.as_of.isoformat()} if s.as_of else {}  # unset: dbt's current_date (macros/as_of_date.sql)
    return json.dumps({"scn_home": str(s.home), "min_group": s.min_group, "cities_file": str(cities_path()),
                       **pinned})


class _Preparer(DbtProjectPreparer):
    """Parses the project into its manifest with this venv's dbt, when the manifest is missing or stale.

    Several processes import the definitions at once (the test workers, the webserver's code server, the daemon):
    one parses while the others wait on ``target/.parse.lock`` and then find the manifest fresh. dbt parses into a
    scratch folder and the manifest is moved into place whole, so a reader never sees half a file."""

    def prepare(self, project: DbtProject) -> None:
        target = Path(project.project_dir) / project.target_path
        target.mkdir(parents=True, exist_ok=True)
        with exclusive(target / ".parse.lock"):
            if not _manifest_stale(project):
                return
            scratch = Path(tempfile.mkdtemp(prefix="parse-", dir=target))
            try:
                ScnDbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
                    ["parse", "--quiet", "--vars", dbt_vars()], target_path=scratch).wait()
                os.replace(scratch / "manifest.json", project.manifest_path)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)


@cache
def dbt_project() -> DbtProject:
    """The dbt project; its manifest is (re)parsed when missing or older than the project's files."""
    project = DbtProject(project_dir=TRANSFORMS_DIR, profiles_dir=TRANSFORMS_DIR)
    if _manifest_stale(project):
        _Preparer().prepare(project)
    return project


def _manifest_stale(project: DbtProject) -> bool:
    manifest = Path(project.manifest_path)
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(p.stat().st_mtime > built for p in project_files(Path(project.project_dir)))


def dbt_resource() -> ScnDbtCliResource:
    return ScnDbtCliResource(project_dir=dbt_project(), profiles_dir=str(TRANSFORMS_DIR),
                          dbt_executable=dbt_executable())
