"""A run killed with SIGKILL mid-materialization, then re-run, leaves marts identical to an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.support.cli import BIN, DEMO_SEED, scn, scn_env, unit_tests_passed
from tests.support.marts import mart_hashes


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
    unit_tests_passed(home)  # dbt's unit tests test the SQL, not this run: the whole builds skip them
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
    unit_tests_passed(home)  # a build killed half-way removed the state (and its record of them): added back
    scn("run", home=home)
    assert mart_hashes(home / "warehouse.duckdb") == mart_hashes(demo_home / "warehouse.duckdb")
