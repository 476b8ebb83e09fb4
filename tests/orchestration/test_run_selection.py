"""`scn run --select`: a selection that matches nothing, or only per-city assets while no city has a file, runs
nothing. (An empty asset list reached Dagster as "no selection", i.e. every asset, in a run without city
partitions: a typo in a group name ran the whole graph and failed on the first per-city step.)"""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import scn, scn_home


def _runs(home: Path) -> int:
    from orchestration.instance import scn_instance

    with scn_home(home):
        return scn_instance().get_runs_count()


def test_a_selection_that_matches_nothing_fails_and_runs_nothing(tmp_path: Path) -> None:
    proc = scn("run", "--select", "group:no_such_group", home=tmp_path, check=False)
    assert proc.returncode == 1
    assert "matches no asset" in proc.stderr and "group:no_such_group" in proc.stderr
    assert _runs(tmp_path) == 0


def test_per_city_assets_without_any_city_run_nothing(tmp_path: Path) -> None:
    proc = scn("run", "--select", "group:enrich", home=tmp_path, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "no city has a file yet" in proc.stdout
    assert _runs(tmp_path) == 0
