"""dbt is the one home of the data contract: every mart documented beside its SQL (grain first, every column),
contracted and unit-tested; one external_location for the lake; vocabularies as seeds; exposures for the readers."""

from __future__ import annotations

import csv
import json
import os
import subprocess

import pytest

from tests.support.cli import REPO
from tests.support.dbt_world import DBT
from tests.support.marts import MARTS

TRANSFORMS = REPO / "transforms"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The project's manifest from `dbt parse` (no warehouse needed)."""
    target = tmp_path_factory.mktemp("dbt-parse")
    env = {**os.environ, "SCN_HOME": str(target)}
    proc = subprocess.run([str(DBT), "parse", "--project-dir", "transforms", "--profiles-dir", "transforms",
                           "--target-path", str(target), "--log-path", str(target / "logs")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    return json.loads((target / "manifest.json").read_text())


def test_every_mart_is_documented_contracted_and_unit_tested(manifest: dict) -> None:
    m = manifest
    marts = {n["name"]: n for n in m["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"}
    assert set(marts) == set(MARTS) and len(marts) >= 12  # every SQL file under models/marts/
    tested = {u["model"] for u in m["unit_tests"].values()}
    for name, node in marts.items():
        assert node["patch_path"] == f"scn://models/marts/{name}.yml", name  # the yml beside the SQL
        assert node["description"].startswith("One row per"), name  # the grain comes first
        assert node["config"]["contract"]["enforced"], name
        assert node["columns"] and all(c["description"] and c["data_type"] for c in node["columns"].values()), name
        assert name in tested, name


def test_the_lake_has_one_external_location(manifest: dict) -> None:
    sources = manifest["sources"].values()
    templates = {s["config"]["external_location"] for s in sources}
    assert len(templates) == 1 and "/lake/{name}/part-*.parquet" in templates.pop()
    assert all(s["meta"]["dagster"]["asset_key"] == ["lake", s["name"]] for s in sources)
    text = (TRANSFORMS / "models" / "staging" / "_sources.yml").read_text()
    assert text.count("external_location:") == 1  # not one per table


def test_vocabularies_are_seeds_and_checked_from_them(manifest: dict) -> None:
    m = manifest
    seeds = {n["name"] for n in m["nodes"].values() if n["resource_type"] == "seed"}
    assert {"regions", "programme_lines", "participant_roles", "crime_categories", "post_labels"} <= seeds
    for name in seeds:
        with (TRANSFORMS / "seeds" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        key = next(iter(rows[0]))
        assert rows and len({r[key] for r in rows}) == len(rows), name  # the first column is the key
    tests = [n for n in m["nodes"].values() if n["resource_type"] == "test"]
    assert not [t["name"] for t in tests if (t.get("test_metadata") or {}).get("name") == "accepted_values"
                and t["attached_node"].startswith("model.")]  # enums of models come from the seeds
    checked = {t["test_metadata"]["kwargs"]["seed"] for t in tests
               if (t.get("test_metadata") or {}).get("name") == "in_seed"}
    assert {"regions", "programme_lines", "participant_roles", "survey_group_types"} <= checked


def test_exposures_name_the_marts_each_reader_uses(manifest: dict) -> None:
    m = manifest
    exposures = {e["name"]: e for e in m["exposures"].values()}
    assert {"city_page", "network_page", "data_health_page"} <= exposures.keys()
    assert {k for k in exposures if k.startswith("export_")} == {
        "export_network_kpis", "export_programme_metrics", "export_summit_metrics", "export_survey_indices",
        "export_cells", "export_correlations", "export_target_groups"}
    assert "model.scn.survey_prepost" in exposures["export_survey_indices"]["depends_on"]["nodes"]
    assert "model.scn.network_kpis" in exposures["network_page"]["depends_on"]["nodes"]
