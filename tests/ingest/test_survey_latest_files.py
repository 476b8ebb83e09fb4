"""The latest file a city or the network sends decides, even where it stores nothing new.

- A corrected codebook under the same name (``survey_codebook.csv`` again, a question withdrawn, one moved to
  another construct): the latest codebook file holding rows of a survey scope (a survey id, or every survey)
  decides that scope's rows; an earlier file's rows the latest one leaves out are withdrawn, and a scope the latest
  file does not name keeps its rows.
- A re-export of a form whose responses were all stored already (the city sent the values export again, after a
  labels export): it is the form's latest export all the same (``stg_survey_exports``), so the labels export's
  lost questions are superseded (``survey_text_answers.superseded_by``) and the page says them no more.

Built through the real path: files ingested (scn.ingest.pipeline.ingest_file), then `dbt build` over that lake."""

from __future__ import annotations

from pathlib import Path

import duckdb

from scn import lake
from scn.ingest.pipeline import ingest_file
from tests.support.dbt_world import dbt_build

HEAD = "question,construct,label,scale_min,scale_max,reverse,missing_codes,survey_id\n"
FIRST = HEAD + ("q1,cohesion,a,1,5,false,98,\nq2,cohesion,b,1,5,false,98,\nq5,trust,e,0,10,false,,\n"
                "q1,cohesion,a,0,4,false,99,youth\n")
# the network's correction: q5 withdrawn, q2 measures trust; no row for the youth survey
CORRECTED = HEAD + "q1,cohesion,a,1,5,false,98,\nq2,trust,b,1,5,false,98,\n"
EXPORT = "start,group_demo/gender,group_a/q1,group_a/q2,group_a/q5,_id,_submission_time\n"
VALUES = EXPORT + ("2025-03-01T10:00:00,female,4,5,7,1,2025-03-02T10:00:00\n"
                   "2025-03-01T10:00:00,male,2,4,3,2,2025-03-02T10:00:00\n")
LABELS = EXPORT + ("2025-03-01T10:00:00,female,Agree,Strongly agree,7,1,2025-03-02T10:00:00\n"
                   "2025-03-01T10:00:00,male,Disagree,Agree,3,2,2025-03-02T10:00:00\n")
FORM = "Cohesion_Survey_-_all_versions_-_{}_-_2025-03-0{}-10-00-00.csv"


def _ingest(folder: Path, name: str, body: str, city: str | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return ingest_file("survey", folder / name, city_id=city)


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return [tuple(r) for r in con.execute(sql).fetchall()]


def test_the_latest_codebook_file_decides_its_rows(home: Path, tmp_path: Path) -> None:
    """Was: the corrected codebook stored nothing for q1 (unchanged) and its q2 row beside the old one, and the
    staging model kept q5 (withdrawn) and q2's first construct in sort order (cohesion). Now the codebook is the
    corrected file's rows for every survey, and the youth survey's own row, which the correction does not name,
    stays."""
    _ingest(tmp_path / "first", "survey_codebook.csv", FIRST)
    _ingest(tmp_path / "second", "survey_codebook.csv", CORRECTED)
    lake.ensure_tables()
    dbt_build(home, "--select", "stg_survey_codebook")
    got = _rows(home, "select question, construct, scale_min, missing_codes, survey_id from stg_survey_codebook "
                      "order by survey_id nulls first, question")
    assert got == [("q1", "cohesion", 1.0, "98", None), ("q2", "trust", 1.0, "98", None),
                   ("q1", "cohesion", 0.0, "99", "youth")]


def test_a_re_export_storing_nothing_new_is_the_latest_export(home: Path, tmp_path: Path) -> None:
    """Was: the values export sent again after the labels export (a day later, every answer stored already) wrote
    no lake part, so the labels export stayed the form's latest and its lost q1 and q2 were said still. Now the
    values export of 5 March is the latest export, and the labels export is superseded by it."""
    _ingest(tmp_path / "book", "survey_codebook.csv", FIRST)
    values_first, labels, values_again = FORM.format("xml_values", 3), FORM.format("labels", 4), \
        FORM.format("xml_values", 5)
    _ingest(tmp_path / "a", values_first, VALUES, "saida")
    _ingest(tmp_path / "b", labels, LABELS, "saida")
    again = _ingest(tmp_path / "c", values_again, VALUES, "saida")
    assert again.accepted == 0  # nothing new: every answer is stored already
    lake.ensure_tables()
    dbt_build(home, "--select", "+survey_text_answers")
    exports = _rows(home, "select source_file, latest_file from stg_survey_exports order by source_file")
    assert {latest for _, latest in exports} == {values_again}
    assert values_again in {f for f, _ in exports}
    assert _rows(home, "select source_file, question, superseded_by from survey_text_answers order by question") == [
        (labels, "q1", values_again), (labels, "q2", values_again)]
