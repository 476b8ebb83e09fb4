"""A codebook's ``survey`` column naming no ingested survey export.

A codebook row scoped to a survey (``survey_id``, synonyms ``survey``, ``form_id``) whose value names no survey
the lake holds (a title, "Resilience survey 2025", where the export's id is ``resilience_2025``) scoped its rows to
no export, silently. Now the codebook's ingest says which values name no export (warning
``codebook_unknown_surveys``, the file and the values), the data-health page says it once however often the file is
ingested, and no more once an export of that survey is ingested. A title written as KoboToolbox names its exports
(``Resilience survey 2025`` -> ``Resilience_survey_2025_-_all_versions_-_...``) is that survey: spaces,
underscores and hyphens compare alike, as case does (macro survey_key)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboards import i18n
from scn import lake
from scn.ingest.ingest_warnings import published
from scn.ingest.pipeline import ingest_file
from tests.support.dbt_world import dbt_build
from tests.support.survey_health import health_warning_lines

BOOK = ("question,construct,label,scale_min,scale_max,reverse,survey\n"
        "q1,cohesion,a,1,5,false,\n"
        "q1,cohesion,a,0,4,false,{}\n")
EXPORT = ("start,group_a/q1,_id,_submission_time\n"
          "2025-03-01T10:00:00,0,1,2025-03-02T10:00:00\n2025-03-01T10:00:00,3,2,2025-03-02T10:00:00\n")
TITLE = "Resilience survey 2025"


def _ingest(folder: Path, name: str, body: str, city: str | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return ingest_file("survey", path, city_id=city)


def _unknown(result) -> list[dict]:
    return [w for w in result.warnings if w["code"] == "codebook_unknown_surveys"]


def test_a_codebook_survey_naming_no_export_is_said(home: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The export is survey ``resilience_2025``; the codebook names its title: a warning naming the value (and the
    surveys there are), one line on the page after the same codebook is ingested twice; gone once an export of
    that survey comes."""
    _ingest(tmp_path / "x", "resilience_2025.csv", EXPORT, "saida")
    book = BOOK.format(TITLE)
    first = _ingest(tmp_path / "a", "survey_codebook.csv", book)
    assert first.accepted == 2
    [w] = _unknown(first)
    assert (w["values"], w["count"], w["surveys"]) == ([TITLE], 1, ["resilience_2025"])
    _ingest(tmp_path / "b", "survey_codebook.csv", book)  # taken again
    rows = published().query("code == 'codebook_unknown_surveys'")
    assert len(rows) == 1 and rows["file"].iloc[0].endswith("survey_codebook.csv")
    lake.ensure_tables()
    dbt_build(home, "--select", "+survey_text_answers")
    want = i18n.t("warning_codebook_unknown_surveys", "en", file="survey_codebook.csv", count=1, values=TITLE,
                  surveys="resilience_2025")
    assert health_warning_lines(home, monkeypatch) == [want]
    # an export of that survey (a KoboToolbox export of the form titled so) comes: nothing left to say
    _ingest(tmp_path / "c", "Resilience_survey_2025_-_all_versions_-_xml_values_-_2025-03-03-10-22-33.csv",
            EXPORT.replace(",1,", ",11,").replace(",2,", ",12,"), "saida")
    assert published().query("code == 'codebook_unknown_surveys'").empty


def test_a_codebook_survey_that_names_an_export_is_no_warning_and_scopes_it(home: Path, tmp_path: Path) -> None:
    """Ids in another case, or a title whose spaces the export's file name writes as underscores: no warning, and
    the survey's own row (0-4, 0 scored) wins over the global one (1-5) for that survey's answers."""
    _ingest(tmp_path / "x", "Resilience_survey_2025_-_all_versions_-_xml_values_-_2025-03-03-10-22-33.csv",
            EXPORT, "saida")
    assert not _unknown(_ingest(tmp_path / "t", "survey_codebook.csv", BOOK.format(TITLE)))  # the title alone
    lake.ensure_tables()
    dbt_build(home, "--select", "+int_survey_answers")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        got = con.execute("select survey_id, value, scale_min, scale_max, answer_status from int_survey_answers "
                          "order by value").fetchall()
    assert got == [("Resilience_survey_2025", 0.0, 0.0, 4.0, "scored"),
                   ("Resilience_survey_2025", 3.0, 0.0, 4.0, "scored")]
    for i, value in enumerate((" RESILIENCE_SURVEY_2025", "resilience-survey  2025")):
        assert not _unknown(_ingest(tmp_path / str(i), "survey_codebook.csv", BOOK.format(value))), value
    assert published().query("code == 'codebook_unknown_surveys'").empty


def test_a_codebook_before_any_export_waits_for_it(home: Path, tmp_path: Path) -> None:
    """Codebook first: its survey is named by no export yet (said), until the export comes (said no more)."""
    [w] = _unknown(_ingest(tmp_path / "a", "survey_codebook.csv", BOOK.format("youth")))
    assert (w["values"], w["surveys"]) == (["youth"], [])
    assert len(published().query("code == 'codebook_unknown_surveys'")) == 1
    _ingest(tmp_path / "b", "youth.csv", EXPORT, "saida")
    assert published().query("code == 'codebook_unknown_surveys'").empty
