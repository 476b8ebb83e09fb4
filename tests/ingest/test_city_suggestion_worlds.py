"""The ingest's "did you mean" (``near_members``) measured on two worlds: real places that are no member city (world
capitals and large cities, and every city a time zone is named after, from the tz database that ships with
Python's ``zoneinfo``) must get no suggestion; one-edit typos of member names (a letter dropped, doubled, two
swapped, a vowel changed) and transliterations must get their member. Was: ``Cairo`` -> ``Cair (Skopje)``,
``Bari`` -> ``Bar``, ``Tripolis`` -> ``Tripoli`` (difflib's ratio rewards a short name's prefix); ``Antakya`` ->
``Antalya`` (no gazetteer: scn.ingest.gazetteer). A third world: every GeoNames city (15,000 people or more) whose
name is a member's near miss without being a name of that member (``near_real_places``)."""

from __future__ import annotations

import zoneinfo
from pathlib import Path

import pandas as pd

from scn.ingest.cities_known import known_cities
from scn.ingest.gazetteer import real_places
from scn.ingest.programme import _name_pairs, city_key, city_names, country_codes, near_members
from tests.support.city_name_worlds import near_real_places, one_edit_typos

PLACES = ("Cairo", "Lagos", "Lima", "Rome", "Riga", "Baku", "Doha", "Pune", "Sana'a", "Bari", "Tripolis", "Vyborg",
          "Irbil", "Berat", "Parma", "Bergen", "Quito", "Accra", "Kabul", "Dubai", "Tunja", "Milan", "Lyon", "Oran",
          "Fes", "Mosul", "Aden", "Hama", "Homs", "Sfax", "Amman", "Aqaba", "Split", "Skopje", "Mostar", "Durres",
          "Nis", "Palma", "Lund", "Aalborg", "Odense", "Bremen", "Auburn", "Austin", "Dhaka", "Abuja", "Maroua",
          "Douala", "Zinder", "Kisumu", "Arusha", "Cusco", "Bogota", "Cordoba", "Valencia", "Liege", "Ghent", "Delft",
          "Turku", "Basel", "Izmir", "Ankara", "Adana", "Tbilisi", "Baghdad", "Kandy", "Tunis Carthage")
SPELLINGS = (("Beirout", "Beirut"), ("Mombassa", "Mombasa"), ("Chatanooga", "Chattanooga"), ("Medelin", "Medellín"),
             ("Tirane", "Tirana"), ("Prishtine", "Prishtina"), ("Stokholm", "Stockholm"), ("Helsinky", "Helsinki"),
             ("Rotterdamm", "Rotterdam"), ("Yaunde", "Yaoundé"), ("Kumanova", "Kumanovo"), ("Gjakove", "Gjakova"),
             ("Narayangonj", "Narayanganj"), ("Dhakka North", "Dhaka North"), ("Bijelina", "Bijeljina"),
             ("Beyrout", "Beirut"), ("Pechawar", "Peshawar"))


def _unknown(names: list[str]) -> list[str]:
    known = set(city_names().index)
    keys = city_key(pd.Series(names, dtype="string"))
    return [n for n, k in zip(names, keys, strict=True) if k not in known]


def _said(names: list[str], country: str | None = None) -> dict[str, str]:
    return near_members(pd.Series(names, dtype="string"), pd.Series([country] * len(names), dtype="string"))


def test_a_real_place_that_is_no_member_is_offered_no_member(home: Path) -> None:
    tz = {z.rsplit("/", 1)[-1].replace("_", " ") for z in zoneinfo.available_timezones() if "/" in z}
    world = _unknown(sorted(set(PLACES) | {n for n in tz if n[:1].isupper() and len(n) > 2}))
    assert len(world) > 400  # the tz database's cities and the capitals above, less members (Oslo, Bern, Kano...)
    assert _said(world) == {}
    assert _said(["Cairo", "Bari", "Tripolis", "Lagos"], "Egypt") == {}


def test_typos_and_other_spellings_of_a_member_are_offered_it(home: Path) -> None:
    members = sorted(known_cities()["name"].astype(str))
    typos = [(t, m) for m in members if len(city_key(pd.Series([m], dtype="string"))[0]) >= 6 for t in one_edit_typos(m)]
    unknown = set(_unknown([t for t, _ in typos + list(SPELLINGS)]))
    typos = [(t, m) for t, m in typos + list(SPELLINGS) if t in unknown]
    said = _said([t for t, _ in typos])
    wrong = {t: said[t] for t, m in typos if t in said and m not in said[t].split(" / ")}
    assert len(wrong) <= len(typos) // 100, wrong  # Berene (Berane's) is one letter off Berne (Bern's) too
    found = sum(t in said for t, _ in typos)
    assert found >= 0.9 * len(typos), (found, len(typos), sorted({t for t, _ in typos} - set(said)))
    spelt = set(_unknown([t for t, _ in SPELLINGS]))
    assert len(spelt) >= 12 and {t: said.get(t) for t in spelt} == {t: m for t, m in SPELLINGS if t in spelt}


def test_the_ingest_reads_countries_by_the_same_rule(home: Path) -> None:
    """Was: a country the registry does not spell so (``Liban``) matched no member: ``Beirout, Liban`` had no
    "did you mean". The rule is the warehouse's (tests/transforms/test_programme_countries.py)."""
    written = pd.Series(["UK", "U.K.", "england", "Liban", "LBN", "lb", "Deutschland", "Türkiye", "turkey",
                         "Ivory Coast", "Côte d’Ivoire", "Atlantis", None], dtype="string")
    assert country_codes(written).tolist() == ["GB", "GB", "GB", "LB", "LB", "LB", "DE", "TR", "TR", "CI", "CI",
                                               pd.NA, pd.NA]
    said = near_members(pd.Series(["Beirout", "Mombassa", "Beirout", "Chatanooga"], dtype="string"),
                        pd.Series(["Liban", "KEN", "France", "Ruritania"], dtype="string"))
    assert said == {"Beirout": "Beirut", "Mombassa": "Mombasa"}


def test_a_real_city_near_a_member_is_offered_no_member(home: Path) -> None:
    """Was: of 8,042 names of real cities within two edits of a member's name (Antakya, Kristiansund, Lewisville,
    Billingham...), 6 were "corrected" to a member with their own country given, 47 with none (``Antakya`` ->
    ``Antalya``, ``Helsingborg`` -> ``Helsinki``, ``Rotherham`` -> ``Rotterdam``); now none: a name that is itself a
    city of the row's country (of any country when none is given) is never offered a member it is not."""
    pairs = _name_pairs()
    codes = known_cities().set_index("city_id")["country_code"]
    world = near_real_places(pairs.assign(code=pairs["city_id"].map(codes).astype("string")), real_places(city_key))
    names = world["written"].astype("string")
    assert names.nunique() > 5000 and {"Antakya", "Kristiansund"} <= set(names)  # drawn from the gazetteer, not a list
    assert set(_unknown(sorted(set(names)))) == set(names)  # no member bears them
    assert near_members(names, world["country_code"].astype("string")) == {}
    assert near_members(names, pd.Series(pd.NA, index=names.index, dtype="string")) == {}
    assert _said(["Antakya"], "Turkey") == _said(["Antakya", "Helsingborg", "Rotherham"]) == {}
    assert _said(["Antalia", "Beirout"]) == {"Antalia": "Antalya", "Beirout": "Beirut"}  # slips still are
