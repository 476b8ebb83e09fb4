"""A city's id is the slug of its name however its dashes and spaces are typed: an en dash, an em dash, a no-break
hyphen, a minus sign, a no-break, narrow or ideographic space or a typographic apostrophe between two words parts
them as ``-`` or a space does (``Al–Karak`` is ``al-karak``, as ``Al-Karak`` is; was ``alkarak``: one city, two
ids). A home built before this rule keeps the ids it stored: a name the old rule slugged otherwise resolves to the
id the home holds (``--city al-karak``, the registry file sent again), so nothing of the city is stored twice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.ingest.cities import slug
from scn.ingest.cities_known import REGISTRY, known_cities
from scn.ingest.pipeline import ingest_file
from scn.registry import legacy_slugify, slugify
from tests.support.corpus import CITIES, ok_rows, posts

PARTS = {"hyphen": "-", "en dash": "\u2013", "em dash": "\u2014", "no-break hyphen": "\u2011",
         "minus sign": "\u2212", "figure dash": "\u2012", "small hyphen": "\ufe63", "full-width hyphen": "\uff0d",
         "no-break space": "\u00a0", "narrow no-break space": "\u202f", "ideographic space": "\u3000",
         "space": " ", "spaced em dash": " \u2014 ", "apostrophe": "'", "right single quote": "\u2019",
         "middle dot": "\u00b7", "slash": "/", "full-width slash": "\uff0f"}
ROW = "Jordan,JO,MENA,Asia,31.18,35.70,70000,False,2019,youth"


@pytest.mark.parametrize("part", PARTS.values(), ids=PARTS.keys())
def test_any_dash_space_or_mark_between_words_parts_them(part: str) -> None:
    assert slugify(f"Al{part}Karak") == "al-karak"
    assert slug(pd.Series([f"Al{part}Karak"], dtype="string")).tolist() == ["al-karak"]


def test_what_the_rule_kept_it_keeps() -> None:
    """Accents off, a parenthesised part dropped, other scripts dropped, invisible marks join what they sit in, and
    the column rule is the function's, on every name of the shipped registry too."""
    names = ["Medellín", "Meri/Diamaré", "Tripoli (Lebanon)", "Saint\u200bDenis", "Ｂｅｉｒｕｔ", "Al بيروت",
             "\ufeffMalmö", "  Kumanovo  ", "Dar\u2019a", "Dar'a", "Sa\u00efda\u2011Sud", "\u0141\u00f3d\u017a", "Gie\u00dfen"]
    assert [slugify(n) for n in names] == ["medellin", "meri-diamare", "tripoli", "saintdenis", "beirut", "al",
                                           "malmo", "kumanovo", "dar-a", "dar-a", "saida-sud", "lodz", "giessen"]
    registry = pd.read_csv(REGISTRY)
    names += registry["name"].tolist()
    assert slug(pd.Series(names, dtype="string", index=range(5, 5 + len(names)))).tolist() == [slugify(n) for n in names]
    assert (registry["name"].map(slugify) == registry["city_id"]).all()  # no shipped id changes


def _registry(folder: Path, name: str, rows: list[str], with_ids: bool) -> Path:
    path = folder / name
    header = CITIES if with_ids else CITIES.removeprefix("city_id,")
    path.write_text("\n".join([header, *rows, ""]), encoding="utf-8")
    return path


def test_a_home_built_before_the_rule_keeps_its_ids(home: Path, tmp_path: Path) -> None:
    """The world the change breaks: a registry of names only, ingested by the old rule, stored ``Al–Karak`` as
    ``deiralla`` (``Deir–Alla``) and posts under it. Sent again under the new rule, the registry must not add
    ``deir-alla`` beside it; a file sent for ``deir-alla`` (the new rule's id, a folder or ``--city``) lands under
    ``deiralla``, and the same
    file again is all duplicates."""
    old = legacy_slugify("Deir\u2013Alla")
    assert old == "deiralla"  # what the old code wrote
    ingest_file("cities", _registry(tmp_path, "old.csv", [f"{old},Deir\u2013Alla,{ROW}"], with_ids=True))
    first = tmp_path / "a.csv"
    first.write_bytes(posts(*ok_rows(3)).replace(b"51.5,-0.12", b"31.18,35.70"))
    assert ingest_file("social", first, city_id=old).accepted == 3

    ingest_file("cities", _registry(tmp_path, "again.csv", [f"Deir\u2013Alla,{ROW}", f"Deir-Alla,{ROW}"], with_ids=False))
    cities = known_cities()
    assert cities.loc[cities["name"].str.contains("Alla"), "city_id"].tolist() == [old]
    stored = lake.read_table("cities")
    assert set(stored["city_id"]) == {old}

    second = tmp_path / "b.csv"
    second.write_bytes(posts(*ok_rows(5)).replace(b"51.5,-0.12", b"31.18,35.70"))
    result = ingest_file("social", second, city_id="deir-alla")
    assert (result.accepted, result.duplicates) == (2, 3)
    assert set(lake.read_table("posts")["city_id"]) == {old} and lake.row_count("posts") == 5


def test_a_new_home_gives_both_spellings_one_id(home: Path, tmp_path: Path) -> None:
    ingest_file("cities", _registry(tmp_path, "c.csv", [f"Deir\u2013Alla,{ROW}", f"Deir-Alla,{ROW}"], with_ids=False))
    assert set(lake.read_table("cities")["city_id"]) == {"deir-alla"}


def test_the_warehouse_slugs_a_name_as_the_ingest_does() -> None:
    """``city_key`` (transforms/macros: fold_letters, city_slug), which links programme places to members, keys a
    name as ``slugify`` makes its id (but for a leading ``The``): ``Dar’a`` was ``dara`` there, ``dar-a`` here."""
    from scn.ingest.programme import warehouse_key

    names = [f"Al{part}Karak" for part in PARTS.values()] + ["\u0141\u00f3d\u017a", "Gie\u00dfen", "\u00c6r\u00f8",
                                                             "\uff22\uff45\uff49\uff52\uff55\uff54", "Al \u0628\u064a",
                                                             "Saint\u200bDenis", "Tripoli (Lebanon)"]
    names += pd.read_csv(REGISTRY)["name"].tolist()
    column = pd.Series([n for n in names if not n.lower().startswith("the ")], dtype="string")
    assert warehouse_key(column, "city_key").tolist() == slug(column).tolist()


def test_every_commands_city_resolves_to_the_id_the_home_stored(home: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``--city`` of any command (an official's city, a collection, a review) names the city the home stored:
    ``--city deir-alla`` in a home that stored ``deiralla`` attaches the official to ``deiralla``, not refused nor
    a city of no data."""
    import io
    import sys

    from scn.access import users
    from scn.cli import main

    old = legacy_slugify("Deir\u2013Alla")
    ingest_file("cities", _registry(tmp_path, "old.csv", [f"{old},Deir\u2013Alla,{ROW}"], with_ids=True))
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long pass 1\n"))
    assert main(["user", "add", "olive", "--role", "official", "--city", "deir-alla"]) == 0, capsys.readouterr().err
    assert users.get_user("olive").city_id == old
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long pass 2\n"))
    assert main(["user", "add", "nour", "--role", "official", "--city", old]) == 0  # the stored id itself
    assert users.get_user("nour").city_id == old
