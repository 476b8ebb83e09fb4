"""The member registry (``inbox/cities/*.csv``, columns as the ``cities`` lake table).

``timezone`` (optional) is the city's IANA time zone (``Africa/Nairobi``): the months and ISO weeks of its
events are its local calendar's (blank: UTC). A whole-hour offset (``UTC+3``, ``GMT-04:00``) is taken as the fixed
zone ``Etc/GMT-3`` with the warning ``timezone_fixed_offset`` (no summer time: send the IANA name if the city changes
its clocks); any other name zoneinfo does not know quarantines the row (field named; the city's registry row
ingested before stays in force).
``left_year`` (optional; synonyms ``year_left``, ``left``, ``left_in``) is the year the city left the network: a
whole year, 1990..this year, a date's year taken (``2024-06-30``); before the row's ``joined_year`` quarantines the row
naming both fields. A file with the column says, for each row, whether the city is a member: a year, it left; a
blank cell, it is a member (rejoined, when it had left). A file without the column says nothing (the lake's
``member`` is null); a later ``joined_year`` after the left year is a rejoining too (stg_cities).
``steering_committee`` (optional) likewise: a file with the column says, for each row, whether the city sits on the
steering committee (a blank cell: it does not); a file without it says nothing (null: the flag an earlier file gave
stays). Every other optional column (population, joined_year, continent, themes, timezone) is null where the file
has no such column or a blank cell, and staging keeps the earlier value.
A city whose row changed is written again; staging keeps the row from the newest ingested part (see
transforms/models/staging/stg_cities.sql). A row identical to one already in the lake is a duplicate.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from scn.ingest import readers, schemas
from scn.ingest.cities_known import resolve_cities
from scn.ingest.model import Parsed, Source, bad_line_rejects, read_table, rejects_from
from scn.ingest.parse import as_text, parse_bool, parse_float, parse_int
from scn.ingest.readers import ROW
from scn.registry import slug_array

SYNONYMS: dict[str, tuple[str, ...]] = {
    "city_id": ("id", "slug"), "name": ("city", "city_name"), "country": ("country_name",),
    "country_code": ("iso2", "iso_a2", "cc"), "region": ("scn_region",), "continent": (),
    "lat": ("latitude",), "lon": ("longitude", "lng"), "population": ("pop",),
    "steering_committee": ("steering", "sc_member"), "joined_year": ("joined", "year_joined"),
    "themes": ("theme", "tags"), "timezone": ("time_zone", "tz", "iana_timezone"),
    "left_year": ("year_left", "left", "left_in"),
}
REASONS = {"lat": "not a number", "lon": "not a number", "steering_committee": "not a yes/no flag"}
NOT_A_ZONE = "not an IANA time zone (e.g. Africa/Nairobi) nor a whole-hour offset (UTC+3)"


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Lowercased IANA name -> its spelling, for every zone zoneinfo knows (not the host's ``localtime``)."""
    return {z.lower(): z for z in zoneinfo.available_timezones() - {"localtime", "posixrules", "Factory"}}


# a fixed offset from UTC as people write it: UTC+3, GMT-04:00, +03, UTC +1
OFFSET = r"(?:utc|gmt)?\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?"


