"""City names the programme ingest cannot place with certainty: a near miss of a member city's name or of one of
its other names (``Beirout``, ``Mombassa``) is said with the member city it may be, never resolved; a name a member
city shares with another place (Tripoli, Lebanon and Tripoli, Libya) is not taken for the member without a country
that says so, and is said; a leading "The" is no part of a name (``Hague`` is The Hague)."""

from __future__ import annotations

from pathlib import Path

from scn import lake
from scn.ingest.pipeline import ingest_file
from tests.support.programme_files import ACT, PEOPLE

SUMMIT = "summit_id,title,host_city,country,start_date,participant_id,role,delegate_city,home_country\n"


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _said(result: object, code: str) -> list[dict]:
    return [w for w in result.warnings if w["code"] == code]  # type: ignore[attr-defined]


def test_a_near_miss_of_a_member_city_is_said_with_the_city_it_may_be(home: Path, tmp_path: Path) -> None:
    """Was: ``city_not_known`` listed Beirout beside Seattle, nothing telling a typo from a city that is no member.
    Now the warning says which member each near miss may be (also a near miss of an alias: Beyrout ~ Beyrouth, which
    is Beirut), and the rows keep the name as written (a guess is never taken for the city)."""
    rows = [("Beirout", "Lebanon"), ("Mombassa", "Kenya"), ("Chatanooga", "United States"), ("Beyrout", "Lebanon"),
            ("Seattle", "United States"), ("Kolkata", "India"), ("Beirut", "Lebanon")]
    r = ingest_file("programme", _file(tmp_path, "participants-n.csv", PEOPLE + "".join(
        f"R{i},A1,p{i},mayor,{city},{country},f\n" for i, (city, country) in enumerate(rows))))
    [said] = _said(r, "city_not_known")
    assert said["names"] == ["Beirout", "Beyrout", "Chatanooga", "Kolkata", "Mombassa", "Seattle"]
    assert said["maybe"] == {"Beirout": "Beirut", "Beyrout": "Beirut", "Chatanooga": "Chattanooga",
                             "Mombassa": "Mombasa"}
    homes = lake.read_table("programme_participants").set_index("record_id")["home_city"].to_dict()
    assert homes["R0"] == "Beirout" and homes["R1"] == "Mombassa"


def test_a_near_miss_of_a_host_is_said_too(home: Path, tmp_path: Path) -> None:
    r = ingest_file("programme", _file(tmp_path, "activities-n.csv", ACT + "A1,training,w,T,Mombassa,Kenya,,2025-03-10,\n"
                                                                          "A2,training,w,T,Atlantis,Kenya,,2025-03-10,\n"))
    [said] = _said(r, "city_not_known")
    assert said["field"] == "host_city" and said["maybe"] == {"Mombassa": "Mombasa"}
    assert lake.read_table("programme_activities").set_index("activity_id")["city_id"].isna().all()


def test_a_name_a_member_shares_with_another_place_needs_a_country(home: Path, tmp_path: Path) -> None:
    """Tripoli is a member city in Lebanon and the capital of Libya. Was: a summit hosted in "Tripoli", Libya, was
    stored as the member Tripoli (city id from the name alone), and a delegate or an activity from "Tripoli" with
    no country was said nothing of. Now a country that is not the member's keeps it apart, and a row with no
    country is said (``city_ambiguous``), never guessed."""
    r = ingest_file("programme", _file(tmp_path, "summits-t.csv", SUMMIT + "".join([
        "S1,Summit,Tripoli,Libya,2025-11-17,d1,mayor,Tripoli,Libya\n",
        "S1,Summit,Tripoli,Libya,2025-11-17,d2,mayor,Tripoli,\n",
        "S1,Summit,Tripoli,Libya,2025-11-17,d3,mayor,Tripoli,Lebanon\n",
        "S2,Summit,Tripoli,,2025-12-17,d4,mayor,Beirut,\n",
        "S3,Summit,Tripoli,LB,2025-12-18,d5,mayor,Beirut,\n"])))
    assert r.accepted == 5
    hosts = lake.read_table("programme_activities").set_index("activity_id")["city_id"]
    assert hosts.get("S1") is None or hosts.isna()["S1"]
    assert hosts.isna()["S2"]
    assert [(w["field"], w["names"], w["rows"], w["count"]) for w in _said(r, "city_ambiguous")] == [
        ("host_city", ["Tripoli"], [4], 1), ("delegate_city", ["Tripoli"], [2], 1)]
    assert _said(r, "city_not_known") == []


def test_the_hague_without_the_is_the_hague(home: Path, tmp_path: Path) -> None:
    r = ingest_file("programme", _file(tmp_path, "participants-h.csv", PEOPLE + "R1,A1,p1,mayor,Hague,Netherlands,f\n"
                                                                          "R2,A1,p2,mayor,the  hague,,f\n"))
    assert _said(r, "city_not_known") == []
