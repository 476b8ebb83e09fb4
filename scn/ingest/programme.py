"""Programme records from the shipped templates (scn/templates/): activities, participants, grants, and the
summits / exchanges templates (one row per delegate) that map onto activities + participants.

The template is chosen by file name (``activities*``, ``participants*``, ``grants*``, ``summits*``,
``exchanges*``), else by its id column. Controlled vocabularies are checked; ``participant_id`` becomes
``person_pseudo`` (keyed pseudonym) and is stored nowhere else.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from scn import lake, vocabularies
from scn.hashing import file_stamp
from scn.ingest import readers, schemas
from scn.ingest.cities_known import known_cities
from scn.ingest.gazetteer import stored_places
from scn.ingest.ingest_warnings import ROWS_WAITING
from scn.ingest.model import Parsed, Source, bad_line_rejects, read_table, rejects_from
from scn.ingest.parse import as_text, date_order_warnings, parse_date, parse_float, parse_int, ungrouped
from scn.ingest.readers import ROW
from scn.ingest.result import IngestError
from scn.privacy.pseudonyms import pseudonymise
from scn.scratch import scratch
from scn.settings import paths

ACTIVITY: dict[str, tuple[str, ...]] = {
    "activity_id": ("id", "event_id"), "programme_line": ("programme", "program_line", "line"),
    "activity_type": ("type", "event_type"), "title": ("name", "activity_title"),
    "host_city": ("city", "location"), "country": ("host_country",), "city_id": (),
    "start_date": ("start", "date", "from"), "end_date": ("end", "to"),
}
PARTICIPANT: dict[str, tuple[str, ...]] = {
    "record_id": ("id", "participation_id"), "activity_id": ("event_id",),
    "participant_id": ("person_id", "delegate_id", "attendee_id", "email"), "role": ("participant_role",
                                                                                   "delegate_role"),
    "home_city": ("city", "delegate_city"), "home_country": ("country", "delegate_country"), "gender": ("sex",),
}
GRANT: dict[str, tuple[str, ...]] = {
    "grant_id": ("id",), "city_id": (), "programme_line": ("programme", "line"),
    "recipient_org": ("recipient", "organisation", "organization", "grantee"), "amount": ("value", "grant_amount"),
    "currency": ("ccy",), "year": ("grant_year",),
}
EVENT: dict[str, tuple[str, ...]] = {  # summits and exchanges: one row per delegate
    "event_id": ("summit_id", "exchange_id"), "title": ("name", "summit_name", "exchange_name"),
    "host_city": (), "country": ("host_country",), "start_date": ("start", "date"), "end_date": ("end",),
    "participant_id": ("person_id", "delegate_id"), "role": ("delegate_role",),
    "home_city": ("delegate_city",), "home_country": ("delegate_country",), "gender": ("sex",),
}
EVENT_LINES = {"summits": ("summit", "summit"), "exchanges": ("city_exchange", "exchange")}
GENDER_ALIASES = {"f": "female", "woman": "female", "w": "female", "m": "male", "man": "male",
                  "nb": "non_binary", "non-binary": "non_binary", "prefer not to say": "prefer_not_to_say"}
PRIVATE = ("participant_id",)
NOT_FOUND_SHOWN = 10  # activity ids an ``activity_not_found`` warning names; names and rows a ``city_not_known`` one
CITY_NOT_KNOWN = "city_not_known"
CITY_AMBIGUOUS = "city_ambiguous"
NEAR_MIN = 5  # letters of the shorter of two city keys below which no name is said to be a slip of the other
NEAR_CHANGED = 7  # letters below which one letter changed for another makes another name, not a slip
AMBIGUOUS_AMOUNT = "ambiguous number: 1.2 or 1200? write 1200, or 1.20 for a decimal"
GRANTS_SCHEMA = schemas.frame_schema({**schemas.GRANTS.columns,
                                      "amount__clear": schemas.col(schemas.flag(AMBIGUOUS_AMOUNT))})
MACROS = Path(__file__).resolve().parents[2] / "transforms" / "macros"


def person_handle(s: pd.Series) -> pd.Series:
    """The participant id as the person it names: Unicode compatibility form, accents and format characters
    (Unicode's Cf: zero-width spaces and joiners, a byte order mark, bidi marks, soft hyphens) dropped, case folded,
    any run of spaces (no-break too) one space, ends stripped. ``José  Pérez``, the same with its
    accents as combining marks or a zero-width space inside, and ``JOSE PEREZ`` are one person; an id of plain lower-case ASCII with single spaces is
    unchanged (so is its pseudonym: files ingested before keep their people)."""
    def one(v: str) -> str:
        decomposed = unicodedata.normalize("NFKD", v)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
        return " ".join(unicodedata.normalize("NFC", bare).casefold().split())
    text = as_text(s)
    uniq = text.dropna().unique()
    return text.map({v: one(v) for v in uniq}).astype("string")


def parse_amount(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Money amounts as float64 and a mask, False where a value is ambiguous. Digits in groups of three are one
    number, as in every whole-number field (``parse.ungrouped``): ``1,200`` is 1200 (was 1.2, a "decimal
    comma"), ``12,500.50``, ``10 000`` and ``1'200`` too; groups by dots with a decimal comma
    (``1.200.000,50``) or two dot groups (``1.200.000``) are read so; a lone decimal comma stays a decimal
    (``5,5``). ``1.200`` (1.2 or 1200?) is not guessed: the mask is False there."""
    text = ungrouped(as_text(s), ",' \u00a0\u202f", fraction=True)
    dotted = text.str.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})+,\d+|[-+]?\d{1,3}(?:\.\d{3}){2,}")
    dotted = dotted.fillna(False).astype(bool)
    text = text.where(~dotted, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    clear = ~text.str.fullmatch(r"[-+]?\d{1,3}\.\d{3}").fillna(False).astype(bool)
    return parse_float(text), clear


def activity_key(s: pd.Series) -> pd.Series:
    """Activity ids as the activity they name: ``activity_key`` of transforms/macros/activity_key.sql, run by
    DuckDB (``warehouse_key``): accents dropped (composed or as combining marks), lower case, any run of spaces
    (no-break too) one space, ends stripped: ``ÉTÉ-1``, ``ete-1`` and ``Ete-1`` are one activity, ``ACT  7`` and
    ``act 7`` too. (A Python twin of the rule, NFD and ``lower``, keyed 6,698 of 20,029 names apart from it.)"""
    return warehouse_key(s, "activity_key", "activity_key.sql")


def _activity_ids_not_found(people: pd.DataFrame) -> list[dict[str, object]]:
    """The ``activity_not_found`` warning: participation rows naming an activity id the lake does not hold (a
    typo, or the activities file not sent yet). They are kept, and count once the activity is loaded; until then
    no figure holds them (``stg_programme_participants``' relationships test warns). Ids are compared as the
    warehouse links them (``activity_key``): case, accents and spaces aside, ``t1`` names ``T1``."""
    ids = people["activity_id"].dropna().astype(str)
    if ids.empty:
        return []
    known: set[str] = set()
    if lake.has_table("programme_activities"):
        known = set(lake.query(f"select distinct activity_id from {lake.scan('programme_activities')}")
                    ["activity_id"].dropna().astype(str))
    missing = ids[~activity_key(ids).isin(set(activity_key(pd.Series(sorted(known), dtype="string"))))]
    if missing.empty:
        return []
    return [{"code": "activity_not_found", "rows": int(len(missing)),
             "activity_ids": sorted(set(missing))[:NOT_FOUND_SHOWN], "field": "activity_id"}]


def _vocab(s: pd.Series) -> pd.Series:
    """Lowercase, spaces and hyphens to underscores: ``City Official`` -> ``city_official``."""
    return as_text(s).str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def template_of(path_name: str, frame: pd.DataFrame) -> str:
    name = path_name.lower()
    for t in ("activities", "participants", "grants", "summits", "exchanges"):
        if name.startswith(t) or name.startswith(t[:-1]):
            return t
    cols = {readers.normalise_name(c) for c in frame.columns}
    for col, t in (("summit_id", "summits"), ("exchange_id", "exchanges"), ("grant_id", "grants"),
                   ("participant_id", "participants"), ("activity_id", "activities")):
        if col in cols:
            return t
    raise IngestError(f"{path_name}: not a programme template (activities, participants, grants, summits, exchanges)")


def _regions(city_id: pd.Series, country: pd.Series) -> pd.Series:

    known = known_cities()
    by_city = city_id.map(dict(zip(known["city_id"], known["region"], strict=True)))
    by_country = country.map(known.drop_duplicates("country").set_index("country")["region"])
    return by_city.fillna(by_country).astype("string")


def _macro_sql(macro: str, file: str = "programme_places.sql") -> str:
    """The SQL the ``macro`` of transforms/macros/``file`` writes for a column ``v`` (rendered with jinja as dbt
    renders it; ``city_slug`` from macros/city_slug.sql), once per state of the two files."""
    files = (MACROS / "city_slug.sql", MACROS / file)
    return _rendered(macro, file, tuple(tuple(file_stamp(f)) for f in files))


@lru_cache(maxsize=16)
def _rendered(macro: str, file: str, _stamps: tuple) -> str:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.globals["city_slug"] = env.from_string((MACROS / "city_slug.sql").read_text(encoding="utf-8")).module.city_slug
    module = env.from_string((MACROS / file).read_text(encoding="utf-8")).module
    return str(getattr(module, macro)("v"))


def warehouse_key(values: pd.Series, macro: str, file: str = "programme_places.sql") -> pd.Series:
    """``values`` through a macro of transforms/macros/``file`` (programme_places.sql: ``city_key``,
    ``country_key``, ``given_country``; activity_key.sql: ``activity_key``), run by DuckDB as the warehouse runs it:
    the ingest keys names by the warehouse's very rule (Python's casefold/NFKD and DuckDB's lower/strip_accents
    keyed ``ß``, ``ﬁ``, ``ı`` or ``Ｂｅｉｒｕｔ`` apart). One look-up per distinct value; missing stays missing."""
    text = values.astype("string")
    distinct = pd.DataFrame({"v": text.dropna().unique().astype(object)})
    if distinct.empty:
        return pd.Series(pd.NA, index=values.index, dtype="string")
    with scratch() as con:
        con.register("names", distinct)
        keyed = dict(con.execute(f"select v, {_macro_sql(macro, file)} from names").fetchall())
    return text.map(keyed).astype("string")


def city_key(names: pd.Series) -> pd.Series:
    """A city name as the city it names (its letters folded - ``ß``, ``ﬁ``, full-width forms -, then
    ``cities.slug``'s rule: case, accents, spaces and a parenthesised part aside), a leading "The" dropped
    (``Hague`` is ``The Hague``): ``city_key`` of transforms/macros/programme_places.sql, run (``warehouse_key``)."""
    return warehouse_key(names, "city_key")


def _name_pairs() -> pd.DataFrame:
    """Each way a known city may be named, as a key (``city_key``) -> its city id and registry name: its id, its
    registry name, and its other names in the ``city_aliases`` seed (``Beyrouth`` -> ``beirut``)."""
    known = known_cities()
    named = known.set_index("city_id")["name"]
    aliases = pd.DataFrame(vocabularies.seed_rows("city_aliases"), columns=["alias", "city_id"])
    pairs = pd.concat([
        pd.DataFrame({"key": city_key(known["city_id"].astype("string")), "city_id": known["city_id"]}),
        pd.DataFrame({"key": city_key(known["name"].astype("string")), "city_id": known["city_id"]}),
        pd.DataFrame({"key": city_key(aliases["alias"].astype("string")), "city_id": aliases["city_id"]})])
    pairs = pairs.dropna().drop_duplicates()
    pairs = pairs[pairs["key"] != ""]
    return pairs.assign(name=pairs["city_id"].map(named).fillna(pairs["city_id"]).astype("string"))


def city_names() -> pd.Series:
    """Each way a known city may be named (``_name_pairs``: its id, registry name or an alias; as a ``city_key``)
    -> its city id, as the warehouse reads them (programme_places.sql ``city_names``). A name two cities bear
    (one's name, another's alias too) maps to neither (it is still known: ``_unknown_city_names``;
    ``ambiguous_city_keys``)."""
    pairs = _name_pairs()
    one = pairs.groupby("key")["city_id"].nunique() == 1
    named = pairs.drop_duplicates("key").set_index("key")["city_id"].astype("string")
    return named.where(one)


def ambiguous_city_keys() -> set[str]:
    """The city keys that do not say which place is meant without a country: a name two known cities bear, or
    one a member city shares with another place (``city_homonyms`` seed: Tripoli, Libya)."""
    pairs = _name_pairs()
    shared = pairs.groupby("key")["city_id"].nunique()
    homonyms = pd.DataFrame(vocabularies.seed_rows("city_homonyms"), columns=["name", "country"])
    return set(shared[shared > 1].index) | set(city_key(homonyms["name"].astype("string")).dropna())


def country_key(countries: pd.Series) -> pd.Series:
    """A country as written, as the country it names: letters folded, accents, case, dots and apostrophes dropped,
    any other run of punctuation or spaces one space, ends stripped (``U.K.`` is ``uk``, ``Côte d’Ivoire`` is
    ``cote divoire``): ``country_key`` of transforms/macros/programme_places.sql, run (``warehouse_key``)."""
    return warehouse_key(as_text(countries), "country_key")


def country_given(countries: pd.Series) -> pd.Series:
    """Whether each row gives a country: not blank, and not written as none (``n/a``, ``N.A.``, ``-``, ``?``,
    ``none``, ``unknown``: ``no_country_keys`` of programme_places.sql, which the warehouse reads as blank too)."""
    return warehouse_key(as_text(countries), "given_country").notna()


def country_codes(countries: pd.Series) -> pd.Series:
    """Each country as written -> its ISO code, NA for a country nobody knows or none given (``country_given``): a
    registry country's name or code, or a name of the ``country_names`` seed (``UK``, ``Liban``, ``Türkiye``,
    ``USA``), or an ISO code of the seed, as country keys (``country_key``); the warehouse's rule
    (programme_places.sql ``country_names``)."""
    known = known_cities().dropna(subset=["country", "country_code"])
    countries = countries.where(country_given(countries))  # ``n/a``, ``N.A.`` name none (nor Namibia, ``NA``)
    seed = pd.DataFrame(vocabularies.seed_rows("country_names"), columns=["name", "country_code", "country"])
    pairs = pd.concat([
        pd.DataFrame({"key": country_key(known["country"].astype("string")), "code": known["country_code"]}),
        pd.DataFrame({"key": country_key(known["country_code"].astype("string")), "code": known["country_code"]}),
        pd.DataFrame({"key": country_key(seed["name"].astype("string")), "code": seed["country_code"]}),
        pd.DataFrame({"key": country_key(seed["country_code"].astype("string")), "code": seed["country_code"]})])
    by_key = pairs.dropna().drop_duplicates("key").set_index("key")["code"].astype("string")  # the registry first
    return country_key(countries).map(by_key).astype("string")


def near_miss(typed: str, member: str) -> int | None:
    """The edits between a typed city key and a member's (rapidfuzz's optimal string alignment: a letter added,
    dropped or changed, or two neighbours swapped, one edit each; difflib's ratio rewarded a short name's prefix),
    when the typed one may be a slip of the member's, else None. A slip keeps the first letter, and is one edit in a name of ``NEAR_MIN`` to 8 letters, at
    most two in a longer one. Not a slip, as real places are other words so (a gazetteer is not at hand): a name of
    fewer letters (``Pune`` is no ``Puno``); one letter changed for another in a name of fewer than
    ``NEAR_CHANGED`` letters (``Irbil`` is no ``Irbid``, ``Vyborg`` no ``Viborg``: a letter dropped, doubled or
    two swapped still are slips); the member's name with letters added at its end (``Cairo`` is no ``Cair``,
    ``Bari`` no ``Bar``, ``Tripolis`` no ``Tripoli``; its last letter doubled is a slip, as is one dropped:
    ``Beyrout``)."""
    shorter = min(len(typed), len(member))
    if shorter < NEAR_MIN or typed[0] != member[0] or abs(len(typed) - len(member)) > 2:
        return None
    if typed.startswith(member) and typed != member + member[-1]:
        return None
    d = OSA.distance(typed, member)
    changed = d == 1 and len(typed) == len(member) and sorted(typed) != sorted(member)
    if changed and shorter < NEAR_CHANGED:
        return None
    return d if d <= (1 if shorter <= 8 else 2) else None


def near_members(names: pd.Series, countries: pd.Series) -> dict[str, str]:
    """Names no known city bears that may be a slip of a member city's name or of one of its other names (a typo, a
    transliteration: ``Beirout``, ``Mombassa``; ``near_miss``) -> the member's registry name (``Beirut``), for a
    "did you mean": the fewest edits, the member's country the row's (``country_codes``: its name in any case,
    accents or language, or its ISO code) or the row giving none (blank, or ``n/a``, ``unknown``: ``country_given``;
    a country nobody knows is no member's). One look-up per distinct name and country. Never applied: the rows
    keep the name as written."""
    known = known_cities()
    pairs = _name_pairs()
    pairs = pairs.assign(code=pairs["city_id"].map(known.set_index("city_id")["country_code"]).astype("string"))
    written = countries.reindex(names.index)
    rows = pd.DataFrame({"name": as_text(names), "code": country_codes(written).fillna(  # a country nobody knows:
        country_given(written).map({True: "?", False: pd.NA})).astype("string")})  # no member's (none given: any)
    rows = rows.dropna(subset=["name"]).drop_duplicates()
    keys = sorted(set(pairs["key"]))
    if not keys or rows.empty:
        return {}
    typed = city_key(rows["name"]).fillna("")
    # two edits at most make a slip (``near_miss``): one C pass over every name and key finds the candidates
    within = process.cdist(list(typed), keys, scorer=OSA.distance, score_cutoff=2, workers=1) <= 2
    members: dict[str, list[tuple[str, str]]] = {}  # key -> (country code, registry name) of each member so named
    for k, c, n in zip(pairs["key"], pairs["code"], pairs["name"], strict=True):
        members.setdefault(k, []).append((c if isinstance(c, str) else "", str(n)))
    out: dict[str, str] = {}
    for name, code, key, near in zip(rows["name"], rows["code"], typed, within, strict=True):
        if not key:
            continue
        close = {k: d for k in (keys[j] for j in near.nonzero()[0]) if (d := near_miss(str(key), k)) is not None}
        given = code if isinstance(code, str) else None
        cities = [(k, c, n) for k in close for c, n in members[k] if given is None or c == given]
        cities = _not_another_place(cities, str(key), given) if cities else cities
        if cities:
            best = min(close[k] for k, _, _ in cities)
            out[str(name)] = " / ".join(sorted({n for k, _, n in cities if close[k] == best}))
    return out


def _not_another_place(members: list[tuple[str, str, str]], key: str, code: str | None
                       ) -> list[tuple[str, str, str]]:
    """The ``members`` (member key, country code, name) a typed city ``key`` may still be a slip of: all of them
    when the key names no real place (``gazetteer.real_places``) in the row's country (``code``; any when none is
    given), else only a member that very place is (the key one of its other names: ``Beyrouth``). A real other
    city is never "corrected" to a member: ``Antakya`` is no ``Antalya``, ``Helsingborg`` no ``Helsinki``."""
    here = {g for g, c in _places_of(key) if code is None or c == code}
    if not here:
        return members
    return [(k, m, n) for k, m, n in members if here & {g for g, c in _places_of(k) if c == m}]


@lru_cache(maxsize=1)
def _places() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``gazetteer.stored_places`` by ``city_key`` (its copy under ``$SCN_HOME/state/gazetteer``, named by the key
    rule's macros' text), sorted by key: keys, GeoNames ids, country codes."""
    rule = "\n".join((MACROS / f).read_text(encoding="utf-8") for f in ("city_slug.sql", "programme_places.sql"))
    home = paths().home
    places = stored_places(city_key, rule, home / "state" / "gazetteer" if home.is_dir() else None)
    places = places.sort_values("key", kind="stable")
    return (places["key"].to_numpy(dtype=object), places["geonameid"].to_numpy(),
            places["country_code"].to_numpy(dtype=object))


def _places_of(key: str) -> list[tuple[int, str]]:
    """The real places (``gazetteer.real_places``) a city ``key`` names: (GeoNames id, country code) each."""
    keys, ids, codes = _places()
    lo, hi = np.searchsorted(keys, key, "left"), np.searchsorted(keys, key, "right")
    return list(zip(ids[lo:hi].tolist(), codes[lo:hi].tolist(), strict=True))


def _unknown_city_names(frame: pd.DataFrame, field: str, country: str, origin: dict[str, str],
                        rows: pd.Series | None = None) -> list[dict[str, object]]:
    """The ``city_not_known`` warning for ``field``: the rows (``rows``, all by default) whose city name no known
    city bears (registry id or name, or a ``city_aliases`` name; case, accents, spaces and a leading "The" aside).
    They are kept, the name as written a place of its own; the warning names the file's column, the names and the
    rows, and under ``maybe`` (when any) the member city each near miss may be (``near_members``), so a misspelling
    of a member city, or an alias to add, is seen rather than becoming a new place in silence."""
    names = as_text(frame[field])
    pick = names.notna() & (rows if rows is not None else True)
    unknown = pick & ~city_key(names).isin(set(city_names().index))
    if not unknown.any():
        return []
    said: dict[str, object] = {"code": CITY_NOT_KNOWN, "field": origin.get(field, field),
                                "names": sorted(set(names[unknown]))[:NOT_FOUND_SHOWN],
                                "rows": sorted(int(r) for r in frame.loc[unknown, ROW])[:NOT_FOUND_SHOWN],
                                "count": int(unknown.sum())}
    maybe = near_members(names[unknown], frame[country])
    if maybe:  # only when some name is a near miss
        said["maybe"] = dict(sorted(maybe.items())[:NOT_FOUND_SHOWN])
    return [said]


def _ambiguous_city_names(frame: pd.DataFrame, field: str, country: str, origin: dict[str, str],
                          rows: pd.Series | None = None) -> list[dict[str, object]]:
    """The ``city_ambiguous`` warning for ``field``: the rows (``rows``, all by default) naming a city without a
    country (``country`` blank, or ``n/a``: ``country_given``) by a name that does not say which place it is
    (``ambiguous_city_keys``: Tripoli, Lebanon or Libya). The warehouse counts them as no member city (int_activities, int_participations); the
    warning names the column, the names and the rows, so a country can be added."""
    names = as_text(frame[field])
    pick = names.notna() & ~country_given(frame[country]) & (rows if rows is not None else True)
    vague = pick & city_key(names).isin(ambiguous_city_keys())
    if not vague.any():
        return []
    return [{"code": CITY_AMBIGUOUS, "field": origin.get(field, field),
             "names": sorted(set(names[vague]))[:NOT_FOUND_SHOWN],
             "rows": sorted(int(r) for r in frame.loc[vague, ROW])[:NOT_FOUND_SHOWN], "count": int(vague.sum())}]


def _known_city(city_id: pd.Series) -> pd.Series:

    return city_id.isna() | city_id.isin(set(known_cities()["city_id"]))


def _rows_waiting(typed: pd.DataFrame) -> list[dict[str, object]]:
    """Rows refused only for naming a city not in the registry (yet): one ``rows_waiting`` warning naming those
    cities (the file is taken again once the registry has one of them: scn.ingest.pipeline ``_waiting``; the
    rows already loaded are then duplicates, the waiting ones load)."""
    if "city_id__known" not in typed.columns:
        return []
    unknown = typed.loc[~typed["city_id__known"].astype(bool), "city_id"].dropna().astype(str)
    if unknown.empty:
        return []
    cities = sorted(set(unknown))
    return [{"code": ROWS_WAITING, "needs": "city", "city_id": cities[0], "cities": cities, "rows": len(unknown)}]


def _activity_frame(raw: pd.DataFrame) -> pd.DataFrame:
    start, end = parse_date(raw["start_date"]), parse_date(raw["end_date"])
    city_id = as_text(raw["city_id"]).str.lower()
    t = pd.DataFrame({ROW: raw[ROW], "activity_id": as_text(raw["activity_id"]),
                      "programme_line": _vocab(raw["programme_line"]), "activity_type": as_text(raw["activity_type"]),
                      "title": as_text(raw["title"]), "city_id": city_id, "host_city": as_text(raw["host_city"]),
                      "country": as_text(raw["country"]), "start_date": start, "end_date": end})
    t["end_date__order"] = ~(end < start)
    t["city_id__known"] = _known_city(city_id)
    return t


def _people_frame(raw: pd.DataFrame) -> pd.DataFrame:
    gender = _vocab(raw["gender"])
    return pd.DataFrame({ROW: raw[ROW], "record_id": as_text(raw["record_id"]),
                         "activity_id": as_text(raw["activity_id"]),
                         "person_pseudo": pseudonymise("programme", person_handle(raw["participant_id"])),
                         "role": _vocab(raw["role"]), "home_city": as_text(raw["home_city"]),
                         "home_country": as_text(raw["home_country"]),
                         "gender": gender.replace(GENDER_ALIASES)})


def _activities_out(t: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"activity_id": t["activity_id"], "programme_line": t["programme_line"],
                         "activity_type": t["activity_type"], "title": t["title"], "city_id": t["city_id"],
                         "host_city": t["host_city"], "country": t["country"],
                         "region": _regions(t["city_id"], t["country"]), "start_date": t["start_date"].dt.date,
                         "end_date": t["end_date"].dt.date, "year": t["start_date"].dt.year.astype("Int32")})


def _people_out(t: pd.DataFrame) -> pd.DataFrame:
    return t[["record_id", "activity_id", "person_pseudo", "role", "home_city", "home_country", "gender"]]


def _load(src: Source, synonyms: dict[str, tuple[str, ...]], required: tuple[str, ...], table: readers.Table
          ) -> tuple[pd.DataFrame, dict[str, str]]:
    raw, origin = readers.canonical_columns(table.frame, synonyms, src.path)
    readers.require(src.path, origin, required, synonyms)
    raw = raw.reset_index(drop=True)
    for c in synonyms:
        if c not in raw:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    return raw, origin


def parse(src: Source) -> Parsed:

    table = read_table(src)
    kind = template_of(src.path.name, table.frame)
    dates = {"start_date": "not a valid date", "end_date": "not a valid date", "amount": "not a number",
             "year": "not a whole number"}
    if kind == "activities":
        raw, origin = _load(src, ACTIVITY, ("activity_id", "programme_line", "start_date"), table)
        typed, schema = _activity_frame(raw), schemas.ACTIVITIES
    elif kind == "participants":
        raw, origin = _load(src, PARTICIPANT, ("record_id", "activity_id", "participant_id", "role"), table)
        typed, schema = _people_frame(raw), schemas.PARTICIPANTS
    elif kind == "grants":
        raw, origin = _load(src, GRANT, ("grant_id", "city_id", "programme_line", "amount", "currency", "year"),
                            table)
        year, year_ok = parse_int(raw["year"])
        amount, amount_clear = parse_amount(raw["amount"])
        city_id = as_text(raw["city_id"]).str.lower()
        typed = pd.DataFrame({ROW: raw[ROW], "grant_id": as_text(raw["grant_id"]), "city_id": city_id,
                              "programme_line": _vocab(raw["programme_line"]),
                              "recipient_org": as_text(raw["recipient_org"]), "amount": amount,
                              "currency": as_text(raw["currency"]).str.upper(), "year": year})
        typed["city_id__known"] = city_id.isna() | _known_city(city_id)
        typed["amount__clear"] = amount_clear
        typed["year"] = typed["year"].where(year_ok)
        schema = GRANTS_SCHEMA
    else:
        raw, origin = _load(src, EVENT, ("event_id", "start_date", "participant_id", "role"), table)
        line, activity_type = EVENT_LINES[kind]
        # no city id: the warehouse links the host by its name and country (int_activities), as for activities
        act = raw.assign(activity_id=raw["event_id"], programme_line=line, activity_type=activity_type,
                         city_id=pd.NA)
        typed = _activity_frame(act)
        people = _people_frame(act.assign(record_id=pd.NA))
        typed = typed.join(people.drop(columns=[ROW, "activity_id"]))
        typed["record_id"] = typed["activity_id"] + ":" + typed["person_pseudo"]
        schema = schemas.frame_schema({**schemas.ACTIVITIES.columns, **schemas.PARTICIPANTS.columns})
        origin["activity_id"] = origin["event_id"]
    if "participant_id" in origin:
        origin["person_pseudo"] = origin["participant_id"]
    fails = schemas.failures(typed, schema, raw, dates)
    fails["field"] = fails["field"].replace(origin)
    rejects = pd.concat([rejects_from(raw, fails, PRIVATE), bad_line_rejects(table.bad_rows, keep_raw=False)],
                        ignore_index=True)
    t = typed[~typed[ROW].isin(fails[ROW])]
    warnings = date_order_warnings({origin.get(c, c): raw[c] for c in ("start_date", "end_date") if c in raw.columns})
    warnings += _rows_waiting(typed)
    kept = typed[ROW].isin(t[ROW])
    if kind in ("activities", "summits", "exchanges"):  # a host that is no member city (no city id) by its name
        hosts = kept & typed["city_id"].isna()
        warnings += _unknown_city_names(typed, "host_city", "country", origin, hosts)
        warnings += _ambiguous_city_names(typed, "host_city", "country", origin, hosts)
    if kind in ("participants", "summits", "exchanges"):
        warnings += _unknown_city_names(typed, "home_city", "home_country", origin, kept)
        warnings += _ambiguous_city_names(typed, "home_city", "home_country", origin, kept)
    if kind == "activities":
        return Parsed({"programme_activities": _activities_out(t)}, "programme_activities", rejects, warnings)
    if kind == "participants":
        warnings += _activity_ids_not_found(t)
        return Parsed({"programme_participants": _people_out(t)}, "programme_participants", rejects, warnings)
    if kind == "grants":
        out = t.drop(columns=[ROW, "city_id__known", "amount__clear"]).assign(year=t["year"].astype("Int32"))
        return Parsed({"programme_grants": out}, "programme_grants", rejects, warnings)
    activities = _activities_out(t).drop_duplicates("activity_id")
    return Parsed({"programme_participants": _people_out(t), "programme_activities": activities},
                  "programme_participants", rejects, warnings)
