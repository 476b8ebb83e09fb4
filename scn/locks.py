"""One exclusive lock per file, held across processes (``flock``) and threads; re-entrant in the thread that holds
it. The platform's read-then-write sequences (the lake's ingest, the review store, the users file, the dbt
manifest, the Dagster instance's storage) all take their lock here."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_guard = threading.Lock()
_threads: dict[Path, threading.RLock] = {}  # lock file -> the lock this process's threads queue on
_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, depth) while this process holds it


def _thread_lock(path: Path) -> threading.RLock:
    with _guard:
        return _threads.setdefault(path, threading.RLock())


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the lock on ``path`` (created 0600 if missing; its folder must exist) until the block ends.

    Other processes wait on the ``flock``, other threads of this process on a lock of their own; a thread that
    already holds it enters again without waiting. The ``flock`` goes with its descriptor, so a process that dies
    releases it."""
    path = Path(os.path.abspath(path))
    with _thread_lock(path):
        fd, depth = _held.get(path, (-1, 0))
        if depth == 0:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        _held[path] = (fd, depth + 1)
        try:
            yield
        finally:
            if depth == 0:
                del _held[path]
                os.close(fd)  # releases the flock
            else:
                _held[path] = (fd, depth)
