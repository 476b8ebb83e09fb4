"""Dates as partners write them (found by a careless partner's files): numeric day/month/year dates were guessed
value by value (``05/03/2025`` became 3 May beside ``13/03/2025`` as 13 March in the same file), and a time of day
alone became today's date, a bare year 1 January. Now one order per column, and a value that names no day is
not a timestamp (quarantined as such)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.ingest.parse import parse_time
from scn.ingest.pipeline import ingest_file


def _days(values: list[str]) -> list[str | None]:
    out = parse_time(pd.Series(values))
    return [None if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M") for v in out]


@pytest.mark.parametrize(("values", "expected"), [
    (["05/03/2025", "13/03/2025 10:00", "5.3.25"], ["2025-03-05 00:00", "2025-03-13 10:00", "2025-03-05 00:00"]),
    (["03/25/2025", "05/03/2025"], ["2025-03-25 00:00", "2025-05-03 00:00"]),  # month first: the column says so
    (["05/03/2025", "07/04/2025"], ["2025-03-05 00:00", "2025-04-07 00:00"]),  # nothing says: day first
    (["05/13/2025", "13/05/2025"], [None, "2025-05-13 00:00"]),  # both ways in one column: the misfit is no date
    (["10:30", "2025", "2025-03", "9:05 pm"], [None, None, None, None]),  # no day named
    (["3/25/2025 1:05 PM", "05/03/2025 10:00 PM"], ["2025-03-25 13:05", "2025-05-03 22:00"]),  # 12-hour times
    (["05/03/2025, 10:00", "05/03/2025 10:00"], ["2025-03-05 10:00", "2025-03-05 10:00"]),  # with a comma too
    (["5.3.99", "5.3.25"], ["1999-03-05 00:00", "2025-03-05 00:00"]),  # two-digit years: a century window
    (["2025-03-01T10:00:00+02:00", "1740823200", "March 1, 2025 10:00"],
     ["2025-03-01 08:00", "2025-03-01 10:00", "2025-03-01 10:00"]),  # as before
])
def test_one_day_order_per_column_and_no_day_is_no_date(values: list[str], expected: list[str | None]) -> None:
    assert _days(values) == expected


def test_a_file_with_day_first_dates_and_times_alone(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text("id,created_at,text\n1,05/03/2025 10:00,a\n2,13/03/2025 10:00,b\n3,10:30,c\n4,2025,d\n")
    r = ingest_file("social", path, city_id="london")
    assert (r.accepted, r.quarantined) == (2, 2)
    assert [(e["row"], e["field"]) for e in r.errors] == [(3, "created_at"), (4, "created_at")]
    when = lake.read_table("posts").set_index("post_id")["created_at"]
    assert str(when["1"])[:10] == "2025-03-05" and str(when["2"])[:10] == "2025-03-13"
