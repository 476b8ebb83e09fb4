"""A city or country name keys the same at ingest and in the warehouse, however its letters are written: full-width
forms (``Ｂｅｉｒｕｔ``), ``ß``, ligatures (``ﬁ``), the Turkish dotted and dotless i, letters as combining marks.
Before, the ingest keyed names with Python's NFKD/casefold and the warehouse with DuckDB's strip_accents/lower,
so ``Ｂｅｉｒｕｔ`` was a known member at ingest (no ``city_not_known`` warning) and an unknown place in the
warehouse; now the ingest runs the warehouse's macros (scn.ingest.programme.warehouse_key). And a country written
``n/a``, ``N.A.``, ``-``, ``?``, ``none``, ``unknown`` is no country, in both (``N.A.`` was Namibia, ``n/a`` an
unknown country that kept the city from any member)."""

from __future__ import annotations

import json
import random
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from scn.ingest import programme
from scn.ingest.cities_known import REGISTRY, known_cities
from scn.ingest.pipeline import ingest_file
from tests.support.cli import scn_home
from tests.support.dbt_world import dbt_build
from tests.support.programme_files import ACT, PEOPLE, ingest_world

NO_COUNTRY = ("n/a", "N.A.", "-", "?", "none", "Unknown")
SPELT = {"ss": "ß", "fi": "ﬁ", "fl": "ﬂ", "ff": "ﬀ", "ae": "æ", "oe": "œ", "ij": "ĳ", "i": "ı", "I": "İ", "o": "ø"}


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def variants(name: str, rng: random.Random) -> list[str]:
    """Ways a partner's file may write ``name``: full width, upper case, as combining marks, each letter group
    of ``SPELT`` written as its ligature or special letter, a random mix of these."""
    out = [name, _full_width(name), name.upper(), unicodedata.normalize("NFD", name), _full_width(name.upper())]
    out += [name.replace(plain, odd) for plain, odd in SPELT.items() if plain in name]
    mixed = "".join(_full_width(c) if rng.random() < 0.3 else SPELT.get(c, c) if rng.random() < 0.5 else c
                    for c in name)
    return list(dict.fromkeys(out + [mixed]))


def junk(n: int, rng: random.Random) -> list[str]:
    """``n`` names of random letters, marks, digits and punctuation from across Unicode's first planes."""
    alphabet = [chr(c) for c in range(0x20, 0x3000) if unicodedata.category(chr(c))[0] in "LMNPZ"]
    alphabet += [chr(c) for c in range(0xFB00, 0xFB07)] + [chr(c) for c in range(0xFF01, 0xFF5F)] + list("ßẞıİ")
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))).replace(",", " ").replace('"', " ")
            for _ in range(n)]


def _world() -> pd.DataFrame:
    """Participation rows: every registry city's name in each variant, with its country blank, written as none,
    or as the registry writes it in a variant; and random names with those countries."""
    rng = random.Random(7)
    cities = pd.read_csv(REGISTRY, dtype=str)
    rows = []
    for name, country in zip(cities["name"], cities["country"], strict=True):
        for written in variants(name, rng):
            for where in ("", rng.choice(NO_COUNTRY), *variants(country, rng)[:4]):
                rows.append((written, where))
    for name in junk(1500, rng):
        rows.append((name, rng.choice(("", "ＬＥＢＡＮＯＮ", "n/a", "Lebanon"))))
    people = pd.DataFrame(rows, columns=["home_city", "home_country"]).drop_duplicates()
    return people.assign(record_id=[f"R{i}" for i in range(len(people))])


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, dict[str, str]]:
    home = tmp_path_factory.mktemp("programme-name-keys")
    people = _world()
    body = "".join(f"{r},A1,p{i},mayor,{_csv(c)},{_csv(k)},f\n"
                   for i, (r, c, k) in enumerate(zip(people["record_id"], people["home_city"], people["home_country"],
                                                     strict=True)))
    with scn_home(home):
        ingest_file("cities", REGISTRY)
        ingest_world(home, {"activities-k.csv": ACT + "A1,training,w,T,Beirut,Lebanon,,2025-03-10,\n",
                            "participants-k.csv": PEOPLE + body})
        expected = _ingest_reading(people)
    dbt_build(home, "--select", "+int_participations", "--indirect-selection", "cautious",
              "--exclude", "resource_type:unit_test", "--vars", json.dumps({"as_of": date.today().isoformat()}))
    return home, people, expected


