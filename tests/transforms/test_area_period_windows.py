"""area_period counts posts inside each published period's own window: a financial year (2025/26 = April 2025
to March 2026) is set against that year's posts, never the calendar year's (a one-city lake built by dbt)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from scn import lake
from scn.lake import LAKE_SCHEMAS, ensure_tables
from scn.settings import override
from tests.support.cli import scn_home
from tests.support.dbt_world import C1, POSTS_ENRICHED, dbt_build

MONTHS = ["2025-01", "2025-03", "2025-04", "2025-06", "2025-12", "2026-01", "2026-03", "2026-04"]
PER_MONTH = [1, 2, 3, 4, 5, 6, 7, 8]  # posts of each month: every window gets a different sum


def _posts() -> pa.Table:
    months = [m for m, n in zip(MONTHS, PER_MONTH, strict=True) for _ in range(n)]
    created = pd.to_datetime([f"{m}-10T12:00:00Z" for m in months])
    frame = pd.DataFrame({"post_key": [f"x:leeds{i}" for i in range(len(months))], "city_id": "leeds",
                          "created_at": created, "month": months, "week": created.strftime("%G-W%V"),
                          "lang": "en", "label": "hate", "score_hate": 0.9, "assessed": True,
                          "method": "model", "target": None, "model_version": "t", "precision": "area",
                          "lat": 53.8, "lon": -1.5, "area_code": "L1", "cell": C1, "resolution": 8})
    return pa.Table.from_pandas(frame[POSTS_ENRICHED.names], schema=POSTS_ENRICHED, preserve_index=False)


def _fy_counts() -> pa.Table:
    """Hate crime of L1 per financial year as `scn ingest crime-counts --hate` stores 2024/25 and 2025/26."""
    frame = pd.DataFrame({"city_id": "leeds", "area_code": "L1", "area_name": "Leeds 1", "period": "year",
                          "period_start": pd.to_datetime(["2024-04-01", "2025-04-01"]).date, "category": "",
                          "hate_strand": "", "is_hate": True, "count": [40, 100], "source_file": "fy.csv",
                          "source_row": [1, 2]})
    schema = LAKE_SCHEMAS["crime_counts"]
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def test_financial_year_counts_meet_the_posts_of_their_own_window(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with scn_home(home), override(home=home):  # override: wins over one a shared fixture of this worker holds
        lake.write_part("posts_enriched", _posts(), "leeds-posts")
        lake.write_part("crime_counts", _fy_counts(), "leeds-fy")
        ensure_tables()  # every other table: an empty part
    dbt_build(home, "--select", "+area_period", "--exclude", "resource_type:unit_test")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        years = con.execute("select period_start::varchar, period, posts, hate_crimes, hate_source "
                            "from area_period where city_id = 'leeds' and period_kind = 'year' "
                            "order by period_start").fetchall()
        quarters = con.execute("select count(*) from area_period where city_id = 'leeds' and period_kind = "
                               "'quarter'").fetchone()[0]
    posts = dict(zip(MONTHS, PER_MONTH, strict=True))
    fy = {start: sum(n for m, n in posts.items() if start <= m < end)
          for start, end in (("2024-04", "2025-04"), ("2025-04", "2026-04"), ("2026-04", "2027-04"))}
    assert years == [("2024-04-01", "2024", fy["2024-04"], 40, "counts"),  # Jan + Mar 2025: 3 posts
                     ("2025-04-01", "2025", fy["2025-04"], 100, "counts"),  # Apr 25-Mar 26: 25 (2025: 15)
                     ("2026-04-01", "2026", fy["2026-04"], None, "none")]
    assert quarters == 0  # yearly counts give a yearly panel beside the months, nothing else
    dbt_build(home, "--select", "area_period")  # again, with its unit tests (area_period.yml)
