"""``target_month`` over the tiny dbt world: a city-month's rows add up to its ``city_month`` flagged posts (every
location precision), flagged posts without a target group are ``unspecified``; published under its own name."""

from __future__ import annotations

from pathlib import Path

import duckdb

from scn.publish.serving import read_serving


def test_target_rows_add_up_to_city_month(in_world: Path, wh: duckdb.DuckDBPyConnection) -> None:
    rows = wh.execute("select * from target_month order by all").df()
    totals = wh.execute("select t.city_id, t.period, sum(t.flagged_posts) as by_target, c.flagged_posts "
                        "from target_month t join city_month c using (city_id, period) group by all").df()
    assert len(rows) and (totals["by_target"] == totals["flagged_posts"]).all()
    flagged = wh.execute("select sum(flagged_posts) from city_month").fetchone()[0]
    assert rows["flagged_posts"].sum() == flagged == 4  # 3 located in E01 + 1 located to the city only
    assert set(rows["target"]) == {"unspecified"}  # the world's posts carry no target group
    assert read_serving("target_month")["flagged_posts"].sum() == 4
