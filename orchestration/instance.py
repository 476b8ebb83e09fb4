"""The Dagster instance lives in $SCN_HOME/dagster (DAGSTER_HOME), configured from the repo's dagster.yaml."""


import os
import shutil
from pathlib import Path

from scn.config import paths

REPO_ROOT = Path(__file__).resolve().parents[1]


def instance_yaml_source() -> Path:
    """The instance config to install: ``$SCN_DAGSTER_YAML`` or the repo's dagster.yaml."""
    return Path(os.environ.get("SCN_DAGSTER_YAML", REPO_ROOT / "dagster.yaml"))


def prepare_dagster_home() -> Path:
    """Create DAGSTER_HOME under $SCN_HOME, install dagster.yaml there, export DAGSTER_HOME. Idempotent."""
    home = paths().ensure().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    src = instance_yaml_source()
    dst = home / "dagster.yaml"
    if not dst.exists() or dst.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dst)
    os.environ["DAGSTER_HOME"] = str(home)
    pg_url = os.environ.get("SCN_PG_URL", "")
    if pg_url.startswith(("postgresql://", "postgres://")):
        # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, which dagster-postgres cannot use (it sends
        # NOTIFY with bound parameters): name the psycopg2 driver it is built for
        os.environ["SCN_PG_URL"] = "postgresql+psycopg2://" + pg_url.split("://", 1)[1]
    return home
