"""Which cities' enriched parts are out of date: a fingerprint per city of what ``posts_enriched`` and
``crimes_enriched`` are computed from, and which ``post_labels`` parts another labelling version wrote (light:
duckdb over the lake and file stamps, no NLP or geo stack; `scn run` plans with it)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import duckdb
import jinja2
import pandas as pd

from scn import lake
from scn.hashing import file_stamp, memo_by_stamps
from scn.settings import h3_resolution, paths, settings

# scn/nlp modules whose code decides labels beside the model artefact (the evidence rules, the mixture that applies
# them against the model's prior (ensemble), the target groups, the text's normal form, the language identification
# that picks the model, the features the pickled models call):
# their source joins the labelling version, so a change of one re-labels every post once
RULE_MODULES = ("rules.py", "ensemble.py", "targets.py", "normal.py", "langid.py", "features.py")
# the code that computes the labelling version: a change of it recomputes the memo (not the version itself)
VERSION_CODE = ("scn/nlp/model.py", "scn/nlp/lexicon.py", "scn/nlp/transformer.py", "scn/review/adapters.py",
                "scn/enrich/parts.py")


def _read(sql: str) -> pd.DataFrame:
    """A query over lake tables (``lake.query``: a part whose footer cannot be parsed is set aside, not fatal)."""
    return lake.query(sql)


# the enrichment's logic: a new value recomputes every city once (3: first-named place wins; 4: a city's
# current areas (its newest boundaries file), the first-listed area wins where areas overlap; 5: months and
# ISO weeks of the city's local calendar (its registry timezone; none: UTC); 6: a crime time written without an
# offset placed in the city's zone here, not at ingest)
ENRICH_VERSION = "6"
TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"
# the ingest log's columns the staging models read when the lake has no log (parts written by hand: tests)
NO_LOG = ("(select null::varchar as sha256, null::varchar as city_id, null::varchar as kind, "
          "null::bigint as rows_read, null::bigint as quarantined, null::timestamptz as ingested_at, "
          "null::varchar as filename where false)")


def _lake_source(_source: str, table: str) -> str:
    """dbt's ``source('lake', table)`` over the lake: its parts, with ``filename`` (no log: no rows)."""
    return lake.scan(table, read_order=True) if table != "ingest_log" or lake.has_table(table) else NO_LOG


