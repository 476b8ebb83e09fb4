"""Survey exports as KoboToolbox and ODK Central write them: a form's timestamped re-exports, its collected pages
and the lake of an earlier version never store a submission twice; geopoint parts, personal-identifier columns
and phone numbers typed as answers are never stored (issue: re-exports duplicate responses; survey PII)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.ingest import survey
from scn.ingest.pipeline import ingest_file
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from tests.support.corpus import kobo, kobo_row
from tests.support.fake_platforms import fake_platform
from tests.support.fake_sources import FakeKobo

CITY = "mombasa"
EXPORT_1 = "Cohesion_Survey_-_all_versions_-_labels_-_2025-03-03-10-22-33.csv"
EXPORT_2 = "Cohesion_Survey_-_all_versions_-_labels_-_2025-03-10-08-01-12.csv"


def uid(i: int) -> str:
    """A Kobo ``_uuid`` (the instanceID without ``uuid:``) of submission ``i``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"submission-{i}"))


def write(folder: Path, name: str, body: bytes) -> Path:
    path = folder / name
    path.write_bytes(body)
    return path


def responses() -> pd.DataFrame:
    return lake.read_table("survey_responses")


def quarantine_text() -> str:
    return " ".join(lake.read_table("quarantine")["raw_json"].astype(str)) if lake.has_table("quarantine") else ""


# ------------------------------------------------------------------------------------------- 1. re-exports
def test_a_kobo_re_export_does_not_store_its_submissions_again(home: Path, tmp_path: Path) -> None:
    first = ingest_file("survey", write(tmp_path, EXPORT_1, kobo(kobo_row(1, uuid=uid(1)), kobo_row(2, uuid=uid(2)))),
                        city_id=CITY)
    again = ingest_file("survey", write(tmp_path, EXPORT_2, kobo(*(kobo_row(i, uuid=uid(i)) for i in (1, 2, 3)))),
                        city_id=CITY)
    assert (first.accepted, first.duplicates) == (8, 0)
    assert (again.rows_read, again.accepted, again.duplicates) == (12, 4, 8)
    t = responses()
    assert set(t["survey_id"]) == {"Cohesion_Survey"}
    assert t.groupby("response_id").size().to_dict() == {uid(i): 4 for i in (1, 2, 3)}


def test_export_names_lose_what_the_export_adds() -> None:
    assert survey.survey_id(Path(EXPORT_1)) == "Cohesion_Survey"
    assert survey.survey_id(Path("Cohesion_Survey_-_latest_version_-_xml_values_-_2025-03-10-08-01-12.xlsx")) \
        == "Cohesion_Survey"
    assert survey.survey_id(Path("aBc123_2019_05_01_10_22_33.csv")) == "aBc123"  # KoBoCAT
    assert survey.survey_id(Path("wave1 (1).csv")) == "wave1"  # a browser's second download
    assert survey.survey_id(Path("resilience-2025.csv")) == "resilience-2025"
    assert survey.survey_id(Path("_-_2025-03-03-10-22-33.csv")) == "_-_2025-03-03-10-22-33"


def test_an_export_renamed_by_hand_is_no_new_survey(home: Path, tmp_path: Path) -> None:
    ingest_file("survey", write(tmp_path, EXPORT_1, kobo(kobo_row(1, uuid=uid(1)))), city_id=CITY)
    renamed = ingest_file("survey", write(tmp_path, "baseline final.csv",
                                          kobo(kobo_row(1, uuid="uuid:" + uid(1).upper()), kobo_row(2, uuid=uid(2)))),
                          city_id=CITY)
    assert (renamed.accepted, renamed.duplicates) == (4, 4)
    t = responses()
    assert set(t["survey_id"]) == {"Cohesion_Survey"} and set(t["response_id"]) == {uid(1), uid(2)}


def test_ids_that_are_not_platform_unique_stay_per_file(home: Path, tmp_path: Path) -> None:
    """Kobo ``_id``s 1, 2 (or test ids ``uuid-1``) of two files of one city are two surveys' responses."""
    ingest_file("survey", write(tmp_path, "wave1.csv", kobo(kobo_row(1), kobo_row(2))), city_id=CITY)
    other = ingest_file("survey", write(tmp_path, "wave2.csv", kobo(kobo_row(1), kobo_row(2))), city_id=CITY)
    assert (other.accepted, other.duplicates) == (8, 0)
    assert set(responses()["survey_id"]) == {"wave1", "wave2"}


