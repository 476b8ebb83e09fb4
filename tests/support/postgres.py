"""A real PostgreSQL server for tests (Debian's ``postgresql``, installed by `make system-deps`): a fresh cluster
on loopback with a random port and a ``dagster`` database, stopped afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2

from tests.support.servers import free_port


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert versions, "PostgreSQL is not installed: `make test` installs Debian's postgresql"
    return versions[-1].parent


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def running_postgres(root: Path) -> Iterator[str]:
    """A PostgreSQL cluster for the duration; yields the URL of its ``dagster`` database,
    ``postgresql://postgres@127.0.0.1:PORT/dagster`` (trust authentication on loopback). ``root`` (a new
    directory) receives the server's log when it stops.

    The cluster lives in a private folder of its own under the system temp directory, not under ``root``: pytest
    sets ``/tmp/pytest-of-<user>`` back to 0700 whenever another pytest session starts on the machine, and a
    server running as the ``postgres`` user under it lost its data directory mid-test."""
    bin_dir = _pg_bin()
    root.mkdir(parents=True, exist_ok=True)
    cluster = Path(tempfile.mkdtemp(prefix="scn-pg-"))
    data, sock, log = cluster / "data", cluster / "sock", cluster / "pg.log"
    sock.mkdir()
    if os.geteuid() == 0:  # initdb refuses root: the cluster runs as the postgres user, who owns its folder
        for path in (cluster, sock):
            shutil.chown(path, "postgres")
    port = free_port()
    try:
        subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                       check=True, capture_output=True)
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                                     "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1", "start"]),
                       check=True, capture_output=True)
        try:
            # psycopg2 >= 2.9 opens a transaction in `with connection` even in autocommit; CREATE DATABASE refuses
            con = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
            try:
                con.autocommit = True
                con.cursor().execute("create database dagster")
            finally:
                con.close()
            yield f"postgresql://postgres@127.0.0.1:{port}/dagster"
        finally:
            subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                           capture_output=True)
    finally:
        if log.exists():
            shutil.copyfile(log, root / "pg.log")
        shutil.rmtree(cluster, ignore_errors=True)
