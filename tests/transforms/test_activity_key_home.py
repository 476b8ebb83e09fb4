"""The rule that says which programme activity ids are one activity has one home, transforms/macros/activity_key.sql:
stg_programme_activities' uniqueness data test calls it (the generic test ``unique_by_activity_key``) instead of
repeating its SQL in the yml, where a change of the macro would leave the test checking an older rule."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2
import yaml

TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"
MACROS = TRANSFORMS / "macros"


def _test_sql(ids: list[str]) -> list[tuple]:
    """The generic test ``unique_by_activity_key`` rendered as dbt renders it (its ``test`` block a macro, the
    ``activity_key`` macro at hand) over a relation of ``ids``, run by DuckDB: its failing rows."""
    source = (MACROS / "test_unique_by_activity_key.sql").read_text(encoding="utf-8")
    source = re.sub(r"{%\s*test\s+", "{% macro ", source).replace("endtest", "endmacro")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.globals["activity_key"] = env.from_string(
        (MACROS / "activity_key.sql").read_text(encoding="utf-8")).module.activity_key
    sql = str(env.from_string(source).module.unique_by_activity_key("ids", "activity_id"))
    with duckdb.connect() as con:
        con.execute("create table ids as select unnest(?::varchar[]) as activity_id", [ids])
        return sorted(con.execute(sql).fetchall())


def test_the_uniqueness_test_fails_on_two_spellings_of_one_activity_and_passes_otherwise() -> None:
    nfd = "e\u0301te\u0301-1"
    assert _test_sql(["ACT-7", "act-7", "ÉTÉ-1", nfd, "C-2", None, None]) == [("act-7", 2), ("ete-1", 2)]
    assert _test_sql(["ACT-7", "ÉTÉ-1", "C-2", "ACT-8"]) == []


def test_stg_programme_activities_checks_its_grain_with_the_macro_not_a_copy() -> None:
    spec = yaml.safe_load((TRANSFORMS / "models" / "staging" / "stg_programme_activities.yml").read_text("utf-8"))
    model = next(m for m in spec["models"] if m["name"] == "stg_programme_activities")
    column = next(c for c in model["columns"] if c["name"] == "activity_id")
    assert "unique_by_activity_key" in column["data_tests"]
    # no yml of the project spells the rule out (its functions, in the macro's order) instead of calling the macro
    copies = [p.name for p in (TRANSFORMS / "models").rglob("*.yml") if "strip_accents(nfc_normalize" in p.read_text("utf-8")]
    assert copies == []