def _old_ids(city_id: str | None, path: Path, ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The survey ids ingest gave before: the file name without extension, whatever the lake holds."""
    return pd.Series(path.stem, index=ids.index, dtype="string"), ids


def test_a_lake_of_timestamped_survey_ids_gets_no_duplicates(home: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    old = write(tmp_path, EXPORT_1, kobo(kobo_row(1, uuid=uid(1)), kobo_row(2, uuid=uid(2))))
    legacy = write(tmp_path, "wave1 (1).csv", kobo(kobo_row(1), kobo_row(2)))  # ids that are no UUIDs
    with monkeypatch.context() as m:
        m.setattr(survey, "_resolve_ids", _old_ids)
        ingest_file("survey", old, city_id=CITY)
        ingest_file("survey", legacy, city_id=CITY)
    assert ingest_file("survey", old, city_id=CITY).duplicates == 8  # the same file again: nothing new
    assert ingest_file("survey", legacy, city_id=CITY).duplicates == 8
    newer = ingest_file("survey", write(tmp_path, EXPORT_2, kobo(*(kobo_row(i, uuid=uid(i)) for i in (1, 2, 3)))),
                        city_id=CITY)
    assert (newer.accepted, newer.duplicates) == (4, 8)
    t = responses()
    stem = Path(EXPORT_1).stem
    assert set(t["survey_id"]) == {stem, "wave1 (1)"}  # the new submission joins its form's stored survey id
    assert t[t["survey_id"] == stem].groupby("response_id").size().to_dict() == {uid(i): 4 for i in (1, 2, 3)}


def test_a_collected_form_and_its_export_share_submissions(home: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    header = "start,end,group_cohesion/sc1,group_cohesion/sc2,gender,_id,_uuid,_submission_time"

    def export(*ids: int) -> bytes:
        rows = [f"2025-03-01T09:00:00,2025-03-01T09:10:00,{1 + i % 5},{i % 4},female,{5000 + i},{uid(i)},"
                f"2025-03-01T10:{i:02d}:00" for i in ids]
        return "\n".join([header, *rows, ""]).encode()

    with fake_platform() as fp:
        fk = FakeKobo(fp)
        monkeypatch.setenv("SCN_KOBO_TOKEN", fk.token)
        cfg = SourceConfig(source="kobo", city_id=CITY, instance=fp.url, forms=[fk.uid], page_size=10)
        fk.add_many(3)
        for i, r in enumerate(fk.results, start=1):
            r["_uuid"], r["meta/instanceID"] = uid(i), f"uuid:{uid(i)}"
        assert collect("kobo", CITY, config=cfg).accepted == 6
        # the export holds the collected submissions and one more: only that one is new, and it joins the form
        r = ingest_file("survey", write(tmp_path, EXPORT_1, export(1, 2, 3, 4)), city_id=CITY)
        assert (r.accepted, r.duplicates) == (2, 6)
        assert set(responses()["survey_id"]) == {fk.uid}

    other = "mombasa-form"  # the other order: an export first, then a collection taking all submissions again
    with fake_platform() as fp:
        fk = FakeKobo(fp, uid=other)
        monkeypatch.setenv("SCN_KOBO_TOKEN", fk.token)
        fk.add_many(3)
        for i, rec in enumerate(fk.results, start=11):
            rec["_uuid"], rec["meta/instanceID"] = uid(i), f"uuid:{uid(i)}"
        ingest_file("survey", write(tmp_path, "Exposure_-_all_versions_-_labels_-_2025-03-03-10-22-33.csv",
                                    export(11, 12)), city_id=CITY)
        cfg = SourceConfig(source="kobo", city_id=CITY, instance=fp.url, forms=[other], page_size=10)
        res = collect("kobo", CITY, config=cfg)
        assert (res.accepted, res.duplicates) == (2, 4)
    t = responses()
    assert not t.duplicated(["response_id", "question"]).any()
    assert t[t["response_id"].isin([uid(i) for i in (11, 12, 13)])]["survey_id"].unique().tolist() == ["Exposure"]


# ------------------------------------------------------------------------------------------- 2. personal data
ODK_GEO = ("SubmissionDate,grp-q1,grp-q2,home-location-Latitude,home-location-Longitude,home-location-Altitude,"
           "home-location-Accuracy,respondent-phone_number,respondent-e-mail,meta-instanceID,KEY")


def test_odk_geopoints_and_phone_columns_are_not_stored(home: Path, tmp_path: Path) -> None:
    rows = [f"2025-03-02T10:00:00.000Z,{i},4,-4.0435,39.6682,12.5,4.8,+25471234567{i},{i},uuid:{uid(i)},uuid:{uid(i)}"
            for i in (1, 2)]
    r = ingest_file("survey", write(tmp_path, "cohesion.csv", "\n".join([ODK_GEO, *rows, ""]).encode()),
                    city_id=CITY)
    t = responses()
    assert set(t["question"]) == {"q1", "q2"} and (r.accepted, r.quarantined) == (4, 0)
    assert not (t["value"].abs() > 10).any()
    (w,) = [w for w in r.warnings if w["code"] == "personal_columns"]
    assert w["columns"] == ["home-location-Latitude", "home-location-Longitude", "home-location-Altitude",
                            "home-location-Accuracy", "respondent-phone_number", "respondent-e-mail"]
    stored = lake.read_table("ingest_warnings")
    assert stored["code"].tolist() == ["personal_columns"]
    assert json.loads(stored["params"].iloc[0])["count"] == 6


def test_kobo_geopoints_and_named_identifiers_are_not_stored(home: Path, tmp_path: Path) -> None:
    header = ("start,group_a/q1,group_a/mobile_money_use,group_a/name_calling_seen,group_a/accuracy,home_location,"
              "_home_location_latitude,"
              "_home_location_longitude,_home_location_altitude,_home_location_precision,group_r/respondent_name,"
              "group_r/respondentPhone,group_r/national_id,_id,_uuid,_submission_time")
    rows = [f"2025-03-01T10:00:00,3,1,2,4,-4.0435 39.6682 12.5 4.8,-4.0435,39.6682,12.5,4.8,"
            f"{'Amina Y' if i == 1 else '7'},712345678,{23456789 + i},{i},{uid(i)},2025-03-02T10:00:00"
            for i in (1, 2)]
    r = ingest_file("survey", write(tmp_path, "k.csv", "\n".join([header, *rows, ""]).encode()), city_id=CITY)
    t = responses()
    assert set(t["question"]) == {"q1", "mobile_money_use", "name_calling_seen", "accuracy"} and r.quarantined == 0
    (w,) = r.warnings
    assert w["columns"] == ["group_r/respondent_name", "group_r/respondentPhone", "group_r/national_id"]
    assert "Amina" not in quarantine_text()


def test_phone_numbers_typed_as_answers_are_withheld(home: Path, tmp_path: Path) -> None:
    body = kobo(kobo_row(1, uuid=uid(1), q1="+254712345678"), kobo_row(2, uuid=uid(2), q1="0712 345 678"),
                kobo_row(3, uuid=uid(3), q1="2.54712345678E+11"), kobo_row(4, uuid=uid(4), q1="5"))
    r = ingest_file("survey", write(tmp_path, "s.csv", body), city_id=CITY)
    t = responses()
    assert sorted(t.loc[t["question"] == "q1", "value"]) == [5.0]
    assert (r.accepted, r.quarantined) == (13, 3)
    assert {e["reason"] for e in r.errors} == {"looks like a phone number: not stored"}
    assert "712" not in quarantine_text() and "2.547" not in quarantine_text()
    assert [w["phone_cells"] for w in r.warnings if w["code"] == "personal_columns"] == [3]


def test_a_column_of_phone_numbers_is_not_a_question(home: Path, tmp_path: Path) -> None:
    header = "group_a/q1,group_a/contact,_uuid,_submission_time"
    rows = [f"{i},+2547123456{i:02d},{uid(i)},2025-03-02T10:00:00" for i in (1, 2, 3)]
    r = ingest_file("survey", write(tmp_path, "s.csv", "\n".join([header, *rows, ""]).encode()), city_id=CITY)
    assert set(responses()["question"]) == {"q1"} and (r.accepted, r.quarantined) == (3, 0)
    assert r.warnings[0]["columns"] == ["group_a/contact"] and r.warnings[0]["phone_cells"] == 0


def test_clean_exports_warn_of_nothing(home: Path, tmp_path: Path) -> None:
    r = ingest_file("survey", write(tmp_path, "s.csv", kobo(kobo_row(1), kobo_row(2))), city_id=CITY)
    assert r.warnings == [] and (r.accepted, r.quarantined) == (8, 0)


def test_questions_of_a_hate_speech_survey_are_not_taken_for_identifiers() -> None:
    """Words that name a person's identifier as a column's last word (``home_address``, ``respondent_name``) are
    questions inside one (found by a reviewer: ``heard_hate_on_whatsapp`` and ``how_to_address_hate`` were
    dropped); a WhatsApp number is caught by its values."""
    for name in ("heard_hate_on_whatsapp", "how_to_address_hate", "name_calling_seen", "mobile_money_use"):
        assert not survey.is_personal(name), name
    for name in ("home_address", "respondent_name", "phoneNumber", "first_name", "national_id", "e-mail"):
        assert survey.is_personal(name), name
