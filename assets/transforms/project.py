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
from packaging.version import Version

from assets.transforms.dbt_lib import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
    DbtProjectPreparer,
)
from assets.transforms.state import TRANSFORMS_DIR, cities_path, project_files
from scn.locks import exclusive
from scn.settings import settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_GROUP = "dbt_seeds"  # the vocabularies (transforms/seeds/): small, rebuilt with any run that needs them
PARSE_FILE = "partial_parse.msgpack"  # what dbt keeps of a parse in its target folder


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

    def cli(self, args: Sequence[str], *, workdir: Path | None = None, **kwargs: Any) -> DbtCliInvocation:
        """dagster-dbt's command, run in ``workdir`` (default: the home), with ``SCN_HOME`` naming the home.

        Nothing of the home is then in what dbt parses: its vars and profile (``dbt_vars``: the warehouse and the
        cities file are paths relative to the working directory) are the same in every home, and the lake sources
        read ``SCN_HOME`` when a node is compiled (macros/lake_source.sql). So a home's build starts from a parse
        made in another (the one ``_Preparer`` keeps in target/, or the one a home was moved or copied with) and
        parses only the project files changed since, while each home's SQL names its own lake and warehouse.
        dagster-dbt runs dbt in the project folder with this process's environment: a small launcher
        (``IN_HOME``) changes both before it becomes dbt."""
        home = settings().home
        launched = _Launched(project_dir=self.project_dir, profiles_dir=self.profiles_dir, profile=self.profile,
                             target=self.target, state_path=self.state_path, dbt_executable=sys.executable,
                             global_config_flags=["-S", "-c", IN_HOME, str(workdir or home), str(home),
                                                  shutil.which(self.dbt_executable) or self.dbt_executable,
                                                  *self.global_config_flags],
                             dbt_version=str(self._cli_version))
        return launched.cli(args, **kwargs)


# argv: working directory, home, dbt executable, dbt's arguments; replaces itself with dbt (same process, signals)
IN_HOME = ("import os, sys; workdir, home, dbt, *args = sys.argv[1:]; os.chdir(workdir); "
           "os.putenv('SCN_HOME', home); os.execv(dbt, [dbt, *args])")


class _Launched(DbtCliResource):
    """``ScnDbtCliResource``'s command as dagster-dbt runs it: this interpreter running ``IN_HOME``, which runs
    dbt (of version ``dbt_version``) in the working directory and home it is given; no adapter opened."""

    dbt_version: str

    @cached_property
    def _cli_version(self) -> Version:
        return Version(self.dbt_version)

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_executable() -> str:
    """dbt installed next to this interpreter (the venv need not be activated), else the one on PATH."""
    venv_dbt = Path(sys.executable).parent / "dbt"
    return str(venv_dbt) if venv_dbt.exists() else (shutil.which("dbt") or "dbt")


def dbt_vars() -> str:
    """What dbt needs from the settings, as ``--vars``. The same for every build in every home (dbt parses anew
    when the vars change): no home in them, the warehouse (profiles.yml) and the file of the cities a per-city
    build recomputes (``cities_file``, macros/city_incremental.sql) are paths relative to the home, dbt's working
    directory (``ScnDbtCliResource.cli``); the lake sources read the home from ``SCN_HOME`` when compiled."""
    s = settings()
    pinned = {"as_of": s.as_of.isoformat()} if s.as_of else {}  # unset: dbt's current_date (macros/as_of_date.sql)
    return json.dumps({"warehouse": str(s.paths.warehouse.relative_to(s.home)), "min_group": s.min_group,
                       "cities_file": str(cities_path().relative_to(s.home)), **pinned})


class _Preparer(DbtProjectPreparer):
    """Parses the project into its manifest with this venv's dbt, when the manifest is missing or stale, and keeps
    dbt's partial-parse file beside it (``target/partial_parse.msgpack``: dagster-dbt copies it into the target
    folder of a command that has none, so a home's first build starts from it).

    Several processes import the definitions at once (the test workers, the webserver's code server, the daemon):
    one parses while the others wait on ``target/.parse.lock`` and then find the manifest fresh. dbt parses into a
    scratch folder (its working directory: a parse opens no warehouse) and each file is moved into place whole, so
    a reader never sees half a file."""

    def prepare(self, project: DbtProject) -> None:
        target = Path(project.project_dir) / project.target_path
        target.mkdir(parents=True, exist_ok=True)
        with exclusive(target / ".parse.lock"):
            if not _manifest_stale(project):
                return
            scratch = Path(tempfile.mkdtemp(prefix="parse-", dir=target))
            try:
                ScnDbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
                    ["parse", "--quiet", "--vars", dbt_vars()], target_path=scratch, workdir=scratch).wait()
                if (scratch / PARSE_FILE).exists():  # none with partial parsing off (DBT_PARTIAL_PARSE=false)
                    os.replace(scratch / PARSE_FILE, target / PARSE_FILE)
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