def time_zones(names: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(IANA names as zoneinfo spells them, False where a given name is not a zone, True where a fixed offset
    was read): case and blanks forgiven; a whole-hour offset (``UTC+3``) is the fixed zone ``Etc/GMT-3`` (IANA's
    sign is the POSIX one, inverted); a missing name is NA and not a failure (the city is on UTC)."""
    text = as_text(names).str.strip().replace("", pd.NA)
    zone = text.str.lower().map(_zones()).astype("string")
    offset = text.str.lower().str.fullmatch(OFFSET).fillna(False).astype(bool) & zone.isna()
    if offset.any():
        parts = text[offset].str.lower().str.extract(OFFSET)
        east = parts[0].astype(str).eq("+").to_numpy()
        hours = parts[1].astype(int).to_numpy()
        whole = parts[2].fillna("00").astype(str).eq("00").to_numpy() & (hours <= np.where(east, 14, 12))
        names = np.where(hours == 0, "UTC", np.char.add(np.where(east, "Etc/GMT-", "Etc/GMT+"), hours.astype(str)))
        fixed = pd.Series(np.where(whole, names, None), index=parts.index, dtype="string")  # Etc/GMT-14 .. +12
        zone = zone.fillna(fixed.reindex(zone.index).astype("string"))
        offset = offset & zone.notna()
    return zone, ~(text.notna() & zone.isna()), offset


def years(values: pd.Series) -> pd.Series:
    """A date's year (``2024-06-30``, ``2024-06``: ``2024``), any other text as it came (parse_int reads it)."""
    text = as_text(values).str.strip()
    return text.str.replace(r"^(\d{4})-\d{1,2}(?:-\d{1,2})?$", r"\1", regex=True)


def slug(names: pd.Series) -> pd.Series:
    """``scn.registry.slugify`` over a column."""
    out = slug_array(pa.array(names.astype("string").to_numpy(dtype=object, na_value=None), pa.string()))
    return pd.Series(out.to_pylist(), index=names.index, dtype="string")


def parse(src: Source) -> Parsed:

    table = read_table(src)
    raw, origin = readers.canonical_columns(table.frame, SYNONYMS, src.path)
    readers.require(src.path, origin, ("name", "country", "country_code", "region", "lat", "lon"), SYNONYMS)
    raw = raw.reset_index(drop=True)
    for c in SYNONYMS:
        if c not in raw:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    name = as_text(raw["name"])
    city_id = resolve_cities(as_text(raw["city_id"]).fillna(slug(name)))  # a home's stored id stays the city's
    population, pop_ok = parse_int(raw["population"])
    joined, joined_ok = parse_int(raw["joined_year"])
    left, left_ok = parse_int(years(raw["left_year"]))
    order_ok = ~(left < joined).fillna(False).astype(bool)  # left before joined: both fields named
    steering = parse_bool(raw["steering_committee"])
    zone, zone_ok, fixed = time_zones(raw["timezone"])
    typed = pd.DataFrame({
        ROW: raw[ROW], "city_id": city_id, "name": name, "country": as_text(raw["country"]),
        "country_code": as_text(raw["country_code"]).str.upper(), "region": as_text(raw["region"]),
        "continent": as_text(raw["continent"]), "lat": parse_float(raw["lat"]), "lon": parse_float(raw["lon"]),
        "population": population, "population__parsed": pop_ok, "joined_year": joined,
        "joined_year__parsed": joined_ok, "themes": as_text(raw["themes"]), "timezone": zone,
        "left_year": left, "left_year__parsed": left_ok, "left_year__order": order_ok, "joined_year__order": order_ok,
        # what the row says of membership: only a file with a left column says anything (blank: a member)
        "member": left.isna() if "left_year" in origin else pd.Series(pd.NA, index=raw.index, dtype="boolean"),
        "steering_committee": steering.where(steering.notna() | as_text(raw["steering_committee"]).notna(), False),
    })
    fails = schemas.failures(typed, schemas.CITIES, raw, REASONS)
    bad_zone = pd.DataFrame({ROW: typed.loc[~zone_ok, ROW], "field": "timezone", "reason": NOT_A_ZONE})
    fails = pd.concat([fails, bad_zone], ignore_index=True) if len(bad_zone) else fails
    fails["field"] = fails["field"].replace(origin)
    rejects = pd.concat([rejects_from(raw, fails), bad_line_rejects(table.bad_rows, keep_raw=True)],
                        ignore_index=True)
    ok = ~typed[ROW].isin(fails[ROW])
    out = typed[ok].drop(columns=["population__parsed", "joined_year__parsed", "left_year__parsed",
                                  "left_year__order", "joined_year__order"])  # source_row: the pipeline's
    # conflict check names the row a repeated city clashes with (as_table drops it before the lake)
    # a file without the steering column says nothing of it (null: an earlier file's flag stays, stg_cities); a
    # file with it speaks for every city it lists (a blank cell: not on the committee)
    steers = out["steering_committee"].astype("boolean") if "steering_committee" in origin \
        else pd.Series(pd.NA, index=out.index, dtype="boolean")
    out = out.assign(joined_year=out["joined_year"].astype("Int32"), steering_committee=steers,
                     left_year=out["left_year"].astype("Int32"), member=out["member"].astype("boolean"))
    kept = fixed & ok
    warnings = [{"code": "timezone_fixed_offset", "rows": [int(r) for r in typed.loc[kept, ROW].head(5)],
                 "values": as_text(raw.loc[kept, "timezone"]).head(5).tolist(), "zones": zone[kept].head(5).tolist(),
                 "field": origin.get("timezone", "timezone"), "count": int(kept.sum())}] if kept.any() else []
    return Parsed({"cities": out}, "cities", rejects, warnings)
