"""The production profile: a real local PostgreSQL (Debian's postgresql, started here) holds Dagster's run,
event-log and schedule storage while the pipeline runs on the demo world."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from tests.support.cli import REPO, scn
from tests.support.servers import free_port


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert versions, "PostgreSQL is not installed: `make test` installs Debian's postgresql"
    return versions[-1].parent


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    bin_dir = _pg_bin()
    root = tmp_path_factory.mktemp("pg")
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        root.parent.chmod(0o755)
        for parent in root.parents:
            if parent == Path("/tmp") or parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o005)
    port = free_port()
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "pg.log"), "-w",
                                 "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1", "start"]),
                   check=True, capture_output=True)
    try:
        # psycopg2 >= 2.9 opens a transaction in `with connection` even in autocommit; CREATE DATABASE refuses that
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


def test_pipeline_runs_on_postgres_storage(postgres: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"SCN_DAGSTER_YAML": str(REPO / "deploy" / "dagster.postgres.yaml"), "SCN_PG_URL": postgres}
    scn("demo", "--seed", "5", "--size", "small", home=home, env=env)
    scn("run", home=home, env=env)
    assert (home / "serving" / "current" / "manifest.json").exists()
    assert not (home / "dagster" / "history").exists(), "SQLite storage was used instead of PostgreSQL"
    with psycopg2.connect(postgres) as con:
        cur = con.cursor()
        cur.execute("select status, count(*) from runs group by status")
        statuses = dict(cur.fetchall())
        cur.execute("select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'")
        materializations = cur.fetchone()[0]
    assert statuses.get("SUCCESS", 0) >= 1 and not statuses.get("FAILURE"), statuses
    assert materializations >= 30
