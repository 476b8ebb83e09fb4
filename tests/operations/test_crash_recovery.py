"""A run killed with SIGKILL mid-materialization, then re-run, leaves marts identical to an uninterrupted run."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import duckdb

from tests.support.cli import BIN, DEMO_SEED, scn, scn_env
from tests.support.marts import MARTS


def _canonical(row: tuple) -> str:
    # DuckDB's parallel aggregation may sum floats in a different order from run to run: compare floats to
    # 10 significant digits, everything else exactly
    return repr(tuple(f"{v:.10g}" if isinstance(v, float) else v for v in row))


def mart_hashes(warehouse: Path) -> dict[str, str]:
    """Content hash of every mart, independent of row order and of float summation order."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        marts = [m for m in MARTS if m in built]
        for mart in marts:
            rows = con.execute(f"select * from {mart}").fetchall()
            digest = hashlib.sha256()
            for row in sorted(_canonical(r) for r in rows):
                digest.update(row.encode())
            out[mart] = f"{len(rows)}:{digest.hexdigest()[:16]}"
    return out


def _kill_when(home: Path, proc: subprocess.Popen, ready, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if ready(home):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return "killed"
        time.sleep(0.2)
    return "finished" if proc.poll() is not None else "timeout"


def test_sigkill_then_rerun_gives_identical_marts(demo_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "crash"
    scn("demo", "--seed", str(DEMO_SEED), "--size", "small", home=home)
    env = scn_env(home)
    # kill while the lake is half written (some posts parts landed, the warehouse not yet built)
    proc = subprocess.Popen([str(BIN / "scn"), "run"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    state = _kill_when(home, proc, lambda h: any((h / "lake" / "posts").glob("part-*.parquet")))
    assert state == "killed", state
    # kill again during the dbt build
    proc = subprocess.Popen([str(BIN / "scn"), "run"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    state = _kill_when(home, proc, lambda h: (h / "warehouse.duckdb").exists())
    assert state in ("killed", "finished"), state
    scn("run", home=home)
    assert mart_hashes(home / "warehouse.duckdb") == mart_hashes(demo_home / "warehouse.duckdb")
