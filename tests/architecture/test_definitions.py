"""The Dagster code location loads fast and is one graph: every asset from the ingested lake tables through the
dbt models to the serving snapshot, each with a group and a description."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.cli import scn_home

LOAD_SECONDS = 5.0
SNAPSHOT = "serving/snapshot"
# in a fresh interpreter: the frameworks first (dagster, dagster-dbt and dbt-core: a fixed cost of the libraries,
# reported), then what this project adds on top of them (asserted). CPU seconds are asserted (a busy machine
# stretches wall time, not CPU time); wall seconds are printed beside them. Last line: the heavy libraries loaded.
MEASURE = ("import sys, time; w, c = time.perf_counter(), time.process_time(); import dagster, dagster_dbt; "
           "lib = (time.perf_counter() - w, time.process_time() - c); w, c = time.perf_counter(), time.process_time(); "
           "from orchestration.definitions import defs; defs.resolve_asset_graph(); "
           "print(*lib, time.perf_counter() - w, time.process_time() - c); "
           "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in HEAVY and '.' not in m)))")
# libraries a step imports when it runs, never the code location's load (webserver, daemon, sensors, every run)
HEAVY = ("pandas", "geopandas", "pandera", "sklearn", "scipy", "statsmodels", "pyfixest", "libpysal", "esda",
         "pyarrow", "shapely", "h3", "plotly", "dash")


@dataclass
class Loaded:
    graph: object  # dagster AssetGraph
    wall: float  # seconds: import orchestration.definitions + defs.resolve_asset_graph()
    cpu: float
    fresh: bool  # the module was not imported before in this process
    home: Path  # the SCN_HOME it was loaded with


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    fresh = "orchestration.definitions" not in sys.modules
    home = tmp_path_factory.mktemp("defs-home")
    with scn_home(home):
        t0, c0 = time.perf_counter(), time.process_time()
        module = importlib.import_module("orchestration.definitions")
        graph = module.defs.resolve_asset_graph()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return Loaded(graph, wall, cpu, fresh, home)


def edges(loaded: Loaded) -> dict[str, set[str]]:
    """asset key -> the keys it depends on (parents), over every key of the graph and every parent named."""
    g = loaded.graph
    out: dict[str, set[str]] = {}
    for k in g.get_all_asset_keys():
        parents = {p.to_user_string() for p in g.get(k).parent_keys}
        out.setdefault(k.to_user_string(), set()).update(parents)
        for p in parents:
            out.setdefault(p, set())
    return out


def components(deps: dict[str, set[str]]) -> list[list[str]]:
    """Connected components of the undirected graph, largest first."""
    neighbours: dict[str, set[str]] = {k: set(v) for k, v in deps.items()}
    for k, parents in deps.items():
        for p in parents:
            neighbours[p].add(k)
    seen: set[str] = set()
    out: list[list[str]] = []
    for start in sorted(neighbours):
        if start in seen:
            continue
        comp, todo = [], deque([start])
        seen.add(start)
        while todo:
            node = todo.popleft()
            comp.append(node)
            for n in neighbours[node] - seen:
                seen.add(n)
                todo.append(n)
        out.append(sorted(comp))
    return sorted(out, key=lambda c: (-len(c), c))


def upstream_of(deps: dict[str, set[str]], key: str) -> set[str]:
    found, todo = {key}, [key]
    while todo:
        for parent in deps.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def test_loads_in_under_five_seconds(loaded: Loaded) -> None:
    """What the project adds to the frameworks' own import time stays under five seconds (the webserver, the
    daemon and every run pay it), and none of the heavy libraries the steps use is imported to load it; the
    frameworks' share is printed beside it."""
    env = {**os.environ, "SCN_HOME": str(loaded.home), "DAGSTER_HOME": str(loaded.home / "dagster")}
    code = f"HEAVY = {HEAVY!r}; " + MEASURE
    proc = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).resolve().parents[2], env=env, check=True)
    *_, times, heavy, _ = proc.stdout.split("\n")  # the last line (heavy libraries) may be empty
    lib_wall, lib_cpu, own_wall, own_cpu = (float(x) for x in times.split())
    print(f"fresh interpreter: dagster + dagster-dbt {lib_wall:.2f} s wall / {lib_cpu:.2f} s CPU, then "
          f"orchestration.definitions + resolve_asset_graph() {own_wall:.2f} s wall / {own_cpu:.2f} s CPU; "
          f"in this process {loaded.wall:.2f} s; heavy libraries loaded: {heavy or 'none'}")
    assert not heavy.split(), f"loading the code location imports {heavy}: import them inside the step bodies"
    assert own_cpu < LOAD_SECONDS, f"loading the code location took {own_cpu:.2f} s CPU on top of the " \
                                   f"frameworks' {lib_cpu:.2f} s, more than {LOAD_SECONDS:.0f} s"


def test_one_connected_asset_graph(loaded: Loaded) -> None:
    deps = edges(loaded)
    assert SNAPSHOT in deps and any(k.startswith("warehouse/") for k in deps), sorted(deps)
    comps = components(deps)
    detail = "\n".join(f"  component {i} ({len(c)} assets): {', '.join(c)}" for i, c in enumerate(comps, 1))
    print(detail)
    assert len(comps) == 1, f"the asset graph falls apart into {len(comps)} pieces:\n{detail}"


def test_every_ingested_lake_table_reaches_the_serving_snapshot(loaded: Loaded) -> None:
    g, deps = loaded.graph, edges(loaded)
    ingest = sorted(k.to_user_string() for k in g.get_all_asset_keys()
                    if k.path[0] == "lake" and len(k.path) == 2 and g.get(k).group_name == "ingest")
    assert {"lake/cities", "lake/areas", "lake/posts", "lake/crimes", "lake/survey_responses"} <= set(ingest), ingest
    feeding = upstream_of(deps, SNAPSHOT)
    cut_off = [k for k in ingest if k not in feeding]
    assert not cut_off, f"no path from {cut_off} to {SNAPSHOT} (upstream of it: {sorted(feeding)})"


def test_every_asset_has_a_group_and_a_description(loaded: Loaded) -> None:
    g = loaded.graph
    bare = []
    for k in sorted(g.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = g.get(k)
        missing = []
        if not node.group_name or node.group_name == "default":  # dagster's name for "no group given"
            missing.append("group")
        if not (node.description or "").strip():
            missing.append("description")
        if missing:
            bare.append(f"{k.to_user_string()}: no {' and no '.join(missing)}")
    assert not bare, "assets without a group or a description:\n  " + "\n  ".join(bare)
