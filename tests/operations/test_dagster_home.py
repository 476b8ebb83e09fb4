"""`make ui` prepares the Dagster instance and then starts the daemon and the webserver at once. On a fresh SQLite
home both created the storage's tables, and the second failed with "table asset_daemon_asset_evaluations already
exists" (what stopped a CI run's scheduled-collection world). Preparing the home now creates the storage, once."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from orchestration.instance import prepare_dagster_home, scn_instance
from scn.settings import override
from tests.support.cli import BIN, REPO, scn_env

OPEN_INSTANCE = "from dagster import DagsterInstance\nwith DagsterInstance.get():\n    pass\n"


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as con:
        return {name for (name,) in con.execute("select name from sqlite_master where type = 'table'")}


def test_preparing_a_fresh_home_creates_the_storage_the_daemon_and_webserver_would_race_to_create(
        tmp_path: Path) -> None:
    with override(home=tmp_path):
        home = prepare_dagster_home()
        assert home == tmp_path / "dagster"
        assert {"jobs", "job_ticks", "asset_daemon_asset_evaluations"} <= _tables(home / "schedules" / "schedules.db")
        assert {"runs", "run_tags"} <= _tables(home / "history" / "runs.db")
        again = prepare_dagster_home()  # idempotent: a second `make ui` finds everything in place
        assert again == home
        with scn_instance() as instance:
            assert instance.get_runs() == []


def test_processes_opening_a_prepared_home_at_once_all_start(tmp_path: Path) -> None:
    env = scn_env(tmp_path)
    subprocess.run([str(BIN / "python"), "-c", "from orchestration.instance import prepare_dagster_home; "
                    "prepare_dagster_home()"], env=env, cwd=REPO, check=True, timeout=300)
    procs = [subprocess.Popen([str(BIN / "python"), "-c", OPEN_INSTANCE], env=env, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    failed = [(p.returncode, out[-3000:]) for p, out in zip(procs, outputs, strict=True) if p.returncode != 0]
    assert not failed, failed
