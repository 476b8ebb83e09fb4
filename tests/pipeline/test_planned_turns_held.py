"""A planned programme activity turns held at the first `scn run` on or after its start date, though no file is new:
the warehouse's state carries the as-of date it was built on and the start of its earliest planned activity
(assets/transforms/state.py). Was: a run with nothing new skipped dbt, and the activity stayed planned until some
file happened to arrive. The as-of date is pinned with SCN_AS_OF (dbt var as_of)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from scn.ingest.cities_known import REGISTRY
from scn.ingest.pipeline import ingest_file
from tests.support.cli import scn, scn_home, unit_tests_passed
from tests.support.programme_files import ACT, PEOPLE

BEFORE, ON, LATER = "2026-03-01", "2026-04-10", "2026-05-01"  # the planned activity starts on ON
NOTHING_NEW = "nothing new since the last run"


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _counts(home: Path) -> tuple[list[tuple], list[tuple]]:
    return (_rows(home, "select activity_id, planned from int_activities order by 1"),
            _rows(home, "select activities, people, planned_activities from programme_years "
                        "where programme_line = 'training' and year = 2026"))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("planned-held")
    files = home / "in"
    files.mkdir()
    (files / "activities.csv").write_text(ACT + "T1,training,workshop,Held,Saida,Lebanon,saida,2026-02-10,\n"
                                                f"T2,training,workshop,Next,Saida,Lebanon,saida,{ON},\n")
    (files / "participants.csv").write_text(PEOPLE + "R1,T1,jane,city_official,Saida,Lebanon,f\n"
                                                     "R2,T2,omar,city_official,Saida,Lebanon,m\n")
    with scn_home(home):
        ingest_file("cities", REGISTRY)
        ingest_file("programme", files / "activities.csv")
        ingest_file("programme", files / "participants.csv")
    unit_tests_passed(home)  # dbt's unit tests test the SQL, not the as-of date: the whole builds skip them
    return home


def test_a_planned_activity_is_held_from_the_first_run_on_its_start_date(home: Path) -> None:
    scn("run", home=home, env={"SCN_AS_OF": BEFORE})
    assert _counts(home) == ([("T1", False), ("T2", True)], [(1, 1, 1)])
    # the same day, and any day before the start: nothing new, dbt not run
    assert NOTHING_NEW in scn("run", home=home, env={"SCN_AS_OF": BEFORE}).stdout
    assert NOTHING_NEW in scn("run", home=home, env={"SCN_AS_OF": "2026-04-09"}).stdout
    # its start date: the warehouse is rebuilt, the activity and its participant count as held
    proc = scn("run", home=home, env={"SCN_AS_OF": ON})
    assert NOTHING_NEW not in proc.stdout
    assert "the warehouse was not built whole" in proc.stdout
    assert _counts(home) == ([("T1", False), ("T2", False)], [(2, 2, 0)])
    # nothing planned any more: no daily rebuild
    assert NOTHING_NEW in scn("run", home=home, env={"SCN_AS_OF": LATER}).stdout


def test_an_as_of_date_is_an_iso_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from scn.settings import as_of, settings

    monkeypatch.setenv("SCN_AS_OF", "2026-04-10")
    assert settings().as_of == date(2026, 4, 10) == as_of()
    monkeypatch.setenv("SCN_AS_OF", " ")
    assert settings().as_of is None and as_of() == date.today()
    for bad in ("10/04/2026", "1775779200", "2026-13-01"):
        monkeypatch.setenv("SCN_AS_OF", bad)
        with pytest.raises(ValueError, match="as_of"):
            settings()


def test_the_dbt_vars_carry_a_pinned_as_of_date_only() -> None:
    import json
    from datetime import date

    from assets.transforms.project import dbt_vars
    from scn.settings import override

    with override(as_of=date(2026, 4, 10)):
        assert json.loads(dbt_vars())["as_of"] == "2026-04-10"
    with override(as_of=None):
        assert "as_of" not in json.loads(dbt_vars())  # unset: dbt's current_date; the parse is reused day to day
