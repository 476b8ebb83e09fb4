"""The Dagster code location loads dagster-dbt without dbt-core's Python modules (assets/transforms/dbt_lib.py),
and the asset graph it builds is the one dagster-dbt builds with them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.cli import REPO, scn_env

# the asset graph as Dagster resolves it: every key with its parents, group, checks, partitions, tags, metadata
# names and code version; the last line says which dbt-core modules the process holds
DUMP = """
import json, sys, warnings
warnings.simplefilter("ignore")
if sys.argv[1] == "dbt-core-first":
    import dbt.version  # a process that imported dbt-core before: dagster-dbt's dbt-core path
from orchestration.definitions import defs
g = defs.resolve_asset_graph()
graph = {k.to_user_string(): {"parents": sorted(p.to_user_string() for p in g.get(k).parent_keys),
                              "group": g.get(k).group_name,
                              "checks": sorted(c.to_user_string() for c in g.get(k).check_keys),
                              "partitions": str(g.get(k).partitions_def), "tags": g.get(k).tags,
                              "metadata": sorted(g.get(k).metadata), "code_version": g.get(k).code_version}
         for k in g.get_all_asset_keys()}
defs.resolve_implicit_global_asset_job_def()
print(json.dumps(graph, sort_keys=True, default=str))
print(json.dumps(sorted(m for m in sys.modules if m == "dbt" or m.startswith("dbt."))))
"""


def dump(home: Path, mode: str) -> tuple[dict, list[str]]:
    proc = subprocess.run([sys.executable, "-c", DUMP, mode], cwd=REPO, env=scn_env(home), capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    graph, modules = proc.stdout.strip().splitlines()[-2:]
    return json.loads(graph), json.loads(modules)


def test_the_code_location_loads_without_dbt_core_and_builds_the_same_graph(tmp_path: Path) -> None:
    """dbt-core's modules cost ~1.3 CPU s of every process that loads the definitions (an incremental `scn run`,
    the webserver, the daemon); dbt itself runs as a subprocess. Loaded without them, the graph is the one
    dagster-dbt builds with them: every asset, dependency, group, check (data and unit tests), tag and metadata
    name."""
    without, modules = dump(tmp_path, "plain")
    assert modules == [], f"the definitions imported dbt-core: {modules[:10]}"
    with_core, modules_core = dump(tmp_path, "dbt-core-first")
    assert "dbt.version" in modules_core and "dbt.contracts.results" in modules_core  # the other path, really taken
    assert len(with_core) > 50 and sum(len(a["checks"]) for a in with_core.values()) > 100
    assert sorted(without) == sorted(with_core)
    differing = {k: (without[k], with_core[k]) for k in with_core if without[k] != with_core[k]}
    assert not differing, json.dumps(differing, default=str)[:3000]