def _render(template: str) -> str:
    """dbt SQL (``source`` and the newest-part macros of transforms/macros/newest_part.sql) over the lake."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.globals["source"] = _lake_source
    macros = env.from_string((TRANSFORMS / "macros" / "newest_part.sql").read_text()).module
    env.globals.update(newest_part_ctes=macros.newest_part_ctes, newest_part_order=macros.newest_part_order)
    return env.from_string(template).render()


def staging_sql(model: str) -> str:
    """The SQL of a dbt staging model (transforms/models/staging/<model>.sql) over the lake, so Python steps
    read what the warehouse reads (a city's current areas, time zones). Rendered once per state of the model's
    and the macros' files and of the lake's location (and whether it has an ingest log)."""
    files = (TRANSFORMS / "models" / "staging" / f"{model}.sql", TRANSFORMS / "macros" / "newest_part.sql")
    return _staging_sql(files[0], tuple(tuple(file_stamp(f)) for f in files), str(lake.table_dir("ingest_log")),
                        lake.has_table("ingest_log"))


@lru_cache(maxsize=32)
def _staging_sql(template: Path, _stamps: tuple, _log: str, _has_log: bool) -> str:
    return _render(template.read_text())


def city_timezones() -> dict[str, str]:
    """city_id -> IANA time zone of the city's current registry row (``stg_cities`` over the lake), for the
    cities that have one; a city missing here is on UTC (its months and weeks are cut in UTC)."""
    if not lake.has_table("cities"):
        return {}
    log = lake.parts_stamp("ingest_log") if lake.has_table("ingest_log") else None
    return dict(_city_timezones(lake.parts_stamp("cities"), log))


@lru_cache(maxsize=8)
def _city_timezones(_cities: tuple, _log: tuple | None) -> tuple[tuple[str, str], ...]:
    """``city_timezones`` for the lake's ``cities`` parts and ingest log in the states given (only keys the
    cache: the newest part is the newest in the log, and a file sent again whole changes only the log)."""
    got = _read(f"select city_id, timezone from ({staging_sql('stg_cities')}) where timezone is not null")
    return tuple(zip(got["city_id"].astype(str), got["timezone"].astype(str), strict=True))


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _by_city(sql: str) -> dict[str, str]:
    """city_id -> the text of the other columns of a query grouped by city."""
    rows = _read(sql)
    return {str(r[0]): "|".join(map(str, r[1:])) for r in rows.itertuples(index=False) if r[0] is not None}


def input_fingerprints(table: str, res: int | None = None) -> dict[str, str]:
    """city_id -> fingerprint of everything ``table`` (posts_enriched or crimes_enriched) is computed from for
    that city: its rows (and labels), its areas, its registry row (crimes: its time zone), the H3 resolution
    and this step's version.
    One grouped scan of the key columns; equal fingerprints mean a city's part need not be recomputed. Kept in
    ``$SCN_HOME/state/enrich_fingerprints_<table>.json`` with the queries, the stamps of the lake parts they read
    and of the staging SQL of the time zones: every `scn run` plans with them, and one with nothing new in those
    tables scans nothing (a scan of every post and label: seconds at 10M posts)."""
    res = res or h3_resolution()
    source = {"posts_enriched": "posts", "crimes_enriched": "crimes"}[table]
    if not lake.has_table(source):
        return {}
    queries = _fingerprint_queries(source)
    read = [source, "areas", "cities", "ingest_log", *(["post_labels"] if source == "posts" else [])]
    zones = (TRANSFORMS / "models" / "staging" / "stg_cities.sql", TRANSFORMS / "macros" / "newest_part.sql")
    key = [ENRICH_VERSION, table, res, queries, [lake.parts_stamp(t) for t in read],
           [file_stamp(f) for f in zones], duckdb.__version__]  # its hash() may differ between versions
    state = paths().home / "state" / f"enrich_fingerprints_{table}.json"

    def compute() -> str:
        return json.dumps(_fingerprints(table, res, queries), sort_keys=True)

    try:
        found = json.loads(memo_by_stamps(state, key, compute))
    except ValueError:  # a memo cut short: computed again
        state.unlink(missing_ok=True)
        found = json.loads(memo_by_stamps(state, key, compute))
    return found if isinstance(found, dict) else json.loads(compute())


def _fingerprint_queries(source: str) -> dict[str, str]:
    """The grouped queries (by city) of ``input_fingerprints`` over the lake as it is (a table not there yet: none)."""
    queries: dict[str, str] = {}
    if source == "posts":
        labels = (f"left join {lake.scan('post_labels')} l using (post_key)" if lake.has_table("post_labels")
                  else "left join (select null::varchar as post_key) l using (post_key)")
        queries["rows"] = (f"select p.city_id, count(*), sum(hash(p.post_key))::varchar, count(l.post_key), "
                           f"coalesce(sum(hash(l)), 0)::varchar from {lake.scan('posts')} p {labels} group by 1")
    else:
        queries["rows"] = (f"select city_id, count(*), sum(hash(crime_key))::varchar from {lake.scan('crimes')} "
                           f"group by 1")
    if lake.has_table("areas"):
        queries["areas"] = f"select city_id, count(*), sum(hash(a))::varchar from {lake.scan('areas')} a group by 1"
    # what of the registry places a post: the names the city was ever sent under (the gazetteer); a cities file
    # re-sent with other columns changed (a zone left out, a population) is no reason to place its posts again
    if source == "posts" and lake.has_table("cities"):
        queries["registry"] = (f"select city_id, list_sort(list(distinct name))::varchar from {lake.scan('cities')} "
                               f"group by 1")
    # a boundaries file sent again whole changes the city's current areas without changing any area row
    if lake.has_table("ingest_log"):
        queries["resent"] = (f"select city_id, sum(hash(sha256, ingested_at))::varchar from "
                             f"{lake.scan('ingest_log')} where kind = 'boundaries' group by 1")
    return queries


def _fingerprints(table: str, res: int, queries: dict[str, str]) -> dict[str, str]:
    """``input_fingerprints`` computed: the ``queries`` run."""
    found = {name: _by_city(sql) for name, sql in queries.items()}
    areas, registry, resent = (found.get(n, {}) for n in ("areas", "registry", "resent"))
    zones = city_timezones()  # the calendar the city's months and weeks are cut in (posts and crimes alike)
    return {city: _digest(ENRICH_VERSION, table, res, r, areas.get(city), resent.get(city),
                          registry.get(city), zones.get(city, "UTC")) for city, r in found["rows"].items()}


def lake_cities() -> list[str]:
    """Cities with posts or crimes in the lake (what the enrichment computes parts for)."""
    return sorted({c for t in ("posts", "crimes") for c in lake.value_counts(t, "city_id") if c != "None"})


def stale_cities(table: str, res: int | None = None) -> list[str]:
    """Cities whose part of ``table`` is missing or was computed from other inputs than the lake holds now (all
    of them when the table is still in a whole-table layout), plus cities with a part but no rows left."""
    current = input_fingerprints(table, res)
    done = lake.keyed_parts(table)
    if done is None:
        return sorted(current)
    return sorted({c for c, fp in current.items() if done.get(c) != fp} | (set(done) - set(current)))




def _package_file(package: str, *names: str) -> Path:
    return Path(str(resources.files(package).joinpath(*names)))


def _files_under(path: Path) -> list[Path]:
    """A file, or every file of a folder (a model directory, a lexicon folder), or nothing when missing."""
    if path.is_dir():
        return sorted(f for f in path.iterdir() if f.is_file())
    return [path] if path.exists() else []


def labelling_inputs() -> list[Path]:
    """Every file the labelling version is computed from: the classifier files of ``$SCN_CLASSIFIER`` (each
    entry of a per-language spec; ``default``: the shipped artefact), the lexicon files, the adopted review
    adapters' index, the rule modules and the code that computes the version."""
    from scn.review import store

    spec = settings().classifier or "default"
    entries = [e.strip().partition("=")[2] or e.strip() for e in spec.split(";") if e.strip()]
    files: list[Path] = []
    for entry in entries:
        entry = entry.strip()
        path = _package_file("scn.models", "default.joblib") if entry == "default" else Path(entry)
        files += _files_under(path.expanduser().resolve())
    lexicons = settings().lexicons or str(_package_file("scn", "data", "hurtlex"))
    if lexicons.strip().lower() not in {"none", "off", "0", "false"}:
        files += _files_under(Path(lexicons).expanduser().resolve())
    files += _files_under(store.location() / "adapters" / "index.json")
    files += rule_files()
    root = _package_file("scn").parent
    return files + [root / f for f in VERSION_CODE if (root / f).exists()]


