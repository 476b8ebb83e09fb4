"""Incremental `scn run`, proved by behaviour: on a copy of the demo home (one full run done), files arrive one
world at a time and `scn run` materializes only the affected city partitions (Dagster's materialization events),
leaves the other cities' enriched parts as they are, and ends with marts and a published snapshot equal to a
full rebuild from scratch over the same inbox (content hashes of sorted rows).

Worlds built to break it: a copied home (its views re-pointed at its own lake) with a new file for one city; nothing new
(no run at all); a file whose rows are all already in the lake; new posts for one city; a crime file for one city;
the first file of a city the first run never saw; then no new file but network-wide settings changed (the
smallest survey group, the suppression threshold), which every city's marts, analyses and detail levels depend
on."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, EventRecordsFilter

from tests.support.cli import REPO, scn, scn_home, unit_tests_passed
from tests.support.marts import MARTS

ENRICHED = ("posts_enriched", "crimes_enriched")
# published tables that describe the run rather than the data (times, run ids, check outcomes)
RUN_TABLES = {"asset_health", "check_results", "collection_health", "ingest_warnings"}
NEW_CITY = "aarhus"  # in the registry, never in the demo inbox
# settings changed with no new data: every city's survey marts (min_group) and detail levels (suppress_below)
SETTINGS = {"SCN_MIN_GROUP": "4", "SCN_SUPPRESS_BELOW": "8"}


def frame_hash(frame: pd.DataFrame) -> str:
    """md5 of a table's rows, sorted, floats rounded to 9 decimals (DuckDB's parallel sums of doubles may differ in
    the last bits from one build to the next, whatever the data)."""
    frame = frame.copy()
    floats = frame.select_dtypes("floating").columns
    frame[floats] = frame[floats].round(9)
    rows = np.sort(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy())
    return hashlib.md5(rows.tobytes() + ",".join(frame.columns).encode()).hexdigest()


def mart_hashes(home: Path) -> dict[str, str]:
    """mart -> hash of its sorted rows."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return {m: frame_hash(con.execute(f"select * from {m}").df()) for m in MARTS}


def snapshot_hashes(home: Path) -> dict[str, str]:
    """published table -> hash of its sorted rows (the tables that describe runs left out)."""
    return {p.stem: frame_hash(pd.read_parquet(p)) for p in sorted((home / "serving" / "current").glob("*.parquet"))
            if p.stem not in RUN_TABLES}


def enriched_parts(home: Path) -> dict[str, tuple[str, int]]:
    """'<table>/<city>' -> (part file name, mtime) of the enriched tables' per-city parts."""
    return {f"{t}/{p.name.split('--')[0].removeprefix('part-')}": (p.name, p.stat().st_mtime_ns)
            for t in ENRICHED for p in (home / "lake" / t).glob("part-*--*.parquet")}


def run_and_record(home: Path, env: dict[str, str] | None = None) -> dict:
    """`scn run` on ``home`` (``env``: settings): the (asset, partition) pairs its runs materialized, the marts
    and parts after."""
    with scn_home(home), DagsterInstance.get() as instance:
        before = instance.get_event_records(EventRecordsFilter(DagsterEventType.ASSET_MATERIALIZATION), limit=1)
        after_id = before[0].storage_id if before else 0
        out = scn("run", home=home, env=env).stdout
        records = instance.get_event_records(EventRecordsFilter(DagsterEventType.ASSET_MATERIALIZATION,
                                                                after_cursor=after_id))
        done = {(r.asset_key.to_user_string(), r.partition_key) for r in records}
        runs = {r.event_log_entry.run_id for r in records}
    return {"stdout": out, "materialized": done, "marts": mart_hashes(home), "parts": enriched_parts(home),
            "snapshot": snapshot_hashes(home), "dbt_parse": dbt_parses(runs), "dbt_units": dbt_unit_tests(runs),
            "runs": runs}


def dbt_logs(run_ids: set[str]) -> list[str]:
    """The log of each dbt command of these runs."""
    # dbt rotates its log at 10 MB (dbt.log.1, ...): a whole build's parse lines may be in a rotated part
    return ["".join(f.read_text() for f in sorted(folder.glob("dbt.log*")))
            for run_id in sorted(run_ids)
            for folder in sorted((REPO / "transforms" / "target").glob(f"scn_dbt_models-{run_id[:7]}-*"))]


def dbt_parses(run_ids: set[str]) -> list[str]:
    """What dbt said of its parse in the dbt commands of these runs: "full" (parsed every file) or "reused"."""
    return ["full" if "Unable to do partial parsing" in text or "Starting full parse" in text else "reused"
            for text in dbt_logs(run_ids)]


