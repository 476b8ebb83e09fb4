"""The survey codebook and the exports, whichever order they arrive in.

A labels export ("Strongly agree" where the values export writes 5) loses the answers of its text columns: they
are not stored. The columns it dropped are remembered (lake table ``survey_text_columns``), so that a codebook
ingested later, naming those questions, makes the data-health page say which answers of which file were lost,
the same sentences as when the codebook came first (mart ``survey_text_answers``).

A codebook row may name the survey it is for (``survey_id``; blank = every survey): the per-survey row wins over
the global one (0 a valid answer in one survey, a missing code in another); codebooks without the column read as
before.

Built through the real path: files ingested (scn.ingest.pipeline.ingest_file), then `dbt build` over that lake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import i18n
from scn import lake
from scn.ingest.pipeline import ingest_file
from tests.support.dbt_world import dbt_build

CODEBOOK = ("question,construct,label,scale_min,scale_max,reverse,missing_codes\n"
            "q1,cohesion,a,1,5,false,98\nq2,cohesion,b,1,5,false,98\nq5,trust,e,0,10,false,\n")
HEADER = "start,group_demo/gender,group_demo/area_code,{},weight,wave,programme_id,_id,_submission_time"
LABELS = (HEADER.format("group_a/q1,group_a/q2,group_a/q5,group_a/comment") + "\n"
          "2025-03-01T10:00:00,female,A1,Agree,Strongly agree,7,fine,1,baseline,lpn-x,1,2025-03-02T10:00:00\n"
          "2025-03-01T10:00:00,male,A2,Disagree,Agree,3,no,1,baseline,lpn-x,2,2025-03-02T10:00:00\n")


def _ingest(tmp_path: Path, name: str, body: str, city: str | None = None):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return ingest_file("survey", path, city_id=city)


def test_the_columns_a_labels_export_dropped_are_stored(home: Path, tmp_path: Path) -> None:
    """Before any codebook: no warning can name codebook questions, but which columns of which file were dropped as
    text is kept (column names only, never a value), for a codebook that comes later."""
    r = _ingest(tmp_path, "labels.csv", LABELS, "saida")
    assert not [w for w in r.warnings if w["code"] == "survey_text_answers"]  # no codebook yet: nothing to name
    assert lake.has_table("survey_text_columns"), "the dropped text columns are stored nowhere"
    got = lake.read_table("survey_text_columns").sort_values("column_name").reset_index(drop=True)
    want = pd.DataFrame({"city_id": "saida", "survey_id": "labels", "source_file": "labels.csv",
                         "column_name": ["group_a/comment", "group_a/q1", "group_a/q2"],
                         "question": ["comment", "q1", "q2"]})
    pd.testing.assert_frame_equal(got[list(want.columns)].astype(object), want.astype(object))
    again = tmp_path / "again"
    again.mkdir()
    assert _ingest(again, "labels.csv", LABELS, "saida").accepted == 0  # the same file again: nothing new
    assert len(lake.read_table("survey_text_columns")) == 3


def _health_items(home: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> list[str]:
    """The health page's ingest-warning lines (``lang``) over a snapshot publishing what this lake gives."""
    from dashboards.app import create_app
    from scn.ingest.ingest_warnings import published
    from tests.support.dash_client import find_props, route
    from tests.support.snapshots import make_tables, publish_tables

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        text = con.execute("select * from survey_text_answers").df()
    warnings = published()
    folder = home.parent / f"served-{lang}"
    monkeypatch.setenv("SCN_HOME", str(folder))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(folder, {**make_tables(0), "survey_text_answers": text, "ingest_warnings": warnings})
    client = create_app(folder, local_staff=True).server.test_client()
    page = client.post("/_dash-update-component", json=route("/health", lang=lang)).get_json()
    items = find_props(page, "health-warnings")["children"]
    monkeypatch.setenv("SCN_HOME", str(home))
    return sorted(str(i["props"]["children"]) for i in items)


