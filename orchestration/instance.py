"""The Dagster instance lives in $SCN_HOME/dagster (DAGSTER_HOME), configured from the repo's dagster.yaml
(or ``SCN_DAGSTER_YAML``, e.g. deploy/dagster.postgres.yaml)."""

from pathlib import Path

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef

from scn.hashing import copy_atomic
from scn.locks import exclusive
from scn.settings import paths, settings

REPO_ROOT = Path(__file__).resolve().parents[1]


def instance_yaml_source() -> Path:
    """The instance config to install: ``SCN_DAGSTER_YAML`` or the repo's dagster.yaml."""
    return settings().dagster_yaml or REPO_ROOT / "dagster.yaml"


def prepare_dagster_home() -> Path:
    """Create DAGSTER_HOME under $SCN_HOME, install the instance config there and create the instance's storage.
    Idempotent.

    The storage is created here, once and under a lock, because the daemon and the webserver started next would
    each create it: on a fresh SQLite home the second one fails with "table ... already exists"."""
    with scn_instance():
        pass
    return paths().dagster_home


def scn_instance() -> DagsterInstance:
    """The platform's Dagster instance (the one `make ui` shows), without touching the environment."""
    home = _install_config()
    with exclusive(home / ".prepare.lock"):
        return _open(home)


def _install_config() -> Path:
    home = paths().ensure().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    src = instance_yaml_source()
    dst = home / "dagster.yaml"
    if not dst.exists() or dst.read_bytes() != src.read_bytes():
        copy_atomic(src, dst)  # a process reading the config meanwhile sees the old file or the new one
    return home


def _open(home: Path) -> DagsterInstance:
    config = yaml.safe_load((home / "dagster.yaml").read_text()) or {}
    return DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides=_overrides(config, home)))


def _overrides(config: dict, home: Path) -> dict:
    """A PostgreSQL URL from the settings, with the psycopg2 driver named (``Settings.pg_url_psycopg2``); or, for
    a custom storage whose ``base_dir`` is ``{env: DAGSTER_HOME}`` (the default dagster.yaml), this home: `scn`
    opens the instance without DAGSTER_HOME in its environment, Dagster's own processes (webserver, daemon, the
    runs they launch) with it. Dagster merges overrides key by key at the top only, so the whole section goes."""
    storage = config.get("storage") or {}
    postgres = storage.get("postgres") or {}
    if "postgres_url" in postgres and settings().pg_url:
        return {"storage": {"postgres": {"postgres_url": settings().pg_url_psycopg2}}}
    custom = storage.get("custom") or {}
    if (custom.get("config") or {}).get("base_dir") == {"env": "DAGSTER_HOME"}:
        return {"storage": {"custom": {**custom, "config": {**custom["config"], "base_dir": str(home.resolve())}}}}
    return {}
