"""What the warehouse was last built from (``warehouse.dbt-state.json``: the dbt project's fingerprint, the home,
each lake table's parts), and whether a build may be per city. Light: no Dagster or dbt import, so a `scn run`
with nothing new can check it."""

import hashlib
import json
from pathlib import Path
from typing import Any

from scn.hashing import tree_stamp
from scn.settings import settings

TRANSFORMS_DIR = Path(__file__).resolve().parents[2] / "transforms"


def project_files() -> list[Path]:
    """The files that define the dbt project (models, macros, tests, seeds, project and profile yml), sorted."""
    return sorted(p for pattern in ("models/**/*", "macros/**/*", "tests/**/*", "seeds/**/*", "*.yml")
                  for p in TRANSFORMS_DIR.glob(pattern) if p.is_file())


def project_fingerprint() -> str:
    """Hash of the project's files and of the vars every row depends on: a per-city incremental build is only
    valid on a warehouse built with the same fingerprint (otherwise unchanged cities' rows are stale)."""
    digest = hashlib.sha256(json.dumps({"min_group": settings().min_group}).encode())
    for p in project_files():
        digest.update(str(p.relative_to(TRANSFORMS_DIR)).encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def lake_fingerprints() -> dict[str, str]:
    """lake table -> fingerprint of its parts' ``tree_stamp`` (names, sizes, modification and change times,
    inodes): a part rewritten within one mtime tick still changes it."""
    root = settings().paths.lake
    out = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []:
        text = json.dumps(tree_stamp(folder, "part-*.parquet"))
        out[folder.name] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out


def state_path() -> Path:
    """What the last successful build was built from (project fingerprint, lake tables' parts): next to the
    warehouse."""
    return settings().paths.warehouse.with_name("warehouse.dbt-state.json")


def read_state() -> dict[str, Any]:
    """The state of the last successful build; {} when there is none (or it is damaged)."""
    path = state_path()
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        return {}


def write_state(state: dict[str, Any]) -> None:
    state_path().write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")


def warehouse_current() -> bool:
    """Was the warehouse last built whole by this project (files and vars) in this home? Otherwise a build must
    rebuild every model: the views name the lake by its path (a moved or copied home would read the old one),
    and a model whose SQL or vars changed is stale until rebuilt, whatever data is new."""
    built = read_state()
    return built.get("project") == project_fingerprint() and built.get("home") == str(settings().home)
