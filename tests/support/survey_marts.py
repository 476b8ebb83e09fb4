"""The repo's survey marts (``survey_indices``, ``survey_prepost``) run in DuckDB over respondent indices
(``int_survey_respondent_index``'s columns), rendered with jinja2 as dbt renders them (its macros, ``min_group``
as the var): the tables staff see, for tests that shape them for officials."""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2
import pandas as pd

TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"
MACROS = ("weighted_mean_ci", "min_group", "survey_key")


def render(sql: str, min_group: int) -> str:
    """One model's SQL with the survey macros, ``ref(name)`` as the table ``name`` and ``min_group`` as its var."""
    macros = "".join((TRANSFORMS / "macros" / f"{m}.sql").read_text() for m in MACROS)
    return jinja2.Environment().from_string(macros + sql).render(
        ref=lambda name: name, var=lambda name, default=None: min_group, env_var=lambda name, default=None: default)


def survey_marts(index: pd.DataFrame, min_group: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(survey_indices, survey_prepost) over respondent indices: survey_id, response_id, city_id, area_code, gender,
    age_group, wave, programme_id, weight, construct, construct_index, items."""
    con = duckdb.connect()
    con.register("index_df", index)
    con.execute("create table int_survey_respondent_index as select * from index_df")
    return tuple(con.execute(render((TRANSFORMS / "models/marts" / f"{m}.sql").read_text(), min_group)).df()
                 for m in ("survey_indices", "survey_prepost"))
