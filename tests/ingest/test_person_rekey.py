"""Participant ids read as the person they name drop characters nobody sees (a zero-width space, a byte order mark,
a bidi mark: ``person_handle``) since 2026-12-07. A home that ingested such an id before holds it under the old
rule's pseudonym, and the same id sent after under the new one: one person, two pseudonyms (counted twice as
people), and a summits file sent again stored its delegates twice (``record_id`` = event id + pseudonym). The
pseudonyms stored by the old rule are re-keyed from the archived originals (``scn.ingest.rekey``), once per home."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.ingest import pipeline, programme
from scn.ingest.pipeline import ingest_file
from scn.ingest.programme import as_text

PEOPLE = "record_id,activity_id,participant_id,role,home_city,home_country,gender\n"
ACTS = ("activity_id,programme_line,activity_type,title,host_city,country,city_id,start_date,end_date\n"
        "A1,training,workshop,One,Saida,Lebanon,saida,2025-03-10,2025-03-11\n"
        "A2,training,workshop,Two,Saida,Lebanon,saida,2025-04-10,2025-04-11\n")
SUMMIT = ("summit_id,title,host_city,country,start_date,end_date,participant_id,role,home_city,home_country,gender\n"
          "S1,Summit,Montreal,Canada,2025-11-17,2025-11-19,{who},mayor,Saida,Lebanon,female\n"
          "S1,Summit,Montreal,Canada,2025-11-17,2025-11-19,sam@y.org,mayor,Saida,Lebanon,male\n")
JANE = "jane\u200b@x.org"  # a zero-width space copied from a web form
BIDI = "\u200fJane@X.org"


def _old_handle(s: pd.Series) -> pd.Series:
    """``person_handle`` as it was before 2026-12-07: format characters kept."""
    def one(v: str) -> str:
        bare = "".join(c for c in unicodedata.normalize("NFKD", v) if not unicodedata.combining(c))
        return " ".join(unicodedata.normalize("NFC", bare).casefold().split())
    text = as_text(s)
    return text.map({v: one(v) for v in text.dropna().unique()}).astype("string")


def _file(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


@pytest.fixture
def old_home(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home whose participants and summit files were ingested by the rule before: ``jane`` with a zero-width
    space in A1 and a bidi mark at the summit."""
    with monkeypatch.context() as m:  # the code before: the old rule, no re-key
        m.setattr(programme, "person_handle", _old_handle)
        m.setattr(pipeline, "rekey_people", lambda: 0)
        ingest_file("programme", _file(tmp_path, "activities.csv", ACTS))
        ingest_file("programme", _file(tmp_path, "participants-old.csv",
                                       PEOPLE + f"R1,A1,{JANE},practitioner,Saida,Lebanon,female\n"))
        ingest_file("programme", _file(tmp_path, "summits.csv", SUMMIT.format(who=BIDI)))
    people = lake.read_table("programme_participants")
    assert people["person_pseudo"].nunique() == 3  # the world is as the old code left it: jane twice, sam
    return tmp_path


def test_one_person_across_the_change_has_one_pseudonym(old_home: Path) -> None:
    ingest_file("programme", _file(old_home, "participants-new.csv",
                                   PEOPLE + f"R2,A2,{JANE},practitioner,Saida,Lebanon,female\n"
                                   "R3,A2,jane@x.org,practitioner,Saida,Lebanon,female\n"))
    people = lake.read_table("programme_participants")
    jane = people[people["record_id"].isin(["R1", "R2", "R3"]) | people["record_id"].str.startswith("S1:")]
    assert len(jane) == 5 and jane["person_pseudo"].nunique() == 2  # jane (R1, R2, R3, S1) and sam (S1)
    assert people.loc[people["record_id"].isin(["R1", "R2", "R3"]), "person_pseudo"].nunique() == 1


def test_a_summit_file_sent_again_stores_its_delegates_once(old_home: Path) -> None:
    result = ingest_file("programme", _file(old_home, "summits-again.csv", SUMMIT.format(who=BIDI)))
    people = lake.read_table("programme_participants")
    assert (result.accepted, result.duplicates) == (0, 2)
    assert people["record_id"].str.startswith("S1:").sum() == 2 and people["record_id"].is_unique


def test_a_part_whose_original_is_gone_keeps_its_pseudonyms(old_home: Path, home: Path) -> None:
    import shutil

    before = set(lake.read_table("programme_participants")["person_pseudo"])
    shutil.rmtree(home / "archive")
    result = ingest_file("programme", _file(old_home, "participants-new.csv",
                                            PEOPLE + "R9,A2,sam@y.org,practitioner,Saida,Lebanon,male\n"))
    assert result.accepted == 1
    assert set(lake.read_table("programme_participants")["person_pseudo"]) == before  # sam's is one of them


def test_the_quarantine_holds_no_person_and_the_fixed_row_counts_once(old_home: Path) -> None:
    """Decided: the quarantine holds neither participant ids nor pseudonyms (``PRIVATE`` leaves its ``raw_json``;
    reader-level bad rows are withheld), so a change of the participant-id rule has nothing there to re-key. A
    delegate refused under the old rule (a role not in the vocabulary, a ragged row) and sent again fixed under
    the new one is one person with the people she was stored as before (her pseudonym re-keyed in the lake)."""
    bad = (SUMMIT.format(who="sam@y.org").replace("S1,", "S2,")
           + f"S2,Summit,Montreal,Canada,2025-11-17,2025-11-19,{JANE},speaker,Saida,Lebanon,female\n"
           + f"S2,Summit,Montreal,Canada,2025-11-17,2025-11-19,{JANE}x,mayor,Saida,Lebanon,female,extra\n")
    people_bad = PEOPLE + f"R5,A2,{JANE},speaker,Saida,Lebanon,female\n"
    with pytest.MonkeyPatch.context() as m:
        m.setattr(programme, "person_handle", _old_handle)
        m.setattr(pipeline, "rekey_people", lambda: 0)
        assert ingest_file("programme", _file(old_home, "summits-2.csv", bad)).quarantined == 2
        assert ingest_file("programme", _file(old_home, "participants-bad.csv", people_bad)).quarantined == 1
    old = pd.Series([JANE, BIDI, JANE + "x"], dtype="string")
    pseudonyms = {*programme.pseudonymise("programme", _old_handle(old)),
                  *programme.pseudonymise("programme", programme.person_handle(old))}
    ingest_file("programme", _file(old_home, "summits-fixed.csv",
                                   SUMMIT.format(who=JANE).replace("S1,", "S2,").replace("mayor,Saida,Lebanon,female",
                                                                                      "practitioner,Saida,Lebanon,female")))
    q = lake.read_table("quarantine")
    held = q["raw_json"].fillna("").str.cat() + q["reason"].str.cat()
    assert len(q) == 3 and "jane" not in held.lower() and not any(p in held for p in pseudonyms)
    people = lake.read_table("programme_participants")
    jane = programme.pseudonymise("programme", programme.person_handle(old)).iloc[0]
    assert people.loc[people["person_pseudo"].eq(jane), "record_id"].tolist().count(f"S2:{jane}") == 1
    assert people["person_pseudo"].nunique() == 2  # jane (R1, S1, S2) and sam: none under the old rule
