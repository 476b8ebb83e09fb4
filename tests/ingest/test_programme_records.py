"""Programme records as careless partners write them (the programme red-team probe): one person written two
ways is one person, grant amounts in thousands are thousands, and participants of an activity the lake does not
hold are said, not lost."""

from __future__ import annotations

from pathlib import Path

from scn import lake
from scn.ingest.pipeline import ingest_file

PEOPLE = "record_id,activity_id,participant_id,role,home_city,home_country,gender\n"
ACT = "activity_id,programme_line,activity_type,title,host_city,country,city_id,start_date,end_date\n"
GRANTS = "grant_id,city_id,programme_line,recipient_org,amount,currency,year\n"


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors(r: object) -> list[tuple[int, str, str]]:
    return [(e["row"], e["field"], e["reason"]) for e in r.errors]  # type: ignore[attr-defined]


def test_one_person_written_with_other_case_spaces_or_accents_is_one_person(home: Path, tmp_path: Path) -> None:
    """A participant list re-typed by another partner: the id with composed or decomposed accents, doubled or
    odd spaces, other case, no accents. Was: ``José`` (é one character) and ``José`` (e + combining accent) were
    two people, ``Ann  Smith`` and ``Ann Smith`` too."""
    _file(tmp_path, "activities-t.csv", ACT + "T1,training,workshop,T,Saida,Lebanon,saida,2025-03-10,\n")
    ingest_file("programme", tmp_path / "activities-t.csv")
    r = ingest_file("programme", _file(tmp_path, "participants-t.csv", PEOPLE + "".join([
        "R1,T1,Jos\u00e9 P\u00e9rez,mayor,Saida,Lebanon,m\n",
        "R2,T1,Jose\u0301 Pe\u0301rez,mayor,Saida,Lebanon,m\n",
        "R3,T1,JOSE  PEREZ,mayor,Saida,Lebanon,m\n",
        "R4,T1,Ann  Smith,city_official,Saida,Lebanon,f\n",
        "R5,T1,ann\u00a0smith ,city_official,Saida,Lebanon,f\n",
        "R6,T1,Jane.Doe@x.org,city_official,Saida,Lebanon,f\n",
        "R7,T1, jane.doe@X.ORG,city_official,Saida,Lebanon,f\n",
        "R8,T1,jane.doe2@x.org,city_official,Saida,Lebanon,f\n"])))
    assert (r.accepted, r.errors) == (8, [])
    people = lake.read_table("programme_participants").set_index("record_id")["person_pseudo"]
    assert people["R1"] == people["R2"] == people["R3"]
    assert people["R4"] == people["R5"] and people["R6"] == people["R7"]
    assert people.nunique() == 4  # José, Ann, Jane, and jane.doe2 (another person)


def test_grant_amounts_in_groups_of_three_are_thousands(home: Path, tmp_path: Path) -> None:
    """Was: ``1,200`` USD was read as 1.2 (a lone decimal comma), ``10 000`` was not a number. Now the one
    thousands rule of whole-number fields; ``1.200`` (1.2 or 1200?) is refused naming why, never guessed."""
    r = ingest_file("programme", _file(tmp_path, "grants-t.csv", GRANTS + "".join([
        'G1,saida,innovation_grant,Org,"1,200",USD,2025\n',
        'G2,saida,innovation_grant,Org,"12,500.50",USD,2025\n',
        "G3,saida,innovation_grant,Org,10 000,EUR,2025\n",
        'G4,saida,innovation_grant,Org,"5,5",EUR,2025\n',
        "G5,saida,innovation_grant,Org,1.200,EUR,2025\n",
        'G6,saida,innovation_grant,Org,"1.200.000,50",EUR,2025\n',
        "G7,saida,innovation_grant,Org,approx. 50,EUR,2025\n",
        "G8,saida,innovation_grant,Org,2500.5,EUR,2025\n"])))
    assert _errors(r) == [(5, "amount", "ambiguous number: 1.2 or 1200? write 1200, or 1.20 for a decimal"),
                          (7, "amount", "not a number")]
    amounts = lake.read_table("programme_grants").set_index("grant_id")["amount"].to_dict()
    assert amounts == {"G1": 1200.0, "G2": 12500.5, "G3": 10000.0, "G4": 5.5, "G6": 1200000.5, "G8": 2500.5}


def test_participants_of_an_activity_not_in_the_lake_are_kept_and_said(home: Path, tmp_path: Path) -> None:
    """A participant list naming an activity id the lake does not hold (a typo, or the activities file not sent
    yet): the rows are kept (they count once the activity arrives) and the result says which ids are missing.
    Was: nothing said, and the warehouse build then failed on them. An id in another case (``t1``) names the
    activity (``T1``), as the warehouse links it (tests/transforms/test_programme_worlds.py): not missing."""
    _file(tmp_path, "activities-t.csv", ACT + "T1,training,workshop,T,Saida,Lebanon,saida,2025-03-10,\n")
    ingest_file("programme", tmp_path / "activities-t.csv")
    r = ingest_file("programme", _file(tmp_path, "participants-t.csv", PEOPLE + "".join([
        "R1,T1,p1,mayor,Saida,Lebanon,m\n", "R2,T2,p2,mayor,Saida,Lebanon,m\n",
        "R3,T2,p3,mayor,Saida,Lebanon,m\n", "R4,t1 ,p4,mayor,Saida,Lebanon,m\n"])))
    assert r.accepted == 4
    assert [w for w in r.warnings if w["code"] == "activity_not_found"] == [
        {"code": "activity_not_found", "rows": 2, "activity_ids": ["T2"], "field": "activity_id"}]
    _file(tmp_path, "activities-u.csv", ACT + "T2,training,workshop,T,Saida,Lebanon,saida,2025-04-10,\n")
    ingest_file("programme", tmp_path / "activities-u.csv")
    r = ingest_file("programme", _file(tmp_path, "participants-u.csv", PEOPLE + "R5,T2,p5,mayor,Saida,Lebanon,m\n"))
    assert [w for w in r.warnings if w["code"] == "activity_not_found"] == []
    summits = _file(tmp_path, "summits-t.csv", "summit_id,title,host_city,country,start_date,participant_id,role\n"
                                               "S1,Summit,Montreal,Canada,2025-11-17,p1,mayor\n")
    assert [w for w in ingest_file("programme", summits).warnings if w["code"] == "activity_not_found"] == []