def rule_files() -> list[Path]:
    """The source files of the ``RULE_MODULES``."""
    return [_package_file("scn.nlp", m) for m in RULE_MODULES]


def _rules_digest() -> str:
    digest = hashlib.sha1()
    for f in rule_files():
        digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()[:10]


def _compute_labelling_version() -> str:
    from scn.nlp.model import labelling_version  # loads the classifier: only when an input changed
    from scn.review import adapters

    return f"{labelling_version()}+rules-{_rules_digest()}{adapters.version_suffix()}"


def current_labelling_version() -> str:
    """The labelling version: the model's (its file's hash), the lexicons', the rule modules' and the adopted
    review adapters' (a change of any re-classifies every post).

    Computing it loads the classifier; the value is kept in ``$SCN_HOME/state/labelling_version.json`` with
    the specs and the ``file_stamp`` of every ``labelling_inputs`` file, and reused while they are all equal:
    reading the version costs a few stats."""
    files = labelling_inputs()
    key = [settings().classifier, settings().lexicons, [[str(f), *file_stamp(f)] for f in files]]
    return memo_by_stamps(paths().home / "state" / "labelling_version.json", key, _compute_labelling_version)


def label_version_tag(version: str) -> str:
    """The short tag naming the ``post_labels`` parts of a labelling version."""
    return hashlib.sha1(version.encode()).hexdigest()[:10]


def stale_label_parts(version: str | None = None) -> list[Path]:
    """Parts of ``post_labels`` written by another labelling version than the current one."""
    folder = lake.table_dir("post_labels")
    if not folder.exists():
        return []
    tag = label_version_tag(version or current_labelling_version())
    return [p for p in folder.glob("part-*.parquet") if not p.name.startswith(f"part-{tag}-")]
