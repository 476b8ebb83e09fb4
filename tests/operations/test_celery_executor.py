"""Scale-out on Celery, launched like production: the demo world's files in the inbox, the daily full run
(`full_refresh` over every city) submitted to the instance's run queue with `dagster job launch`, the daemon starts
it with the celery executor (SCN_EXECUTOR=celery, deploy/celery/dagster.yaml: PostgreSQL instance storage), and its
steps run on two Celery workers over a Redis broker. The marts equal those
of an in-process `scn run` of the same inputs, independent steps run in parallel on both workers, and no two
warehouse writers (steps tagged scn/writes-warehouse, limited by the instance's `duckdb_warehouse` pool) overlap."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from itertools import combinations
from pathlib import Path

import pytest
from dagster import AssetsDefinition, DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from assets.ingest.partitions import range_tags, register_inbox_cities
from assets.transforms.assets import WAREHOUSE_POOL
from orchestration.instance import scn_instance
from scn.settings import override
from tests.support.celery_workers import running_celery_workers, running_redis
from tests.support.cli import BIN, DEMO_SEED, REPO, scn, scn_env, unit_tests_passed
from tests.support.dagster_ui import running_daemon
from tests.support.marts import mart_hashes
from tests.support.postgres import running_postgres
from tests.support.servers import wait_for

PROFILE = REPO / "deploy" / "celery" / "dagster.yaml"
WRITES_WAREHOUSE = "scn/writes-warehouse"
WORKERS = ("w1", "w2")
# the test itself is the other warehouse writer: it holds the pool's one slot until the run's writer waits for it
HOLDER = ("scn-test-other-writer", "holds-the-warehouse")
STEP_ENDS = (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE)
# bound of each wait on a loaded machine (every process loads the code location; a run worker and its steps too)
LOADED = 900


def _warehouse_writers() -> set[str]:
    """Step keys of the assets tagged scn/writes-warehouse (their ops)."""
    from orchestration.definitions import defs

    return {a.op.name for a in defs.assets if isinstance(a, AssetsDefinition) and a.op.tags.get(WRITES_WAREHOUSE)}


def _steps(instance: DagsterInstance, run_id: str) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Per step of a run: (start, end) times from its STEP_START and STEP_SUCCESS/FAILURE events, and the Celery
    worker that ran it (from the worker's "Executing steps ... in celery worker" event)."""
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    workers: dict[str, str] = {}
    for entry in instance.all_logs(run_id):
        event, step = entry.dagster_event, entry.step_key
        if event is None or step is None:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            starts[step] = min(starts.get(step, entry.timestamp), entry.timestamp)
        elif event.event_type in STEP_ENDS:
            ends[step] = max(ends.get(step, entry.timestamp), entry.timestamp)
        elif event.event_type == DagsterEventType.ENGINE_EVENT and "Celery worker" in event.engine_event_data.metadata:
            workers[step] = str(event.engine_event_data.metadata["Celery worker"].value)
    return {s: (starts[s], ends[s]) for s in starts if s in ends}, workers


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_celery_run_on_two_workers_gives_the_in_process_marts(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """The in-process run (``demo_home``) is asked for only when its marts are compared: on another worker, it is
    built meanwhile instead of before."""
    with running_postgres(tmp_path / "pg") as pg, running_redis(tmp_path / "redis") as broker:
        home = tmp_path / "home"
        scn("demo", "--seed", str(DEMO_SEED), "--size", "small", home=home)  # the inputs of demo_home
        unit_tests_passed(home)  # dbt's unit tests test the SQL, not the executor: the whole build skips them
        pg_url = "postgresql+psycopg2://" + pg.split("://", 1)[1]  # the daemon reads SCN_PG_URL as it is
        env = scn_env(home, {"SCN_DAGSTER_YAML": str(PROFILE), "SCN_PG_URL": pg_url, "SCN_EXECUTOR": "celery",
                             "SCN_CELERY_BROKER": broker})
        with override(home=home, dagster_yaml=PROFILE, pg_url=pg_url):
            instance = scn_instance()
        try:
            with override(home=home):
                cities = register_inbox_cities(instance)

            def dagster(*args: str) -> None:
                done = subprocess.run([str(BIN / "dagster"), *args, "-m", "orchestration.definitions"], env=env,
                                      cwd=REPO, capture_output=True, text=True, timeout=600)
                assert done.returncode == 0, f"dagster {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"

            # the inbox sensor would start a run of the new files' families only: this test runs the whole daily run
            dagster("sensor", "stop", "inbox_sensor")
            run_id = str(uuid.uuid4())
            dagster("job", "launch", "-j", "full_refresh", "--run-id", run_id,
                    "--tags", json.dumps({**range_tags(cities), "scn/trigger": "test"}))
            pools = instance.event_log_storage
            pools.initialize_concurrency_limit_to_default(WAREHOUSE_POOL)
            assert pools.get_concurrency_info(WAREHOUSE_POOL).slot_count == 1
            assert pools.claim_concurrency_slot(WAREHOUSE_POOL, *HOLDER).is_claimed
            held_from = time.time()
            # the daemon first: it loads the code location while the workers load theirs
            with running_daemon(home, env), running_celery_workers(WORKERS, env, home / "logs"):
                def pipeline_run():
                    runs = instance.get_runs(RunsFilter(run_ids=[run_id]))
                    if runs and runs[0].status == DagsterRunStatus.FAILURE:
                        errors = [e.dagster_event.step_failure_data.error.to_string()[:3000]
                                  for e in instance.all_logs(runs[0].run_id)
                                  if e.dagster_event and e.dagster_event.is_step_failure]
                        raise AssertionError(f"the run failed: {run_id}\n" + "\n".join(errors))
                    return runs[0] if runs else None

                def waiting_writer():  # the run's warehouse writer is ready and waits for the pool's slot
                    pipeline_run()
                    return [p for p in pools.get_concurrency_info(WAREHOUSE_POOL).pending_steps
                            if p.run_id != HOLDER[0] and p.assigned_timestamp is None]

                logs = [home / "daemon.log", *(home / "logs").glob("*.log")]
                waiting = wait_for(waiting_writer, LOADED, "the run's warehouse writer waiting for the pool", logs, 1)
                released = time.time()
                pools.free_concurrency_slot_for_step(*HOLDER)
                run = wait_for(lambda: (r := pipeline_run()) and r.is_finished and r, LOADED, "the run", logs, 1)
            assert run.status == DagsterRunStatus.SUCCESS, run.status
            assert {p.step_key for p in waiting} <= _warehouse_writers()

            intervals, workers = _steps(instance, run.run_id)
            assert set(workers) == set(intervals), "every step ran on a Celery worker"
            assert {w.split("@", 1)[0] for w in workers.values()} == set(WORKERS), workers
            parallel = [(a, b) for a, b in combinations(sorted(intervals), 2)
                        if workers[a] != workers[b] and _overlap(intervals[a], intervals[b])]
            assert parallel, "no two steps ran at the same time on the two workers"

            writers = _warehouse_writers()
            assert writers and writers <= set(intervals), (writers, sorted(intervals))
            assert all(intervals[w][0] >= released for w in writers), "a writer started while the slot was held"
            spans = [("holder", (held_from, released))]
            for other in instance.get_runs():
                spans += [(f"{other.run_id[:8]}/{s}", span) for s, span in _steps(instance, other.run_id)[0].items()
                          if s in writers]
            overlaps = [(a, b) for (a, sa), (b, sb) in combinations(spans, 2) if _overlap(sa, sb)]
            assert not overlaps, overlaps

            demo_home = request.getfixturevalue("demo_home")
            assert mart_hashes(home / "warehouse.duckdb") == mart_hashes(demo_home / "warehouse.duckdb")
        finally:
            instance.dispose()
