"""``scn.locks.exclusive``, the one lock of the lake's ingest, the review store, the users file, the dbt manifest and
the Dagster home: other threads and other processes wait; the holding thread enters again; a dead holder frees it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from scn.locks import exclusive

TRY_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(3)
"""
HOLD_UNTIL_KILLED = """
import sys, time
from scn.locks import exclusive
with exclusive(sys.argv[1]):
    print("held", flush=True)
    time.sleep(600)
"""


def _other_process_gets(path: Path) -> bool:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, str(path)], timeout=60).returncode == 0


def test_the_holding_thread_enters_again_and_other_processes_wait(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    with exclusive(path):
        with exclusive(tmp_path / "." / ".lock"):  # the same file, named otherwise
            assert not _other_process_gets(path)
        assert not _other_process_gets(path)  # leaving the inner block keeps the outer one's lock
    assert _other_process_gets(path)
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_other_threads_wait_for_the_holder(tmp_path: Path) -> None:
    path, order = tmp_path / ".lock", []

    def other() -> None:
        with exclusive(path):
            order.append("other")

    with exclusive(path):
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)
        order.append("holder")
    thread.join(timeout=30)
    assert order == ["holder", "other"]


def test_a_holder_that_dies_frees_the_lock(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_UNTIL_KILLED, str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not _other_process_gets(path)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    with exclusive(path):
        pass
