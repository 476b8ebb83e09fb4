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


def test_a_daemon_launched_run_is_judged_by_its_engine_events_read_once_while_alive(tmp_path: Path) -> None:
    """A run the daemon launched names its processes in engine events (``pid``); the sensor (every 30 s) reads
    them once while they live, and again before it declares the run dead."""
    from dagster import MetadataValue
    from dagster._core.events import EngineEventData

    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        with scn_home(tmp_path / "home"):
            instance = scn_instance()
            run_id = _started(instance, {})
            run = instance.get_run_by_id(run_id)
            instance.report_engine_event("Started process for run", run,
                                         EngineEventData(metadata={"pid": MetadataValue.text(str(worker.pid))}))
            reads: list[str] = []
            real = instance.all_logs

            def counted(rid, of_type=None):  # noqa: ANN001, ANN202
                reads.append(rid)
                return real(rid, of_type=of_type)
            instance.all_logs = counted
            for _ in range(3):
                assert fail_dead_runs(instance) == []
            assert reads == [run_id]  # read once, not at every tick
            worker.kill()
            worker.wait()
            assert fail_dead_runs(instance) == [run_id]
            assert reads == [run_id, run_id]  # read afresh before declaring it dead
            assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    finally:
        worker.kill()
