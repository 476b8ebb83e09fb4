"""The dbt project under transforms/, wired into Dagster once: asset keys, groups, manifest."""


import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject

REPO_ROOT = Path(__file__).resolve().parents[1]
TRANSFORMS_DIR = REPO_ROOT / "transforms"


class ScnDbtTranslator(DagsterDbtTranslator):
    """Models become ``warehouse/<model>`` grouped by their folder (staging, intermediate, marts); sources
    use ``meta.dagster.asset_key`` (``lake/<table>``) so they join the Python ingest assets upstream."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return AssetKey(["warehouse", dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return f"dbt_{fqn[1]}" if len(fqn) > 2 else "dbt"


def _venv_on_path() -> None:
    """dbt is installed next to this interpreter; make sure `dbt` resolves even when the venv is not activated
    (dagster-dbt's manifest preparation calls `dbt parse` by name)."""
    import sys

    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


@cache
def dbt_project() -> DbtProject:
    """The dbt project; its manifest is (re)parsed when missing or older than the project's files."""
    _venv_on_path()
    project = DbtProject(project_dir=TRANSFORMS_DIR, profiles_dir=TRANSFORMS_DIR)
    if _manifest_stale(project.manifest_path):
        project.preparer.prepare(project)
    return project


def _manifest_stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    watched = [p for pattern in ("models/**/*", "macros/**/*", "tests/**/*", "seeds/**/*", "*.yml")
               for p in TRANSFORMS_DIR.glob(pattern) if p.is_file()]
    return any(p.stat().st_mtime > built for p in watched)


def dbt_resource() -> DbtCliResource:
    os.environ.setdefault("SCN_HOME", str(Path(os.environ.get("SCN_HOME", ".scn")).resolve()))
    import shutil
    import sys

    venv_dbt = Path(sys.executable).parent / "dbt"
    executable = str(venv_dbt) if venv_dbt.exists() else (shutil.which("dbt") or "dbt")
    return DbtCliResource(project_dir=dbt_project(), profiles_dir=str(TRANSFORMS_DIR), dbt_executable=executable)


TRANSLATOR = ScnDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
