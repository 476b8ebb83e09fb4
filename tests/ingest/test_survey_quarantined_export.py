"""A survey export whose every row is quarantined is received all the same: its ``survey_files`` row names it, so
the form's latest-export logic (``stg_survey_exports``) sees it.

Built through the real path: files ingested (scn.ingest.pipeline.ingest_file), then `dbt build` over that lake."""

from __future__ import annotations

from pathlib import Path

import duckdb

from scn import lake
from scn.ingest.pipeline import ingest_file
from tests.support.dbt_world import dbt_build

BOOK = "question,construct,label,scale_min,scale_max,reverse,missing_codes,survey_id\nq1,cohesion,a,1,5,false,,\n"
HEAD = "start,group_demo/gender,group_a/q1,_id,_submission_time\n"
GOOD = HEAD + "2025-03-01T10:00:00,female,4,1,2025-03-02T10:00:00\n2025-03-01T10:00:00,male,2,2,2025-03-02T10:00:00\n"
# every row's submission time unreadable: each row (its answers with it) goes to the quarantine
BAD = HEAD + "2025-03-01T10:00:00,female,4,3,not a time\n2025-03-01T10:00:00,male,2,4,yesterday\n"
FORM = "Cohesion_Survey_-_all_versions_-_xml_values_-_2025-03-0{}-10-00-00.csv"


def _ingest(folder: Path, name: str, body: str, city: str | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return ingest_file("survey", folder / name, city_id=city)


def test_an_export_with_every_row_quarantined_is_still_the_latest(home: Path, tmp_path: Path) -> None:
    """Was: the later export, every row quarantined, wrote no ``survey_files`` row (only a file that stored an
    answer did), so the lake held nothing of it and the earlier export stayed the form's latest. Now it is in
    ``survey_files`` under the form's survey and is the latest export."""
    _ingest(tmp_path / "book", "survey_codebook.csv", BOOK)
    first, later = FORM.format(3), FORM.format(5)
    _ingest(tmp_path / "a", first, GOOD, "saida")
    result = _ingest(tmp_path / "b", later, BAD, "saida")
    assert (result.accepted, result.quarantined > 0) == (0, True)  # nothing stored: every row quarantined
    files = lake.read_table("survey_files")
    assert set(files["source_file"]) == {first, later}
    lake.ensure_tables()
    dbt_build(home, "--select", "stg_survey_exports")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select source_file, latest_file from stg_survey_exports order by source_file").fetchall()
    assert [f for f, _ in rows] == [first, later]
    assert {latest for _, latest in rows} == {later}
