"""The production profile: a real local PostgreSQL (Debian's postgresql, started here) holds Dagster's run,
event-log and schedule storage while the pipeline runs on the demo world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from tests.support.cli import REPO, scn, unit_tests_passed
from tests.support.postgres import running_postgres


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_postgres(tmp_path_factory.mktemp("pg")) as url:
        yield url


def test_pipeline_runs_on_postgres_storage(postgres: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"SCN_DAGSTER_YAML": str(REPO / "deploy" / "dagster.postgres.yaml"), "SCN_PG_URL": postgres}
    scn("demo", "--seed", "5", "--size", "small", home=home, env=env)
    unit_tests_passed(home)  # dbt's unit tests test the SQL, not the storage: the whole build skips them
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
