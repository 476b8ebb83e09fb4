"""A `scn run` killed with -9 stayed STARTED for ever, and with max_concurrent_runs 1 the daemon's queue never
launched another run (sensor and schedule runs QUEUED for good). Dead runs are now marked failed."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from dagster import DagsterRun, DagsterRunStatus

from assets.maintenance.dead_runs import HOST_TAG, PID_TAG, fail_dead_runs, run_process_tags
from orchestration.instance import scn_instance
from tests.support.cli import scn_home


def _started(instance, tags: dict[str, str]) -> str:
    run_id = str(uuid.uuid4())
    instance.add_run(DagsterRun(job_name="__ASSET_JOB", run_id=run_id, status=DagsterRunStatus.STARTED, tags=tags))
    return run_id


def test_a_run_whose_process_is_gone_is_marked_failed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    with scn_home(tmp_path / "home"):
        instance = scn_instance()
        gone = _started(instance, {**run_process_tags(), PID_TAG: dead})
        alive = _started(instance, run_process_tags())  # this very process
        elsewhere = _started(instance, {PID_TAG: dead, HOST_TAG: "another-machine"})
        assert fail_dead_runs(instance) == [gone]
        assert instance.get_run_by_id(gone).status == DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive).status == DagsterRunStatus.STARTED
        assert instance.get_run_by_id(elsewhere).status == DagsterRunStatus.STARTED
        assert fail_dead_runs(instance) == []  # once
