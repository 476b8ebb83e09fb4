"""What an incremental `scn run` plans for the changed cities: the per-city assets a new file reaches, not every
per-city asset. (Was: a social file for one city re-ran that city's boundaries, crime, survey and crime-count
ingests and its crime enrichment, each a Dagster step with nothing to do: ~1.5 s of a 25 s run.)"""

from __future__ import annotations

from pathlib import Path

from dagster import AssetKey

from tests.support.cli import scn_home

CITIES = ["dakar", "london", "saida"]


def _plan(home: Path, **news):  # noqa: ANN202 - orchestration.run.Plan
    from orchestration.run import ENRICHED, _plan_with_graph

    args = {"pending": {}, "relabel": False, "settings_changed": [], "stale": {t: [] for t in ENRICHED},
            "collecting": {}, "never": set(), "latest": {}, **news}
    with scn_home(home):
        return _plan_with_graph(CITIES, **args)


def _keys(plan) -> set[str]:  # noqa: ANN001 - orchestration.run.Plan
    return {k.to_user_string() for keys, _ in plan.runs for k in keys}


def test_a_social_file_runs_the_assets_posts_reach_only(tmp_path: Path) -> None:
    plan = _plan(tmp_path, pending={"social": {"dakar"}})
    assert plan.cities == ["dakar"] and [c for _, c in plan.runs] == [["dakar"]]
    keys = _keys(plan)
    assert {"lake/posts", "lake/post_labels", "lake/posts_enriched"} <= keys
    assert not {"lake/crimes", "lake/crimes_enriched", "lake/areas", "lake/area_attributes", "lake/crime_counts",
                "lake/survey_responses"} & keys, keys
    # what is built from the city's rows further down is planned as before: the warehouse, analyses, snapshot
    assert {"warehouse/city_month", "analysis/correlations", "serving/snapshot"} <= keys


def test_a_crime_file_and_a_stale_post_part_run_both_chains(tmp_path: Path) -> None:
    keys = _keys(_plan(tmp_path, pending={"crime": {"saida"}}, stale={"posts_enriched": ["dakar"],
                                                                       "crimes_enriched": []}))
    assert {"lake/crimes", "lake/crimes_enriched", "lake/posts_enriched"} <= keys
    assert not {"lake/posts", "lake/post_labels", "lake/areas"} & keys, keys


def test_boundaries_reach_every_ingest_and_enrichment(tmp_path: Path) -> None:
    """Files waiting for their city's boundaries are ingested once the boundaries are in: every ingest of the
    city runs after a boundaries file, and both enrichments."""
    keys = _keys(_plan(tmp_path, pending={"boundaries": {"dakar"}}))
    assert {"lake/areas", "lake/posts", "lake/crimes", "lake/survey_responses", "lake/posts_enriched",
            "lake/crimes_enriched"} <= keys


def test_what_reaches_every_per_city_asset_still_runs_them_all(tmp_path: Path) -> None:
    from orchestration.run import city_partitioned_keys

    with scn_home(tmp_path):
        every = {k.to_user_string() for k in city_partitioned_keys() if k.path[0] != "collect"}
    for news in ({"settings_changed": ["min_group"]}, {"pending": {"cities": {None}}},
                 {"pending": {"social": {None}}, "collecting": {"x": ["dakar"]}}):
        plan = _plan(tmp_path, **news)
        assert every <= _keys(plan), (news, every - _keys(plan))
    assert {"lake/post_labels", "lake/posts_enriched"} <= _keys(_plan(tmp_path, relabel=True))
    assert AssetKey(["lake", "crimes"]) not in {k for keys, _ in _plan(tmp_path, relabel=True).runs for k in keys}


def _dropped(home: Path, latest_missing: frozenset[str] = frozenset()) -> set[str]:
    """The warehouse keys a social file's plan for a current warehouse leaves out (``drop_unbuilt_models``), every
    asset having been materialized before but ``latest_missing``."""
    from dagster import AssetKey as Key

    from orchestration.run import drop_unbuilt_models

    plan = _plan(home, pending={"social": {"dakar"}})
    before = _keys(plan)
    with scn_home(home):
        drop_unbuilt_models(plan, {Key.from_user_string(k): None if k in latest_missing else object()
                                   for k in before})
    return before - _keys(plan)


def test_a_social_file_s_plan_leaves_out_the_models_it_cannot_change(tmp_path: Path) -> None:
    """A per-city build skips the models none of whose lake tables changed; selected, their dbt tests were planned
    as checks (~170 of ~230) and they were reported materialized unchanged: now they are not selected."""
    dropped = _dropped(tmp_path)
    assert {"warehouse/network_kpis", "warehouse/programme_metrics", "warehouse/survey_indices"} <= dropped, dropped
    assert not {k for k in dropped if not k.startswith("warehouse/")}, dropped
    assert not {"warehouse/city_month", "warehouse/area_week", "warehouse/stg_posts_enriched",
                "warehouse/stg_ingest_log"} & dropped, dropped
    # a model never materialized stays planned (else every later run would find it "never" built)
    assert "warehouse/network_kpis" not in _dropped(tmp_path, frozenset({"warehouse/network_kpis"}))


def test_a_lake_table_changed_outside_the_run_keeps_its_models_planned(tmp_path: Path) -> None:
    """The programme tables' parts differ from those the last build recorded (a hand ingest, say): the per-city
    build would rebuild the programme marts, so they stay in the plan."""
    import json

    from assets.transforms.state import state_path

    with scn_home(tmp_path):
        path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"lake": {"programme_activities": "0123456789abcdef"}}))
    dropped = _dropped(tmp_path)
    assert "warehouse/programme_metrics" not in dropped and "warehouse/survey_indices" in dropped, dropped
