"""A per-city dbt build that did not rebuild int_activities records the earliest planned activity of the state it
started from, without opening the warehouse (opening it to re-read an unchanged table cost ~1 s of every
incremental `scn run`); a build that rebuilt it reads the warehouse, as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.support.cli import scn_home


def _warehouse(home: Path, held_from: str | None) -> None:
    from scn.settings import settings

    path = settings().paths.warehouse
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create table int_activities (held_from date, planned boolean)")
        if held_from:
            con.execute("insert into int_activities values (?, true)", [held_from])


def test_int_activities_not_rebuilt_keeps_the_recorded_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assets.transforms import state
    from scn.settings import override

    with scn_home(tmp_path / "home"), override(as_of=date(2026, 4, 9)):
        _warehouse(tmp_path, "2026-05-01")  # differs from the recorded start: a read of it would show
        built = {"as_of": "2026-03-01", "planned_until": "2026-04-10"}
        assert state.as_of_state_after(built, {"city_month", "area_month"}) == \
            {"as_of": "2026-04-09", "planned_until": "2026-04-10"}
        assert state.as_of_state_after({"as_of": "2026-03-01", "planned_until": None}, {"city_month"}) == \
            {"as_of": "2026-04-09", "planned_until": None}
        # rebuilt, or no start recorded (a state written before it was): the warehouse says
        assert state.as_of_state_after(built, {"city_month", "int_activities"})["planned_until"] == "2026-05-01"
        assert state.as_of_state_after({"as_of": "2026-03-01"}, {"city_month"})["planned_until"] == "2026-05-01"
        assert state.as_of_state_after({}, set())["planned_until"] == "2026-05-01"
        monkeypatch.setattr(state, "as_of_state", lambda warehouse=None: pytest.fail("warehouse opened"))
        state.as_of_state_after(built, {"city_month"})
