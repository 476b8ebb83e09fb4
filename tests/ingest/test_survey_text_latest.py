"""The survey questions dropped as text, as the data-health page says them.

A file refused because every question in it held text still records which of its columns were dropped as text
(names only, never a value), so the page can say which codebook questions of which file were lost; nothing else of
it is stored. And the page reflects the latest export of a form (same survey id): a labels export superseded by a
values export of the same form (the city re-sent it with coded values) is said no more.

Built through the real path: files ingested (scn.ingest.pipeline.ingest_file), then `dbt build` over that lake,
then the health page over a snapshot publishing what this lake gives."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import i18n
from scn import lake
from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError
from tests.support.dbt_world import dbt_build
from tests.support.survey_health import health_warning_lines

CODEBOOK = ("question,construct,label,scale_min,scale_max,reverse,missing_codes\n"
            "q1,cohesion,a,1,5,false,98\nq2,cohesion,b,1,5,false,98\nq5,trust,e,0,10,false,\n")
HEADER = "start,group_demo/gender,{},_id,_submission_time"
ONLY_TEXT = (HEADER.format("group_a/q1,group_a/q2,group_a/comment") + "\n"
             "2025-03-01T10:00:00,female,Agree,Strongly agree,my street is calm,1,2025-03-02T10:00:00\n"
             "2025-03-01T10:00:00,male,Disagree,Agree,too noisy,2,2025-03-02T10:00:00\n")
SECRETS = ("Agree", "Strongly agree", "Disagree", "my street is calm", "too noisy")
LABELS = (HEADER.format("group_a/q1,group_a/q2,group_a/q5,group_a/comment") + "\n"
          "2025-03-01T10:00:00,female,Agree,Strongly agree,7,my street is calm,1,2025-03-02T10:00:00\n"
          "2025-03-01T10:00:00,male,Disagree,Agree,3,too noisy,2,2025-03-02T10:00:00\n")
VALUES = (HEADER.format("group_a/q1,group_a/q2,group_a/q5,group_a/comment") + "\n"
          "2025-03-01T10:00:00,female,4,5,7,my street is calm,1,2025-03-02T10:00:00\n"
          "2025-03-01T10:00:00,male,2,4,3,too noisy,2,2025-03-02T10:00:00\n")
# two KoboToolbox exports of one form (survey id Cohesion_Survey): labels, then values the day after
LABELS_NAME = "Cohesion_Survey_-_all_versions_-_labels_-_2025-03-03-10-22-33.csv"
VALUES_NAME = "Cohesion_Survey_-_all_versions_-_xml_values_-_2025-03-04-09-00-00.csv"


def _ingest(folder: Path, name: str, body: str, city: str | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return ingest_file("survey", path, city_id=city)


def _text_columns() -> list[tuple[str, str, str, str, str]]:
    got = lake.read_table("survey_text_columns")
    return sorted(got[["city_id", "survey_id", "source_file", "column_name", "question"]]
                  .itertuples(index=False, name=None))


def _lake_text(home: Path) -> str:
    """Every value of every survey table part in the lake, as one text (to look for answers in)."""
    parts = [pd.read_parquet(p) for t in ("survey_text_columns", "survey_responses", "ingest_warnings", "quarantine")
             for p in (home / "lake" / t).glob("part-*.parquet")]
    return "\n".join(f.astype(str).to_csv(index=False) for f in parts)


def _mart(home: Path) -> list[dict]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select * from survey_text_answers order by source_file, question").df() \
            .astype(object).where(lambda f: f.notna(), None).to_dict("records")


def _question_lines(file: str, questions: tuple[str, ...], lang: str = "en") -> list[str]:
    return sorted(i18n.t("warning_survey_text_question", lang, file=file, question=q, column=f"group_a/{q}")
                  for q in questions)


def test_a_file_refused_as_all_text_records_its_text_columns(home: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: a labels export with no numeric question left was refused before its dropped columns were recorded, so
    the page never said which codebook questions of it were lost. Now the refusal stands (nothing else stored) and
    the columns are recorded, once however often the file is taken again; no answer is stored anywhere."""
    _ingest(tmp_path, "survey_codebook.csv", CODEBOOK)
    for attempt in range(2):  # a re-run must not record them twice
        with pytest.raises(IngestError, match="no numeric question columns"):
            _ingest(tmp_path / f"run{attempt}", "only_text.csv", ONLY_TEXT, "saida")
        assert _text_columns() == [("saida", "only_text", "only_text.csv", f"group_a/{q}", q)
                                   for q in ("comment", "q1", "q2")], attempt
    assert not lake.has_table("survey_responses") or lake.read_table("survey_responses").empty
    log = lake.read_table("ingest_log")
    assert log.loc[log["file"].str.endswith("only_text.csv"), "accepted"].tolist() == [0, 0]
    text = _lake_text(home)
    assert not [s for s in SECRETS if s in text], "a text answer was stored"
    lake.ensure_tables()
    dbt_build(home, "--select", "+survey_text_answers")
    assert [(r["source_file"], r["question"], r["column_name"]) for r in _mart(home)] == [
        ("only_text.csv", "q1", "group_a/q1"), ("only_text.csv", "q2", "group_a/q2")]
    assert health_warning_lines(home, monkeypatch) == _question_lines("only_text.csv", ("q1", "q2"))


@pytest.mark.parametrize("order", ["labels_then_values", "values_then_labels"])
def test_the_page_reflects_the_latest_export_of_a_form(order: str, home: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: the line about q1 and q2 of the labels export stayed after the city re-sent the form as values (its
    answers to q1 and q2 now stored and scored). Now the page says the text columns of the latest export of each
    survey (same survey id): none after a values re-export, and again once a later labels export comes; the older
    file's rows stay in the mart, marked superseded. Re-ingesting the older file does not make it the latest."""
    codebook_first = tmp_path / "book"
    _ingest(codebook_first, "survey_codebook.csv", CODEBOOK)  # the labels export's own ingest warning is written
    first, second = ((LABELS_NAME, LABELS), (VALUES_NAME, VALUES))[:: 1 if order == "labels_then_values" else -1]
    _ingest(tmp_path / "a", *first, "saida")
    lake.ensure_tables()
    dbt_build(home, "--select", "+survey_text_answers")
    lines_before = health_warning_lines(home, monkeypatch)
    assert lines_before == (_question_lines(LABELS_NAME, ("q1", "q2")) if order == "labels_then_values" else [])

    _ingest(tmp_path / "b", *second, "saida")
    _ingest(tmp_path / "c", *first, "saida")  # the older export taken again: not the latest for that
    assert {s for _, s, *_ in _text_columns()} == {"Cohesion_Survey"}  # one form, one survey id
    dbt_build(home, "--select", "+survey_text_answers")
    mart = _mart(home)
    assert [(r["source_file"], r["question"]) for r in mart] == [(LABELS_NAME, "q1"), (LABELS_NAME, "q2")]
    latest = order == "values_then_labels"
    assert [r["superseded_by"] for r in mart] == [None if latest else VALUES_NAME] * 2
    want = _question_lines(LABELS_NAME, ("q1", "q2")) if latest else []
    for lang in ("en", "fr"):
        assert health_warning_lines(home, monkeypatch, lang) == \
            (_question_lines(LABELS_NAME, ("q1", "q2"), lang) if latest else []), (order, lang)
    assert health_warning_lines(home, monkeypatch) == want
    text = _lake_text(home)
    assert not [s for s in SECRETS if s in text], "a text answer was stored"