def dbt_unit_tests(run_ids: set[str]) -> list[int]:
    """How many dbt unit tests each dbt command of these runs started."""
    return [text.count('"description": "unit_test ') for text in dbt_logs(run_ids)]


def dbt_record(home: Path) -> tuple[dict, dict]:
    """The latest materialization metadata of three marts, and the dbt state file."""
    with scn_home(home), DagsterInstance.get() as instance:
        latest = instance.get_latest_materialization_events(
            [AssetKey(["warehouse", m]) for m in ("city_month", "network_kpis", "programme_metrics")])
        meta = {k.path[-1]: dict(e.asset_materialization.metadata) for k, e in latest.items() if e is not None}
    return meta, json.loads((home / "warehouse.dbt-state.json").read_text())


def view_lake_paths(home: Path) -> set[str]:
    """The lake folders the warehouse's views read (the views name them by absolute path)."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        sql = [r[0] for r in con.execute("select sql from duckdb_views() where not internal").fetchall()]
    return {m for text in sql for m in re.findall(r"'(/[^']*?/lake/)", text)}


def partitions(step: dict) -> set[str | None]:
    """The city partitions the step's runs materialized (any partitioned asset)."""
    return {p for _, p in step["materialized"] if p is not None}


def write_rows(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def read_city(home: Path, kind: str, city: str) -> pd.DataFrame:
    files = sorted((home / "inbox" / kind / city).glob("*.csv"))
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)


def new_posts(home: Path, city: str, n: int, first_id: int) -> pd.DataFrame:
    """``n`` posts never seen before: a city's rows with new ids."""
    rows = read_city(home, "social", "london").head(n).copy()
    rows["id"] = [str(first_id + i) for i in range(len(rows))]
    rows["url"] = rows["url"].str.rsplit("/", n=1).str[0] + "/" + rows["id"]
    return rows


