"""`make ui` prepares the Dagster instance and then starts the daemon and the webserver at once. On a fresh SQLite
home both created the storage's tables, and the second failed with "table asset_daemon_asset_evaluations already
exists" (what stopped a CI run's scheduled-collection world). Preparing the home now creates the storage, once."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from dagster import AssetKey, AssetMaterialization, EventLogEntry

from orchestration.instance import prepare_dagster_home, scn_instance
from orchestration.sqlite_storage import ScnSqliteEventLogStorage
from scn.settings import override, settings, use
from tests.support.cli import BIN, REPO, scn, scn_env

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


def test_the_installed_config_names_its_home_whatever_the_path(tmp_path: Path) -> None:
    home = tmp_path / 'a "quoted" home, with spaces: {2} ]'
    with override(home=home), scn_instance() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, ScnSqliteEventLogStorage)
        assert Path(storage._base_dir) == home / "dagster" / "history" / "runs"
        assert (home / "dagster" / "history" / "runs.db").exists()

        # Dagster's own processes (webserver, daemon) open it from DAGSTER_HOME
    env = scn_env(home)
    probe = ("from dagster import DagsterInstance\nwith DagsterInstance.get() as i:\n"
             "    print(type(i.event_log_storage).__name__, i.event_log_storage._base_dir)\n")
    out = subprocess.run([str(BIN / "python"), "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == f"ScnSqliteEventLogStorage {home / 'dagster' / 'history' / 'runs'}"


@pytest.mark.parametrize("name", ["a?b", "a%20b", "a%2Fb", "a#b", "a[1]", "a*", "a\\b"])
def test_a_home_a_sqlite_url_would_not_keep_is_refused_before_anything_is_written(tmp_path: Path, name: str) -> None:
    """Dagster opens its SQLite files by ``sqlite:///<path>`` URL: ``?`` ended the path ("no such table:
    event_logs" after creating a truncated folder) and ``%20`` opened ``a b``, another folder (another home's
    instance, when it exists; a backslash is a folder separator in DuckDB's patterns); dbt-duckdb names the warehouse's catalog from its path by ``urlparse``, where ``#``
    cut it ("unterminated quoted identifier"); Dagster's own processes read ``$DAGSTER_HOME/dagster.yaml`` as a
    glob pattern, so in a home named ``a[1]`` they found no config and ran on default storage without the
    instance's run limits, and ``a*`` merged other homes' configs. `scn` refuses such a home with one line naming
    it, before writing anything."""
    other = tmp_path / "a b"  # what "a%20b" decodes to: a neighbour home that must stay untouched
    other.mkdir()
    home = tmp_path / name
    proc = scn("run", home=home, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.startswith(f"scn: SCN_HOME: {home}: a home path may not hold "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not home.exists() and list(other.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["a b"]  # nor a truncated "a" folder
    with pytest.raises(ValueError, match="may not hold"), override(home=home):
        pass
    before = settings().home
    with pytest.raises(ValueError, match="may not hold"):
        use(home=home)  # a server started for such a home: refused, and the process's settings stay as they were
    assert settings().home == before


def test_scn_analyse_reads_its_files_whatever_the_home(tmp_path: Path) -> None:
    """`scn analyse PANEL` reads the files it is given and nothing of a home: a refused home does not stop it."""
    missing = tmp_path / "panel.csv"
    proc = scn("analyse", str(missing), home=tmp_path / "a?b", check=False)
    assert proc.returncode == 2 and "SCN_HOME" not in proc.stderr
    assert proc.stderr.startswith("scn analyse: ") and str(missing) in proc.stderr, proc.stderr


def _entry(run_id: str, message: str) -> EventLogEntry:
    return EventLogEntry(error_info=None, level=logging.INFO, user_message=message, run_id=run_id,
                         timestamp=time.time(), step_key=None, job_name=None, dagster_event=None)


def _wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_run_s_events_reach_a_watcher_as_they_are_stored(tmp_path: Path) -> None:
    """The Dagster UI follows a running run by watching its event file change (another process writes it). The
    cheaper storage must keep that: a run's file is checkpointed after each transaction, whatever it keeps open."""
    with override(home=tmp_path), scn_instance() as writer, scn_instance() as watcher:
        seen: list[str] = []
        run_id = "run-followed-live"
        writer.event_log_storage.store_event(_entry(run_id, "first"))  # the run's file exists before the watch
        def callback(entry, _cursor):
            seen.append(entry.user_message)

        watcher.event_log_storage.watch(run_id, None, callback)
        try:
            for message in ("second", "third", "fourth"):
                writer.event_log_storage.store_event(_entry(run_id, message))
                assert _wait_for(lambda m=message: m in seen), (message, seen)  # each before the next is stored
        finally:
            watcher.event_log_storage.end_watch(run_id, callback)
        assert seen[-3:] == ["second", "third", "fourth"]


