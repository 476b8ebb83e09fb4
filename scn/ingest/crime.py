"""Recorded crime: police.uk street-level CSV (optional ``Hate flag``) and a generic CSV (id, time, lat/lon, ...).

A police.uk street-level file without a ``Hate flag`` column (police.uk publishes none), and a generic file with no
hate flag or bias column, gives ``is_hate`` NULL (unknown, never false) and the warning ``no_hate_flag`` naming the
crime-counts file(s) the city's hate crime comes from, if any (docs/your-data.md). In a generic file, the one column
whose name holds ``hate`` is the hate flag when no column has a known hate or bias name (``Hate crime (Y/N)``).

Rows without a location are kept (city precision); rows without an id get the key
``source:sha1(normalised row, occurrence)`` so that two identical id-less rows in one file stay two crimes while the
same rows in an overlapping download are recognised as duplicates. The row's time is hashed as the instant it
names (UTC), not as written: ``01:30+03:00`` and ``22:30Z`` the day before are one crime; a time without an offset
as its wall clock (whatever the city's zone, then or later). A row whose key of the old rule (the time's text) is
already in the lake keeps that key, so files ingested before still match.

A time written without an offset (and police.uk's month) is the city's local time (police records): it is stored
as written with ``wall_clock`` true, and the enrichment places it in the city's IANA zone (cities file), so crimes
sent before the cities file, or before a city changes its zone, are placed by the zone the city has now.

Keys never collide across cities: police.uk ids are national (``police.uk:<id>``); a generic file's source is the
city id (``london:<id>``), and a source the file names itself is scoped by the city (``london/met%20police:<id>``).
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from scn import lake
from scn.ingest import readers, schemas
from scn.ingest.cities_known import city_box
from scn.ingest.model import Parsed, Source, bad_line_rejects, read_table, rejects_from
from scn.ingest.parse import (
    as_text,
    coordinate_checks,
    date_order_warnings,
    names_instant,
    parse_bool,
    parse_month,
    parse_time,
)
from scn.ingest.readers import ROW
from scn.lake.key_index import in_lake
from scn.scratch import scratch

POLICE_UK: dict[str, tuple[str, ...]] = {
    "crime_id": (), "month": (), "reported_by": (), "falls_within": (), "lon": ("longitude",),
    "lat": ("latitude",), "location": (), "lsoa_code": (), "category": ("crime_type",),
    "hate_flag": ("hate", "is_hate"),
}
GENERIC: dict[str, tuple[str, ...]] = {
    "crime_id": ("id", "incident_id", "case_id", "offence_id", "record_id", "crime_ref"),
    "time": ("occurred_at", "datetime", "date", "timestamp", "occurred", "date_time", "reported_at"),
    "lat": ("latitude", "y"), "lon": ("longitude", "lng", "long", "x"),
    "category": ("crime_type", "offence", "offense", "type", "crime_category", "offence_type"),
    "hate_flag": ("is_hate", "hate", "hate_crime", "bias_flag", "hate_related"),
    "bias": ("bias_motivation", "motivation", "hate_motivation", "bias_type"),
    "lsoa_code": ("area_code",), "source": (), "location": (),
}
NO_BIAS = ("", "none", "no", "n", "n/a", "na", "0", "false", "unknown", "not applicable")
PARSE_REASONS = {"occurred_at": "not a valid date/time", "is_hate": "not a yes/no flag"}
HASHED = ["occurred_at", "category", "lat", "lon", "lsoa_code", "location", "reported_by", "falls_within"]


def _with_hate_column(synonyms: dict[str, tuple[str, ...]], columns: pd.Index) -> dict[str, tuple[str, ...]]:
    """``synonyms`` with, when no column is a known hate flag or bias name, the one column whose name holds
    ``hate`` (``Hate crime (Y/N)``, ``HateCrime``, ``hate_motivated``) read as the hate flag; none or several such
    columns: as before (no hate information: unknown)."""
    names = [readers.normalise_name(c) for c in columns]
    known = {n for key in ("hate_flag", "bias") for n in (key, *synonyms[key])}
    if known & set(names):
        return synonyms
    hate = sorted({n for n in names if "hate" in n})
    if len(hate) != 1:
        return synonyms
    return {**synonyms, "hate_flag": (*synonyms["hate_flag"], hate[0])}


def is_police_uk(frame: pd.DataFrame) -> bool:
    names = {readers.normalise_name(c) for c in frame.columns}
    return {"crime_id", "month"} <= names or "falls_within" in names


POLICE_UK_ID = r"[0-9a-f]{64}"  # police.uk's national crime ids: SHA-256 hex


def key_scope(source: pd.Series, city_id: str | None, police: bool, crime_id: pd.Series | None = None) -> pd.Series:
    """What a crime id is unique within: ``police.uk`` for police.uk's national ids (64 hex characters), the city
    (a generic file without a source column), or ``<city>/<source>`` for a source the file names (two cities'
    "police" ids are not the same). A file shaped like police.uk's whose ids are not national ones (``1``, ``2``:
    a partner's export with the same headers) is scoped to the city, ``police.uk@<city>``: its ids collided with
    another city's and that city's crimes were dropped as duplicates."""
    if police:
        national = crime_id.str.lower().str.fullmatch(POLICE_UK_ID).fillna(True).astype(bool) \
            if crime_id is not None else True
        return source.where(national, source + f"@{city_id}")
    names = {s: quote(str(s), safe="-._~") for s in source.dropna().unique()}
    return source.where(source.eq(city_id), f"{city_id}/" + source.map(names))


def _digests(raw: pd.DataFrame, when: pd.Series) -> pd.Series:
    """sha1 of each row's ``HASHED`` fields (lowercased; the time as ``when``) and its occurrence ``#n`` among
    equal rows of the file (DuckDB hashes)."""
    norm = pd.Series("", index=raw.index, dtype="string")
    for c in HASHED:
        if c == "occurred_at" or c in raw:
            norm = norm + "\x1f" + (when if c == "occurred_at" else as_text(raw[c]).str.lower()).fillna("")
    norm = norm + "#" + norm.groupby(norm).cumcount().astype("string")
    with scratch() as con:
        con.register("rows", pd.DataFrame({"n": norm.astype(str)}))
        digest = con.execute("select sha1(n) as h from rows").df()["h"].to_numpy()
    return pd.Series(digest, index=raw.index, dtype="string")


def _keys(source: pd.Series, crime_id: pd.Series, raw: pd.DataFrame, occurred_at: pd.Series, police: bool
          ) -> pd.Series:
    """``scope:crime_id``, or ``scope:sha1(normalised row #n)`` where the id is missing, the time hashed as
    the parsed UTC instant (a wall-clock time: as written; police.uk: its month ``YYYY-MM``). Keys of the old rule (the time's
    text, lowercased) already in the lake are kept: a re-sent file ingested before this rule still matches."""
    written = as_text(raw["occurred_at"]).str.lower()
    instant = occurred_at.dt.strftime("%Y-%m" if police else "%Y-%m-%dT%H:%M:%S.%fZ").astype("string")
    keys = source + ":" + crime_id.fillna(_digests(raw, instant.fillna(written)))
    ask = crime_id.isna() & instant.ne(written).fillna(False).astype(bool)
    if ask.any() and lake.has_table("crimes"):
        old = (source + ":" + _digests(raw, written))[ask]
        known = pd.Series(in_lake("crimes", ["crime_key"], pd.DataFrame({"crime_key": old})), index=old.index)
        keys = keys.mask(known.reindex(keys.index, fill_value=False), old.reindex(keys.index))
    return keys


def parse(src: Source) -> Parsed:

    table = read_table(src)
    police = is_police_uk(table.frame)
    synonyms = POLICE_UK if police else _with_hate_column(GENERIC, table.frame.columns)
    raw, origin = readers.canonical_columns(table.frame, synonyms, src.path)
    readers.require(src.path, origin, ("month", "category") if police else ("time", "category"), synonyms)
    raw = raw.reset_index(drop=True)
    for c in synonyms:
        if c not in raw:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    raw["occurred_at"] = raw["month"] if police else raw["time"]
    origin["occurred_at"] = origin["month" if police else "time"]
    when = parse_month(raw["occurred_at"]) if police else parse_time(raw["occurred_at"])
    # a time without an offset (and police.uk's month) is the city's wall clock: kept as written, placed in the
    # city's time zone by the enrichment (the zone may arrive, or change, after the crimes do)
    wall_clock = pd.Series(True, index=raw.index) if police else ~names_instant(raw["occurred_at"])
    typed = pd.DataFrame({ROW: raw[ROW], "occurred_at": when,
                          "category": as_text(raw["category"])})
    typed = coordinate_checks(typed, raw, city_box(src.city_id))
    flag = parse_bool(raw["hate_flag"])
    if not police and "bias" in origin:
        bias = as_text(raw["bias"]).str.lower().fillna("")
        flag = flag.fillna(pd.Series(~bias.isin(NO_BIAS), index=raw.index, dtype="boolean"))
    raw["is_hate"] = raw["hate_flag"]
    origin["is_hate"] = origin.get("hate_flag", "hate_flag")
    typed["is_hate"] = flag.where(flag.notna() | as_text(raw["hate_flag"]).notna(), False)
    # no hate flag (police.uk publishes none; a generic file without a hate or bias column): unknown, never "not hate"
    unknown = "hate_flag" not in origin and (police or "bias" not in origin)
    fails = schemas.failures(typed, schemas.CRIMES, raw, PARSE_REASONS)
    fails["field"] = fails["field"].replace(origin)
    rejects = pd.concat([rejects_from(raw.drop(columns=["occurred_at", "is_hate"]), fails),
                         bad_line_rejects(table.bad_rows, keep_raw=True)], ignore_index=True)
    ok = ~typed[ROW].isin(fails[ROW])
    source = pd.Series("police.uk" if police else src.city_id, index=raw.index, dtype="string")
    if not police:
        source = as_text(raw["source"]).str.lower().fillna(source)
    crime_id = as_text(raw["crime_id"])
    t = typed[ok]
    crimes = pd.DataFrame({
        "crime_key": _keys(key_scope(source, src.city_id, police, crime_id), crime_id, raw,
                           typed["occurred_at"], police)[ok], "source": source[ok], "crime_id": crime_id[ok],
        "city_id": src.city_id, "occurred_at": t["occurred_at"], "wall_clock": wall_clock[ok],
        "category": t["category"],
        "is_hate": pd.Series(pd.NA, index=t.index, dtype="boolean") if unknown else t["is_hate"].astype(bool),
        "lat": t["lat"], "lon": t["lon"],
        "lsoa_code": as_text(raw["lsoa_code"])[ok], "source_file": src.name, "source_row": t[ROW].astype("int64"),
    })
    warnings = [{"code": "no_hate_flag", "city_id": src.city_id, "hate_source": hate_source(src.city_id)}] \
        if unknown else []
    if not police:
        warnings += date_order_warnings({origin["time"]: raw["time"]})
    return Parsed({"crimes": crimes}, "crimes", rejects, warnings)


def hate_source(city_id: str | None) -> str | None:
    """The crime-counts file(s) that hold the city's hate crime (``a.csv, b.xlsx``), or None: where its hate crime
    comes from when its incident files carry no hate flag."""
    if not city_id or not lake.has_table("crime_counts"):
        return None
    files = lake.query(f"select distinct source_file from {lake.scan('crime_counts')} where city_id = ? and "
                       "is_hate order by 1", [city_id])["source_file"].tolist()
    return ", ".join(files) or None
