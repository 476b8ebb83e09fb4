"""The Dagster instance lives in $SCN_HOME/dagster (DAGSTER_HOME), configured from the repo's dagster.yaml
(or ``SCN_DAGSTER_YAML``, e.g. deploy/dagster.postgres.yaml)."""

import shutil
from pathlib import Path

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef

from scn.settings import paths, settings

REPO_ROOT = Path(__file__).resolve().parents[1]


def instance_yaml_source() -> Path:
    """The instance config to install: ``SCN_DAGSTER_YAML`` or the repo's dagster.yaml."""
    return settings().dagster_yaml or REPO_ROOT / "dagster.yaml"


def prepare_dagster_home() -> Path:
    """Create DAGSTER_HOME under $SCN_HOME and install the instance config there. Idempotent."""
    home = paths().ensure().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    src = instance_yaml_source()
    dst = home / "dagster.yaml"
    if not dst.exists() or dst.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dst)
    return home


def _overrides(config: dict) -> dict:
    """A PostgreSQL URL from the settings, with the psycopg2 driver named (``Settings.pg_url_psycopg2``)."""
    postgres = (config.get("storage") or {}).get("postgres") or {}
    if "postgres_url" in postgres and settings().pg_url:
        return {"storage": {"postgres": {"postgres_url": settings().pg_url_psycopg2}}}
    return {}


def scn_instance() -> DagsterInstance:
    """The platform's Dagster instance (the one `make ui` shows), without touching the environment."""
    home = prepare_dagster_home()
    config = yaml.safe_load((home / "dagster.yaml").read_text()) or {}
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides=_overrides(config)))
