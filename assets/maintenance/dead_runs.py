"""Runs whose process died (kill -9, a power cut, an out-of-memory kill) stay STARTED in the instance for ever; with
``max_concurrent_runs: 1`` the run queue then never launches another run. ``fail_dead_runs`` marks such runs
failed: a STARTED run is dead when every process it recorded on this machine is gone (the ``scn/pid`` tag of a
`scn run`, the pids of its engine events for runs the daemon launched). Run by `scn run` before it starts and by
the inbox sensor (every 30 s in the daemon). Runs launched elsewhere (Kubernetes) are left to that launcher's run
monitoring."""

from __future__ import annotations

import os
import socket

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.launcher import DefaultRunLauncher

PID_TAG, HOST_TAG = "scn/pid", "scn/host"


def run_process_tags() -> dict[str, str]:
    """Tags naming this process, for a run executed in it."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a pid: never declared dead
    return True


def _pids(instance: DagsterInstance, run) -> list[int] | None:
    """The processes a run recorded on this machine (None: not known here, e.g. another host's run)."""
    tags = run.tags
    if PID_TAG in tags:
        if tags.get(HOST_TAG) != socket.gethostname() or not str(tags[PID_TAG]).isdigit():
            return None
        return [int(tags[PID_TAG])]
    if not isinstance(instance.run_launcher, DefaultRunLauncher):
        return None
    pids = []
    for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.engine_event_data if entry.dagster_event else None
        value = (data.metadata or {}).get("pid") if data else None
        text = str(getattr(value, "value", value)) if value is not None else ""
        if text.isdigit():
            pids.append(int(text))
    return pids or None


_seen: dict[str, list[int]] = {}  # run id -> the pids its engine events named when last read (sensor ticks)


def _known_pids(instance: DagsterInstance, run) -> list[int] | None:
    """``_pids``, the engine events read once per run while any process they named is alive (a long run is not
    read again at every sensor tick), and read afresh before a run is declared dead."""
    cached = _seen.get(run.run_id)
    if cached and any(_alive(p) for p in cached):
        return cached
    pids = _pids(instance, run)
    if pids and PID_TAG not in run.tags:
        _seen[run.run_id] = pids
    return pids


def fail_dead_runs(instance: DagsterInstance) -> list[str]:
    """Mark failed every STARTED run all of whose processes on this machine are gone; their ids."""
    failed, started = [], set()
    for record in instance.get_run_records(RunsFilter(statuses=[DagsterRunStatus.STARTED])):
        run = record.dagster_run
        started.add(run.run_id)
        pids = _known_pids(instance, run)
        if pids and not any(_alive(p) for p in pids):
            instance.report_run_failed(run, f"the run's process ({', '.join(map(str, pids))}) is gone: killed or "
                                            "crashed; marked failed so the run queue goes on")
            failed.append(run.run_id)
    for run_id in set(_seen) - (started - set(failed)):
        del _seen[run_id]  # finished runs leave the cache
    return failed