def test_event_writes_skip_the_fsync_and_other_instances_read_them_at_once(tmp_path: Path) -> None:
    with override(home=tmp_path), scn_instance() as writer, scn_instance() as reader:
        storage = writer.event_log_storage
        with storage.index_connection() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        with storage.run_connection("some-run") as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
        for n in range(3):
            writer.report_runless_asset_event(AssetMaterialization("scratch_table", metadata={"n": n}))
            latest = reader.get_latest_materialization_event(AssetKey("scratch_table"))  # a fresh reader's view
            assert latest is not None and latest.asset_materialization.metadata["n"].value == n
        kept = dict(storage._engines)
        assert {"index", "some-run"} <= kept.keys(), "the index's and the last runs' connections are kept"
        storage._pid = os.getpid() + 1  # as in a forked child (a Celery worker): it opens its own connections
        with storage.index_connection() as conn:
            assert conn.exec_driver_sql("select count(*) from event_logs").scalar() >= 3
        assert storage._pid == os.getpid() and list(storage._engines) == ["index"]  # the parent's: none used
        assert storage._engines["index"] is not kept["index"]
        storage.dispose()
        assert not storage._engines


def test_kept_run_files_are_bounded_and_read_by_others_while_open(tmp_path: Path) -> None:
    """A process keeps the connections of its last ``KEPT_RUNS`` runs' files: their events sit in each file's
    write-ahead log, which another instance reads at once; a file dropped from the kept ones, deleted events and a
    wipe are each whole."""
    from orchestration.sqlite_storage import KEPT_RUNS

    with override(home=tmp_path), scn_instance() as writer, scn_instance() as reader:
        storage = writer.event_log_storage
        runs = [f"run-{n}" for n in range(KEPT_RUNS + 3)]
        for n in range(3):
            for run_id in runs:
                storage.store_event(_entry(run_id, f"{run_id}/{n}"))
                assert len([k for k in storage._engines if k != "index"]) <= KEPT_RUNS
        for run_id in runs:
            got = [e.user_message for e in reader.all_logs(run_id)]
            assert got == [f"{run_id}/{n}" for n in range(3)], (run_id, got)
        assert not (tmp_path / "dagster" / "history" / "runs" / f"{runs[0]}.db-wal").exists()  # dropped: checkpointed
        storage.delete_events(runs[-1])
        assert reader.all_logs(runs[-1]) == [] and len(reader.all_logs(runs[-2])) == 3
        storage.store_event(_entry(runs[-1], "after"))
        assert [e.user_message for e in reader.all_logs(runs[-1])] == ["after"]
        storage.wipe()  # removes the run files (another instance that had opened one would find it empty)
        assert all(writer.all_logs(r) == [] for r in runs)
        storage.store_event(_entry(runs[0], "after the wipe"))
        assert [e.user_message for e in writer.all_logs(runs[0])] == ["after the wipe"]