@pytest.fixture(scope="module")
def story(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The worlds one after the other on a copy of the demo home, then a full rebuild of the final inbox. The
    first run is that of a copied home (not rebuilt whole) with a new crime file for Saida. From the
    third step on, the settings are ``SETTINGS``: a city that no later file touches (mombasa, dakar, ...) is as
    the settings step left it, so the final comparison with a full rebuild under ``SETTINGS`` checks it."""
    home = tmp_path_factory.mktemp("incremental") / "home"
    demo_marts = mart_hashes(demo_home)
    shutil.copytree(demo_home, home, symlinks=True)
    crimes = read_city(home, "crime", "saida").head(50).copy()
    crimes["id"] = "SAI-WHOLE-" + pd.Series(range(len(crimes))).astype(str).str.zfill(6)
    write_rows(crimes, home / "inbox" / "crime" / "saida" / "crimes-zz-whole.csv")
    steps: dict[str, dict] = {"start": run_and_record(home)}  # a copied home: its views follow it
    steps["start"]["lake_paths"] = view_lake_paths(home)
    steps["noop"] = run_and_record(home)

    steps["settings"] = run_and_record(home, env=SETTINGS)
    steps["settings_again"] = run_and_record(home, env=SETTINGS)

    london = read_city(home, "social", "london")
    write_rows(london.sample(40, random_state=1), home / "inbox" / "social" / "london" / "posts-zz-again.csv")
    steps["duplicates"] = run_and_record(home, env=SETTINGS)

    write_rows(new_posts(home, "london", 300, 9_100_000_000), home / "inbox" / "social" / "london" / "posts-zz-new.csv")
    steps["social"] = run_and_record(home, env=SETTINGS)

    crimes = read_city(home, "crime", "saida").head(200).copy()
    crimes["id"] = "SAI-NEW-" + pd.Series(range(len(crimes))).astype(str).str.zfill(6)
    write_rows(crimes, home / "inbox" / "crime" / "saida" / "crimes-zz-new.csv")
    steps["crime"] = run_and_record(home, env=SETTINGS)

    posts = new_posts(home, "london", 120, 9_200_000_000).assign(lat="", lon="", place="Aarhus")
    write_rows(posts, home / "inbox" / "social" / NEW_CITY / "posts-2026-10.csv")
    steps["new_city"] = run_and_record(home, env=SETTINGS)
    steps["new_city"]["dbt"] = dbt_record(home)

    fresh = tmp_path_factory.mktemp("rebuild") / "home"
    fresh.mkdir()
    shutil.copytree(home / "inbox", fresh / "inbox")
    shutil.copytree(home / "secrets", fresh / "secrets")  # the same pseudonym key
    unit_tests_passed(fresh, SETTINGS)  # run by the settings step already: this whole build skips them
    scn("run", "--full", home=fresh, env=SETTINGS)
    health = {t: pd.read_parquet(fresh / "serving" / "current" / f"{t}.parquet") for t in ("asset_health",
                                                                                        "check_results")}
    yield {"home": home, "demo": demo_home, "demo_marts": demo_marts, "steps": steps,
           "rebuild": {"marts": mart_hashes(fresh), "snapshot": snapshot_hashes(fresh), "health": health}}


def test_a_run_with_nothing_new_materializes_nothing(story: dict) -> None:
    start, noop = story["steps"]["start"], story["steps"]["noop"]
    assert "nothing new" in noop["stdout"]
    assert noop["materialized"] == set()
    assert noop["marts"] == start["marts"] and noop["snapshot"] == start["snapshot"]
    assert noop["parts"] == start["parts"]


def test_a_copied_home_reads_its_own_lake_only(story: dict) -> None:
    """The first `scn run` on a copy of the demo home (one new crime file in it, for Saida) is an incremental run
    like any other: the copy's views are re-pointed at its own lake (a view left as the original home built it
    would read the original's lake), and its dbt build is per city: the programme marts, built from no table the
    file changed, are not rebuilt (before, a copied home's warehouse was rebuilt whole). The copy's marts count
    the new crimes; the original's are as they were. (A warehouse that is not current is rebuilt whole:
    tests/pipeline/test_planned_turns_held.py, tests/transforms/test_copied_home.py.)"""
    start = story["steps"]["start"]
    assert "the warehouse was not built whole by this dbt project in this home" not in start["stdout"]
    assert "the home was moved or copied" in start["stdout"]
    assert start["lake_paths"] == {f"{story['home']}/lake/"}
    done = {asset for asset, _ in start["materialized"]}
    assert "warehouse/city_month" in done
    assert not {"warehouse/network_kpis", "warehouse/programme_metrics"} & done, done
    assert start["marts"]["city_month"] != story["demo_marts"]["city_month"]  # the new crimes, in the copy only
    assert mart_hashes(story["demo"]) == story["demo_marts"]


def test_a_file_of_rows_already_ingested_changes_nothing(story: dict) -> None:
    before, dup = story["steps"]["settings_again"], story["steps"]["duplicates"]
    assert partitions(dup) == {"london"}  # the file is ingested (and logged) for its city only
    assert dup["parts"] == before["parts"]  # no city's enrichment was redone: its inputs did not change
    changed = {m for m in MARTS if dup["marts"][m] != before["marts"][m]}
    assert changed <= {"quarantine_summary"}, changed  # at most the ingest ledger's summary counts the file


def test_new_posts_recompute_only_their_city(story: dict) -> None:
    before, step = story["steps"]["duplicates"], story["steps"]["social"]
    assert partitions(step) == {"london"}
    assert ("lake/posts_enriched", "london") in step["materialized"]
    redone = {k for k in step["parts"] if step["parts"][k] != before["parts"].get(k)}
    assert redone == {"posts_enriched/london"}
    assert step["marts"]["city_month"] != before["marts"]["city_month"]


def test_a_crime_file_recomputes_only_its_city(story: dict) -> None:
    before, step = story["steps"]["social"], story["steps"]["crime"]
    assert partitions(step) == {"saida"}
    redone = {k for k in step["parts"] if step["parts"][k] != before["parts"].get(k)}
    assert redone == {"crimes_enriched/saida"}
    assert step["marts"]["cell_month"] != before["marts"]["cell_month"]


def test_a_new_city_is_added_without_redoing_the_others(story: dict) -> None:
    before, step = story["steps"]["crime"], story["steps"]["new_city"]
    assert partitions(step) == {NEW_CITY}
    redone = {k for k in step["parts"] if step["parts"][k] != before["parts"].get(k)}
    assert redone == {f"posts_enriched/{NEW_CITY}"}
    with scn_home(story["home"]), DagsterInstance.get() as instance:
        assert NEW_CITY in instance.get_dynamic_partitions("city")


def test_incremental_marts_equal_a_full_rebuild(story: dict) -> None:
    last, rebuild = story["steps"]["new_city"], story["rebuild"]
    assert set(last["marts"]) == set(MARTS)
    differ = sorted(m for m in MARTS if last["marts"][m] != rebuild["marts"][m])
    assert not differ, differ
    assert last["snapshot"].keys() == rebuild["snapshot"].keys()
    differ = sorted(t for t in last["snapshot"] if last["snapshot"][t] != rebuild["snapshot"][t])
    assert not differ, differ


def _metadata_by_changed_city(home: Path, key: str) -> dict[str, dict]:
    """The materializations of ``key`` in the runs of incremental plans: changed-cities tag -> their metadata
    (the last one for a tag)."""
    from dagster import AssetKey

    from assets.ingest.partitions import CHANGED_CITIES_TAG

    out: dict[str, dict] = {}
    with scn_home(home), DagsterInstance.get() as instance:
        records = instance.fetch_materializations(AssetKey(key.split("/")), limit=1000, ascending=True).records
        for r in records:
            run = instance.get_run_by_id(r.run_id)
            if run is not None and CHANGED_CITIES_TAG in run.tags:
                meta = r.asset_materialization.metadata
                out[run.tags[CHANGED_CITIES_TAG]] = {k: v.value for k, v in meta.items()}
    return out


def test_analysis_recomputes_only_the_changed_city(story: dict) -> None:
    home = story["home"]
    for key in ("analysis/alerts", "analysis/risk", "analysis/correlations", "analysis/adjusted_counts"):
        crime = _metadata_by_changed_city(home, key)["saida"]  # the crime file of Saida
        assert crime["cities_computed"] == ["saida"], (key, crime)
        assert crime["cities_kept"] >= 3, (key, crime)  # the other demo cities' rows taken as they were
        new_city = _metadata_by_changed_city(home, key)[NEW_CITY]
        assert new_city["cities_computed"] == [NEW_CITY], (key, new_city)
    kept = _metadata_by_changed_city(home, "analysis/classifier_eval")["saida"]
    assert kept["reused"] is True  # reads no city's data: kept while the model and its files are the same


def test_publish_reuses_unchanged_tables_and_republishes_network_wide_ones(story: dict) -> None:
    meta = _metadata_by_changed_city(story["home"], "serving/snapshot")["saida"]
    reused = set(meta["reused"])
    assert {"cities", "vocabularies", "classifier_eval"} <= reused, reused  # Saida's crimes change none of them
    # Saida's crimes change its cells, and the network-wide adjustment of every city's correlations
    assert not {"cell_month", "correlations", "levels"} & reused, reused
    rebuild, last = story["rebuild"]["snapshot"], story["steps"]["new_city"]["snapshot"]
    assert last["correlations"] == rebuild["correlations"] and last["levels"] == rebuild["levels"]


def test_data_health_tables_list_every_asset_after_an_incremental_run(story: dict) -> None:
    """An incremental run's job holds only the assets it selected: the data-health tables were built from it, so
    every lake asset (and the checks of assets not run) vanished from the data-health page after ordinary runs."""
    current = story["home"] / "serving" / "current"
    full = story["rebuild"]["health"]
    assets = pd.read_parquet(current / "asset_health.parquet")
    assert set(assets["asset_key"]) == set(full["asset_health"]["asset_key"])
    assert {k for k in assets["asset_key"] if k.startswith("lake/")}, "no lake asset listed"
    checks = pd.read_parquet(current / "check_results.parquet")
    assert len(checks) == len(full["check_results"])


def test_dbt_rebuilds_only_what_the_new_files_change(story: dict) -> None:
    """The last step (posts of a new city) is a per-city dbt build: the marts of posts are rebuilt, for that city
    (their other cities' rows equal the full rebuild above); the programme marts, built from no table the file
    changed, are left out of its runs: not rebuilt, and their tests neither run nor planned (their last results
    stand, ``test_data_health_tables_list_every_asset_after_an_incremental_run``)."""
    step = story["steps"]["new_city"]
    done = {asset for asset, _ in step["materialized"]}
    assert "warehouse/city_month" in done
    assert not {"warehouse/network_kpis", "warehouse/programme_metrics"} & done, done
    with scn_home(story["home"]), DagsterInstance.get() as instance:
        planned = {e.dagster_event.event_specific_data.asset_check_key.asset_key.to_user_string()
                   for run_id in step["runs"]
                   for e in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED)}
    assert "warehouse/city_month" in planned
    assert not {"warehouse/network_kpis", "warehouse/programme_metrics"} & planned, planned
    meta, state = step["dbt"]
    assert {"city_month", "network_kpis", "programme_metrics"} <= meta.keys()  # the earlier runs' materializations
    assert state["lake"]["posts_enriched"]  # the build recorded the lake it was built from


def test_dbt_reuses_its_parse_until_what_it_parsed_from_changes(story: dict) -> None:
    """Every dbt command of a home after its first successful build starts from that build's parse (the vars
    stay the same: the changed cities go in a file), and parses anew when the vars change (the smallest group
    is a var): a stale parse would build with the old value."""
    steps = story["steps"]
    # a copied home starts from the parse it was copied with: nothing of a home is in what dbt parses
    assert steps["start"]["dbt_parse"] == ["reused"]
    assert steps["settings"]["dbt_parse"] == ["full"]  # min_group changed
    for name in ("social", "crime", "new_city"):
        assert steps[name]["dbt_parse"] == ["reused"], name


def test_unit_tests_run_once_for_the_sql_they_test(story: dict) -> None:
    """dbt's unit tests test the project's SQL, not the data: a whole build runs them all unless this home's
    warehouse state says the same project already passed them all (the demo home's first build did). A copied
    home rebuilt whole does not run them again; a changed project (the smallest group is part of it) runs them
    all, once; per-city builds never run them."""
    steps, units = story["steps"], len(json.loads((REPO / "transforms" / "target" / "manifest.json").read_text())[
        "unit_tests"])
    assert units > 50 and json.loads((story["demo"] / "warehouse.dbt-state.json").read_text()).get("unit_tests")
    assert steps["start"]["dbt_units"] == [0]  # a copied home: a per-city build
    assert steps["settings"]["dbt_units"] == [units]  # the project changed: every unit test, whole build
    for name in ("settings_again", "social", "crime", "new_city"):
        assert sum(steps[name]["dbt_units"]) == 0, name
    state = steps["new_city"]["dbt"][1]  # after the per-city builds
    assert state.get("unit_tests") == state["project"]


def test_changed_settings_recompute_every_city(story: dict) -> None:
    """No new file, but the smallest survey group and the suppression threshold changed: a plain `scn run`
    recomputes every city (no city's rows, marts or detail levels kept as the old settings made them; that the
    result is right for every city is checked by ``test_incremental_marts_equal_a_full_rebuild``: the cities no
    later file touches are as this step left them), and the next run finds nothing new."""
    before, step, again = story["steps"]["noop"], story["steps"]["settings"], story["steps"]["settings_again"]
    assert "settings changed since the last complete run: min_group, suppress_below" in step["stdout"]
    assert step["marts"] != before["marts"] and step["snapshot"] != before["snapshot"]  # the settings matter here
    assert partitions(step) == {k.split("/")[1] for k in before["parts"]}  # every city's partitions
    assert "nothing new" in again["stdout"] and again["materialized"] == set()  # recorded: not recomputed twice


def analyses_of(story: dict, step: dict) -> Iterator[tuple[str, dict, dict[str, str]]]:
    """(analysis, its materialization's metadata, its run's tags) of each per-city analysis the step computed."""
    with scn_home(story["home"]), DagsterInstance.get() as instance:
        for key in ("analysis/alerts", "analysis/risk", "analysis/correlations", "analysis/adjusted_counts"):
            records = instance.fetch_materializations(AssetKey(key.split("/")), limit=1000).records
            records = [r for r in records if r.run_id in step["runs"]]
            assert len(records) == 1, (key, len(records))
            yield (key, {k: v.value for k, v in records[0].asset_materialization.metadata.items()},
                   instance.get_run_by_id(records[0].run_id).tags)


def test_a_warehouse_rebuilt_whole_is_not_analysed_for_the_changed_cities_only(story: dict) -> None:
    """A run that rebuilds the warehouse whole (the smallest group is a dbt var: the project changed, so every
    city's marts may change) recomputes every city's analyses and adjusted counts and carries no changed-cities
    tag; a copied home's first run with a new file for one city (the story's first run) is not rebuilt whole, and
    recomputes that city's analyses only, keeping the others' rows."""
    from assets.ingest.partitions import CHANGED_CITIES_TAG

    whole, copied = story["steps"]["settings"], story["steps"]["start"]
    assert "the warehouse was not built whole" in whole["stdout"]
    for key, meta, tags in analyses_of(story, whole):
        assert meta["cities_kept"] == 0 and len(meta["cities_computed"]) >= 4, (key, meta)
        assert CHANGED_CITIES_TAG not in tags
    assert partitions(copied) == {"saida"}
    for key, meta, tags in analyses_of(story, copied):
        assert "saida" in meta["cities_computed"] and meta["cities_kept"] > 0, (key, meta)
        assert tags.get(CHANGED_CITIES_TAG) == "saida"
