"""The programme records add up to the figures SCN publishes (recomputed from the written files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ACTIVITIES = ["activity_id", "programme_line", "activity_type", "title", "host_city", "country", "city_id",
              "start_date", "end_date"]
LINES = {"local_action_planning", "city_consultation", "local_prevention_network", "innovation_grant",
         "young_cities", "training", "city_exchange", "summit"}
ROLES = {"mayor", "city_official", "practitioner", "youth", "civil_society", "other"}


@pytest.fixture(scope="module")
def programme(demo_world: tuple[Path, dict]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    folder = demo_world[0] / "programme"
    read = {"keep_default_na": False, "na_values": [""]}
    acts = pd.read_csv(folder / "activities.csv", **read)
    people = pd.read_csv(folder / "participants.csv", **read)
    grants = pd.read_csv(folder / "grants.csv", **read)
    return acts, people.merge(acts, on="activity_id"), grants


def test_columns_and_vocabularies(programme: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
                                  demo_world: tuple[Path, dict]) -> None:
    acts, people, grants = programme
    assert list(acts.columns) == ACTIVITIES and acts["activity_id"].is_unique
    assert list(pd.read_csv(demo_world[0] / "programme" / "participants.csv").columns) == [
        "record_id", "activity_id", "participant_id", "role", "home_city", "home_country", "gender"]
    assert list(grants.columns) == ["grant_id", "city_id", "programme_line", "recipient_org", "amount",
                                    "currency", "year"]
    assert set(acts["programme_line"]) == LINES - {"innovation_grant"}
    assert set(people["role"]) <= ROLES and people["record_id"].is_unique
    cities = set(pd.read_csv(demo_world[0] / "cities" / "cities.csv")["city_id"])
    assert set(acts["city_id"].dropna()) <= cities and set(grants["city_id"]) <= cities


@pytest.mark.parametrize(("year", "host", "delegates", "cities", "countries"),
                         [(2017, "Aarhus", 476, 170, 47), (2018, "Melbourne", 216, 94, 32)])
def test_summits(programme: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], year: int, host: str,
                 delegates: int, cities: int, countries: int) -> None:
    _, people, _ = programme
    s = people[(people["programme_line"] == "summit") & people["start_date"].str.startswith(str(year))]
    assert set(s["host_city"]) == {host}
    assert (len(s), s["home_city"].nunique(), s["home_country"].nunique()) == (delegates, cities, countries)


def test_local_prevention_networks(programme: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    acts, people, _ = programme
    lpn = acts[acts["programme_line"] == "local_prevention_network"]
    first = lpn[lpn["start_date"] < "2018"]
    assert sorted(first["host_city"]) == sorted(["Saida", "Tripoli", "Majdal Anjar", "Irbid", "Al-Karak", "Zarqa"])
    assert set(first["country"]) == {"Lebanon", "Jordan"}
    members = people[people["programme_line"] == "local_prevention_network"]
    assert members["activity_id"].isin(first["activity_id"]).sum() > 95  # "over 95 local leaders"
    assert len(lpn) == 7 and len(members) > 100  # later: seven networks, more than 100 practitioners
    assert "North Macedonia" in set(lpn["country"])


def test_local_action_planning_and_consultations(programme: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
                                                 ) -> None:
    acts, people, _ = programme
    lap = acts[acts["programme_line"] == "local_action_planning"]
    assert lap["host_city"].nunique() == 62 and lap["country"].nunique() == 21
    lap_people = people[people["programme_line"] == "local_action_planning"]
    assert lap_people["home_city"].nunique() == 62
    cons = acts[acts["programme_line"] == "city_consultation"]
    assert cons["host_city"].nunique() == 11
    assert set(cons["country"]) == {"Bangladesh", "Kenya", "Kosovo", "North Macedonia", "Pakistan"}


def test_grants_exchanges_young_cities_training(programme: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
                                                ) -> None:
    acts, people, grants = programme
    assert len(grants) > 14 and (grants["programme_line"] == "innovation_grant").all()
    ex = people[people["programme_line"] == "city_exchange"]
    assert len(ex) > 60 and ex["home_city"].nunique() == 27
    yc = people[people["programme_line"] == "young_cities"]
    assert yc["home_city"].nunique() == 6 and set(yc["home_country"]) == {"Kenya", "Lebanon", "Senegal"}
    assert (yc["role"] == "youth").sum() > 200 and yc["role"].isin(["mayor", "city_official"]).sum() > 50
    assert (acts["activity_type"] == "youth_campaign").sum() > 25
    tr = people[people["programme_line"] == "training"]
    assert {"mayor", "city_official", "practitioner", "youth", "civil_society"} <= set(tr["role"])
    kolkata = tr[tr["host_city"] == "Kolkata"]
    assert (len(kolkata), kolkata["home_city"].nunique(), kolkata["home_country"].nunique()) == (30, 14, 4)
    na = tr[tr["home_country"].isin(["United States", "Canada"])]
    assert len(na) > 100