def _ingest_reading(people: pd.DataFrame) -> dict[str, str]:
    """record id -> the member place (``country|name``) the ingest's rules read each row as, for the rows they
    link: the name a member's (``city_key`` in ``city_names``), in the row's country (``country_codes``), or no
    country given (``country_given``) and a name that says which place it is (``ambiguous_city_keys``)."""
    known = known_cities().set_index("city_id")
    member = programme.city_key(people["home_city"]).map(programme.city_names())
    given = programme.country_given(people["home_country"])
    code = programme.country_codes(people["home_country"])
    vague = programme.city_key(people["home_city"]).isin(programme.ambiguous_city_keys())
    city_code = member.map(known["country_code"])
    linked = member.notna() & ((~given & ~vague) | (given & (code == city_code).fillna(False).astype(bool)))
    place = member.map(known["country"]) + "|" + member.map(known["name"])
    return dict(zip(people.loc[linked, "record_id"], place[linked], strict=True))


def test_a_name_keys_alike_at_ingest_and_in_the_warehouse(built) -> None:
    """Every row of ~5,900 (the 124 registry names in up to 10 spellings each, with their country blank,
    written as none or in 4 spellings; 1,500 names of random Unicode letters): the member the ingest reads it as
    is the member the warehouse places it in (int_participations.home_place), and a row the ingest links to none
    the warehouse links to none. Before: 2,182 rows apart (``Ｂｅｉｒｕｔ``, ``ＬＥＢＡＮＯＮ``, ``ﬁ``, ``ß``
    linked at ingest only)."""
    home, people, expected = built
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        got = dict(con.execute("select record_id, home_place from int_participations").fetchall())
    places = set(expected.values())
    warehouse = {r: p for r, p in got.items() if p in places}
    apart = {r: (people.set_index("record_id").loc[r].tolist(), expected.get(r), warehouse.get(r))
             for r in set(expected) | set(warehouse) if expected.get(r) != warehouse.get(r)}
    assert len(got) == len(people)
    assert not apart, (len(apart), sorted(apart.values(), key=str)[:15])
    assert len(expected) > len(people) / 3  # the members' spellings link (the comparison is not of nothing)


def test_spellings_of_one_letter_are_one_key() -> None:
    """The warehouse's rule, which the ingest now runs, folds the letters Python's NFKD/casefold folded and
    DuckDB did not: ``Ｂｅｉｒｕｔ`` is Beirut, ``Straße`` Strasse, ``ﬁ`` fi, ``ıstanbul`` and ``İSTANBUL``
    Istanbul, ``ＵＫ`` UK."""
    for same in (("Ｂｅｉｒｕｔ", "Beirut"), ("Straße", "Strasse"), ("ﬁnland", "Finland"), ("ıstanbul", "Istanbul"),
                 ("İSTANBUL", "Istanbul"), ("Diyarbakır", "Diyarbakir"), ("Łódź", "Lodz"), ("Cœur", "Coeur")):
        names = pd.Series(same, dtype="string")
        assert programme.city_key(names).nunique() == 1, (same, programme.city_key(names).tolist())
        assert programme.country_key(names).nunique() == 1, (same, programme.country_key(names).tolist())
    assert programme.country_key(pd.Series(["ＵＫ"], dtype="string"))[0] == "uk"


def test_a_country_written_as_none_is_no_country(tmp_path: Path) -> None:
    """``n/a``, ``N.A.``, ``-``, ``?``, ``none``, ``unknown`` give no country (``N.A.`` was Namibia's code, ``n/a``
    a country nobody knows, which blocked the did-you-mean: ``Beirout, n/a`` was offered no member); a real
    country, code or name is given."""
    written = pd.Series([*NO_COUNTRY, "NA", " ", "Lebanon", "LB", "Namibia"], dtype="string")
    with scn_home(tmp_path):
        given, codes = programme.country_given(written), programme.country_codes(written)
        per_row = [programme.near_members(pd.Series(["Beirout"], dtype="string"), pd.Series([c], dtype="string"))
                   for c in ("n/a", "N.A.", "-", "unknown", "Kenya")]
    assert given.tolist() == [False] * 8 + [True] * 3
    assert codes.isna().tolist() == [True] * 8 + [False] * 3
    assert per_row == [{"Beirout": "Beirut"}] * 4 + [{}]
