"""Regressions for what broke while using the platform (issue "Nothing leaks, nothing lost", "Also found"): each
test fails on the code before its fix."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from scn import lake
from scn.lake import as_table
from tests.support.cli import REPO, scn, scn_home


def _posts(n_old: int, n_new: int, now: datetime) -> pd.DataFrame:
    n = n_old + n_new
    return pd.DataFrame({
        "post_key": [f"x:{i}" for i in range(n)], "platform": "x", "post_id": [str(i) for i in range(n)],
        "city_id": "london",
        "created_at": [now - timedelta(days=400)] * n_old + [now - timedelta(days=3)] * n_new,
        "text": "some text", "lang": "en", "lat": None, "lon": None, "place": None,
        "author_pseudo": "a" * 20, "url": "https://x.com/i/status/1", "source_file": "f.csv", "source_row": range(n),
    })


def test_post_retention_redacts_old_posts_when_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It crashed as soon as SCN_POST_RETENTION_DAYS was set (pyarrow scalar with a type)."""
    from scn.ops.retention import redact_old_posts

    now = datetime(2026, 11, 1, tzinfo=UTC)
    monkeypatch.setenv("SCN_POST_RETENTION_DAYS", "30")
    with scn_home(tmp_path / "o'brien's home"):  # a quote in the lake's path, pasted into DuckDB queries
        lake.write_part("posts", as_table("posts", _posts(3, 2, now)), "p1")
        summary = redact_old_posts(now=now)
        kept = lake.read_table("posts").sort_values("post_id", key=lambda s: s.astype(int))
    assert summary["posts_redacted"] == 3 and summary["parts_rewritten"] == 1
    assert kept["text"].isna().tolist() == [True, True, True, False, False]
    assert kept["author_pseudo"].isna().sum() == 3 and kept["url"].isna().sum() == 3
    assert len(kept) == 5  # counts never change: rows stay, only text, pseudonym and url go


# test_resent_boundaries_are_published_once: in tests/pipeline/test_noop_run.py, on the settled home's run (one whole
# rebuild of a copied demo home instead of two)


def test_grant_amounts_are_never_added_across_currencies() -> None:
    """The grants KPI added EUR and USD into "179500 EUR/USD": one row per currency now (a dbt unit test holds the
    numbers; here the contract that the unit test exists and the mart's grain says so)."""
    spec = yaml.safe_load((REPO / "transforms" / "models" / "marts" / "network_kpis.yml").read_text())
    model = spec["models"][0]
    assert "per grant currency" in model["description"]
    grain = [t["unique_combination"]["arguments"]["columns"] for t in model["data_tests"] if "unique_combination" in t]
    assert grain == [["kpi", "unit"]]
    expected = [r for u in spec["unit_tests"] for r in u["expect"]["rows"] if r["kpi"] == "grants_amount"]
    assert {r["unit"] for r in expected} == {"EUR", "USD"} and not any("/" in r["unit"] for r in expected)


def test_export_of_an_unknown_city_exits_2(demo_home: Path, tmp_path: Path) -> None:
    """`scn export --city atlantis` exited 0 with an empty file."""
    out = tmp_path / "x.csv"
    proc = scn("export", "cells", "--format", "csv", "--out", str(out), "--city", "atlantis", home=demo_home,
               check=False)
    assert proc.returncode == 2 and "atlantis" in proc.stderr and not out.exists()
    assert scn("export", "cells", "--format", "csv", "--out", str(out), "--city", "london",
               home=demo_home).returncode == 0


def test_freshness_sensor_runs_by_default() -> None:
    """The freshness sensor shipped switched off while the docs say it runs."""
    from dagster import DefaultSensorStatus

    from assets.ingest.checks import freshness_sensor

    assert freshness_sensor.default_status == DefaultSensorStatus.RUNNING


def test_two_runs_never_write_the_warehouse_at_once(tmp_path: Path) -> None:
    """The production profile limited a tag (`scn/writes-warehouse`) that no run set. Now the dbt step of every
    run, however it was launched, takes a slot of one pool, and the production profile gives that pool one slot."""
    from assets.transforms.assets import WAREHOUSE_POOL, scn_dbt_models

    assert scn_dbt_models.op.pool == WAREHOUSE_POOL
    prod = yaml.safe_load((REPO / "deploy" / "dagster.postgres.yaml").read_text())
    assert prod["concurrency"]["pools"]["default_limit"] == 1
    limited_tags = {t["key"] for t in prod["concurrency"]["runs"].get("tag_concurrency_limits", [])}
    assert limited_tags <= {"scn/city"}  # only tags that runs really carry (the inbox sensor sets scn/city)
    from dagster._core.instance.config import dagster_instance_config

    shutil.copy(REPO / "deploy" / "dagster.postgres.yaml", tmp_path / "dagster.yaml")
    config, _ = dagster_instance_config(str(tmp_path))  # dagster accepts the profile as written
    assert config["concurrency"]["pools"]["default_limit"] == 1


def test_state_tables_keep_their_schema_after_retention(tmp_path: Path) -> None:
    """Redaction rewrites parts with the lake schema (nulls typed), so dbt and later readers still union them."""
    from scn.ops.retention import redact_old_posts

    now = datetime(2026, 11, 1, tzinfo=UTC)
    with scn_home(tmp_path):
        lake.write_part("posts", as_table("posts", _posts(1, 1, now)), "p1")
        redact_old_posts(days=30, now=now)
        schema = pq.read_schema(next(lake.table_dir("posts").glob("part-*.parquet")))
    assert schema.remove_metadata() == lake.LAKE_SCHEMAS["posts"].remove_metadata()


def test_state_root_is_owner_only(tmp_path: Path) -> None:
    """Item 17's class beyond the lake and archive: the warehouse, snapshots and Dagster storage live under the
    state root, which is created (or tightened to) 0700, so none of them is world-readable under any umask."""
    import os
    import stat

    from scn.settings import override, paths

    home = tmp_path / "state"
    old = os.umask(0o022)
    try:
        with override(home=home):
            paths().ensure()
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for sub in ("inbox", "lake", "serving", "dagster", "secrets", "archive"):
        assert stat.S_IMODE((home / sub).stat().st_mode) & 0o077 == 0, sub


def test_city_page_counts_a_summit_once_whatever_the_roles_of_its_delegates(tmp_path: Path) -> None:
    """One summit with three delegates of three roles showed as 3 activities (programme_metrics summed over roles).
    The page reads `programme_years` (each activity once, built by dbt: see its unit test)."""
    from dashboards.components.city import programmes_table
    from scn.settings import override
    from tests.support.snapshots import make_tables, publish_tables

    tables = make_tables()
    roles = ("mayor", "city_official", "practitioner")
    tables["programme_metrics"] = pd.DataFrame({
        "programme_line": "summit", "city_id": "london", "country": "United Kingdom", "region": "Europe",
        "role": roles, "year": 2025, "activities": 1, "people": 1})
    tables["programme_years"] = pd.DataFrame({"programme_line": ["summit"], "city_id": ["london"], "year": [2025],
                                              "activities": [1], "people": [3]})
    publish_tables(tmp_path, tables)
    with override(home=tmp_path):
        shown = programmes_table("london", "staff")
    assert shown[["programme_line", "year", "activities", "people"]].values.tolist() == [["summit", 2025, 1, 3]]
    spec = yaml.safe_load((REPO / "transforms" / "models" / "marts" / "programme_years.yml").read_text())
    (unit,) = spec["unit_tests"]
    assert {"programme_line": "summit", "city_id": "london", "year": 2025, "activities": 1, "people": 3} \
        in unit["expect"]["rows"]