@pytest.mark.parametrize("order", ["codebook_first", "labels_first"])
def test_a_labels_export_is_named_whichever_order_the_codebook_comes_in(order: str, home: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Codebook then labels export, or the reverse: the same rows in ``survey_text_answers`` (the file and each
    codebook question whose answers it dropped as text; the free-text comment is no codebook question) and the same
    sentences on the data-health page, in English, French and Arabic."""
    files = [("survey_codebook.csv", CODEBOOK, None), ("labels.csv", LABELS, "saida")]
    for name, body, city in files if order == "codebook_first" else files[::-1]:
        _ingest(tmp_path, name, body, city)
    lake.ensure_tables()
    dbt_build(home, "--select", "+survey_text_answers")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        text = con.execute("select city_id, survey_id, source_file, question, column_name, construct "
                           "from survey_text_answers order by question").df()
    assert text.to_dict("records") == [
        {"city_id": "saida", "survey_id": "labels", "source_file": "labels.csv", "question": q,
         "column_name": f"group_a/{q}", "construct": "cohesion"} for q in ("q1", "q2")]
    for lang in ("en", "fr", "ar"):
        want = sorted(i18n.t("warning_survey_text_question", lang, file="labels.csv", question=q,
                             column=f"group_a/{q}") for q in ("q1", "q2"))
        assert _health_items(home, monkeypatch, lang) == want, (order, lang)  # nothing else, nothing twice


CODEBOOK_BY_SURVEY = ("question,construct,label,scale_min,scale_max,reverse,missing_codes,survey_id\n"
                      "q1,cohesion,a,1,5,false,0;99,\n"       # every survey: 0 and 99 are non-answers
                      "q1,cohesion,a,0,4,false,99,youth\n"    # the youth survey: 0 is an answer on its 0-4 scale
                      "q2,cohesion,b,1,5,false,99,\n")


def _export(answers: list[tuple[str, str]]) -> str:
    lines = [HEADER.format("group_a/q1,group_a/q2")]
    lines += [f"2025-03-01T10:00:00,female,A1,{q1},{q2},1,baseline,lpn-x,{i + 1},2025-03-02T10:00:00"
              for i, (q1, q2) in enumerate(answers)]
    return "\n".join(lines) + "\n"


def test_a_codebook_row_of_one_survey_wins_over_the_global_one(home: Path, tmp_path: Path) -> None:
    """``survey_id`` in the codebook scopes a row to one survey (blank: every survey). The youth survey's q1 is 0-4
    (0 scored); every other survey's q1 is 1-5 with 0 and 99 non-answers; q2 has only its global row."""
    r = _ingest(tmp_path, "survey_codebook.csv", CODEBOOK_BY_SURVEY)
    assert r.accepted == 3 and r.quarantined == 0
    book = lake.read_table("survey_codebook")
    assert sorted(book["survey_id"].fillna("").tolist()) == ["", "", "youth"]
    answers = [("0", "0"), ("1", "1"), ("4", "5"), ("99", "99")]
    _ingest(tmp_path, "adults.csv", _export(answers), "saida")
    _ingest(tmp_path, "youth.csv", _export(answers), "saida")
    lake.ensure_tables()
    dbt_build(home, "--select", "+int_survey_answers", "+survey_excluded_answers")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        got = con.execute("select survey_id, question, value, scale_min, scale_max, answer_status "
                          "from int_survey_answers").df()
    status = {(r.survey_id, r.question, r.value): r.answer_status for r in got.itertuples()}
    assert status == {
        ("adults", "q1", 0.0): "declared_missing", ("adults", "q1", 1.0): "scored", ("adults", "q1", 4.0): "scored",
        ("adults", "q1", 99.0): "declared_missing",
        ("youth", "q1", 0.0): "scored", ("youth", "q1", 1.0): "scored", ("youth", "q1", 4.0): "scored",
        ("youth", "q1", 99.0): "declared_missing",
        **{(s, "q2", v): st for s in ("adults", "youth")
           for v, st in ((0.0, "out_of_range"), (1.0, "scored"), (5.0, "scored"), (99.0, "declared_missing"))}}
    scales = got.groupby(["survey_id", "question"])[["scale_min", "scale_max"]].first()
    assert scales.loc[("youth", "q1")].tolist() == [0.0, 4.0] and scales.loc[("adults", "q1")].tolist() == [1.0, 5.0]


def test_a_codebook_without_survey_id_reads_as_before(home: Path, tmp_path: Path) -> None:
    """No survey_id column: every row is global (null), and the same codebook sent again (another name, the same
    bytes) is all duplicates: a codebook file is stored whole (its latest file decides its rows, stg_survey_codebook)
    in the part of its bytes, which holds it already: the lake holds each row once."""
    assert _ingest(tmp_path, "survey_codebook.csv", CODEBOOK).accepted == 3
    again = _ingest(tmp_path, "codebook_copy.csv", CODEBOOK)
    assert (again.accepted, again.duplicates) == (0, 3)
    assert len(list((home / "lake" / "survey_codebook").glob("part-*.parquet"))) == 1
    book = lake.read_table("survey_codebook")
    assert len(book) == 3 and book["survey_id"].isna().all()


def test_a_codebook_survey_id_matches_the_export_in_any_case(home: Path, tmp_path: Path) -> None:
    """Was: a codebook row for ``Youth`` was used for no survey (the export of youth.csv is survey ``youth``), and
    the youth survey's 0 answers read on the global 1-5 scale as non-answers."""
    assert "youth" in CODEBOOK_BY_SURVEY
    _ingest(tmp_path, "survey_codebook.csv", CODEBOOK_BY_SURVEY.replace("youth", "Youth "))
    _ingest(tmp_path, "youth.csv", _export([("0", "1")]), "saida")
    lake.ensure_tables()
    dbt_build(home, "--select", "+int_survey_answers", "+survey_text_answers")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        got = con.execute("select survey_id, question, value, scale_min, scale_max, answer_status "
                          "from int_survey_answers where question = 'q1'").fetchall()
    assert got == [("youth", "q1", 0.0, 0.0, 4.0, "scored")]


def test_the_codebook_template_has_the_optional_survey_id_column_blank(home: Path) -> None:
    template = Path(__file__).parents[2] / "scn" / "templates" / "survey_codebook.csv"
    header, *rows = template.read_text(encoding="utf-8").splitlines()
    assert header.split(",")[-1] == "survey_id" and rows and all(r.endswith(",") for r in rows)
    assert ingest_file("survey", template).accepted == len(rows)
    assert lake.read_table("survey_codebook")["survey_id"].isna().all()  # blank: a row for every survey
