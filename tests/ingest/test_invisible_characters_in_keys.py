"""Ids and names that look the same but differ by characters nobody sees or by the width of their letters (a file
saved by a Japanese or Chinese input method, a BOM or a bidi mark copied from a right-to-left page, a zero-width
space from a web form) are one thing in every key that reads them as the thing they name: ``activity_key`` (one
activity), ``place_key`` (one place), ``person_handle`` (one person, one pseudonym). Letters of another script that
look like Latin ones (Cyrillic ``А`` for ``A``) are other letters, and ids written with them stay apart: a key never
guesses that two real ids are one."""

from __future__ import annotations

import pandas as pd

from scn.ingest.programme import activity_key, person_handle, warehouse_key

ZW = {"zero-width space": "\u200b", "zero-width joiner": "\u200d", "zero-width non-joiner": "\u200c",
      "word joiner": "\u2060", "soft hyphen": "\u00ad", "byte order mark": "\ufeff", "right-to-left mark": "\u200f",
      "left-to-right mark": "\u200e"}


def _inside(text: str, mark: str, at: int) -> str:
    return text[:at] + mark + text[at:]


def _keys(values: list[str], key) -> list[str]:
    return key(pd.Series(values, dtype="string")).tolist()


def test_an_activity_id_with_invisible_marks_or_in_full_width_is_the_activity() -> None:
    ids = ["ACT-7", "ＡＣＴ-７", "ＡＣＴ－７", "\u2066ACT-7\u2069", "\u202bACT-7\u202c"]
    ids += [_inside("ACT-7", mark, at) for mark in ZW.values() for at in (0, 2, 5)]
    assert set(_keys(ids, activity_key)) == {"act-7"}


def test_look_alike_letters_and_other_ids_stay_apart() -> None:
    apart = ["ACT-7", "\u0410CT-7", "AC\u0422-7", "ACT-1", "ACT7", "ACT-7-1", "ΑCT-7"]  # Cyrillic А, Т; Greek Α
    assert len(set(_keys(apart, activity_key))) == len(apart)
    assert len(set(_keys(apart, person_handle))) == len(apart)


def test_a_participant_id_with_invisible_marks_is_the_person() -> None:
    ids = ["jose.perez@example.org", "José.Pérez@example.org", "ｊｏｓｅ.ｐｅｒｅｚ@example.org",
           "\ufeffjose.perez@example.org", "jose.perez@example.org\u200b", "\u200fjose.perez@example.org\u200f"]
    ids += [_inside("jose.perez@example.org", mark, 4) for mark in ZW.values()]
    assert set(_keys(ids, person_handle)) == {"jose.perez@example.org"}


def test_a_place_in_another_script_with_invisible_marks_is_the_place() -> None:
    place = lambda vs: _keys(vs, lambda s: warehouse_key(s, "place_key"))  # noqa: E731
    assert set(place(["Москва", "Мос\u200bква", "\u200fМОСКВА", "Москва\u00ad"])) == {"москва"}
    assert set(place(["تهران", "ته\u200cران"])) == {"تهران"}  # a zero-width non-joiner as Persian writes it
    assert set(place(["Kisumu", "Kis\u200bumu", "ＫＩＳＵＭＵ"])) == {"kisumu"}
    # and what must stay apart does: two Arabic names after one Latin word, digits of another script
    assert len(set(place(["Al بيروت", "Al صيدا", "Area ٣", "Area ٤", "Kisumu", "Kisumu Кисуму"]))) == 6


def test_a_city_name_with_another_space_or_dash_is_the_city() -> None:
    """A no-break space (Word, Excel), a narrow or thin one (French typography), a no-break hyphen or an en dash
    between the words of a name separate them as a space or a hyphen does: ``Saint Denis`` (a no-break space) is
    the registry's ``Saint-Denis`` (city_key; scn.registry.slugify reads the spaces so too). Was ``saintdenis``:
    the member unknown, the name a place of its own."""
    from scn.ingest.programme import city_key

    written = ["Saint Denis", "Saint-Denis", "Saint\u00a0Denis", "Saint\u202fDenis", "Saint\u2009Denis",
               "Saint\u2011Denis", "Saint\u2013Denis", "Saint \u2014 Denis", "Saint\u3000Denis"]
    assert set(_keys(written, city_key)) == {"saint-denis"}
    assert set(_keys(written, lambda s: warehouse_key(s, "place_key"))) == {"saint-denis"}
    assert _keys(["Saint\u200bDenis"], city_key) == ["saintdenis"]  # a zero-width space joins what it sits in
