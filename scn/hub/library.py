"""The resource library: documents and links (toolkits, training modules, local action plans, research, event
reports) with full-text search in English, French and Arabic, stored files and access per entry.

One SQLite file, ``$SCN_HOME/hub/library.sqlite`` (WAL, busy timeout): the ``entries`` table and an FTS5 index
over title, summary and themes. Text is folded the same way for documents and queries before FTS5 sees it:
lower case; Arabic without diacritics or tatweel, with one alef, ``ى`` as ``ي``, hamza carriers as their
letter, a final ``ه`` as ``ة`` and ``و``/``ف`` before the article dropped; each word reduced by the Snowball
stemmer of its language (snowballstemmer: the entry's language, Arabic for Arabic script; a query word by the
English and French stemmers, or the ``lang`` asked for); then Latin accents dropped. A query word matches its
stems as prefixes and, for stems of more than five letters, their first five letters too (an entry with both
scores more than one with the five letters only): so "prévention" finds "Prévenir", "الامن" finds "الأمن" and
"والوقايه" finds "الوقاية". Ranking is FTS5's bm25 with the title weighted above the themes and the summary
(bm25 saturates term frequency per entry: an entry that repeats every query word in its summary can still
outrank one that has them in its title). Changing the folding means raising :data:`INDEX_VERSION`: the index
is then rebuilt on first use.

Entries come from the committed catalogue ``scn/data/library.csv`` (loaded on first use and whenever it
changes; a re-load replaces the catalogue's rows and never duplicates them) and from staff uploads. Stored files
live in ``$SCN_HOME/hub/files/<random id>`` (never the uploader's file name); their type is checked by content
(:data:`FILE_TYPES`), their size by :data:`MAX_FILE_BYTES`. Who sees an entry: ``public`` anyone, ``network``
signed-in users, ``city`` staff and the users of that city (:func:`may_see`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import sqlite3
import unicodedata
import zipfile
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from scn import sqlite
from scn.access.users import User
from scn.settings import paths

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "library.csv"
KINDS = ("toolkit", "training_module", "local_action_plan", "research", "event_report", "link")
ACCESS = ("public", "network", "city")
LANGS = ("en", "fr", "ar")
# theme code -> its words in en, fr, ar (indexed with the entry, so that a theme is found in any language)
THEMES: dict[str, dict[str, str]] = {
    "local_action_planning": {"en": "Local action planning", "fr": "Plans d'action locaux",
                              "ar": "تخطيط العمل المحلي"},
    "local_prevention_network": {"en": "Local prevention networks", "fr": "Réseaux locaux de prévention",
                                 "ar": "شبكات الوقاية المحلية"},
    "youth_engagement": {"en": "Youth engagement", "fr": "Engagement des jeunes", "ar": "إشراك الشباب"},
    "city_exchange": {"en": "City exchanges", "fr": "Échanges entre villes", "ar": "التبادل بين المدن"},
    "summit": {"en": "Global summits", "fr": "Sommets mondiaux", "ar": "القمم العالمية"},
    "training": {"en": "Training and capacity-building", "fr": "Formation et renforcement des capacités",
                 "ar": "التدريب وبناء القدرات"},
    "city_consultation": {"en": "City consultations", "fr": "Consultations de villes", "ar": "مشاورات المدن"},
    "public_private_partnership": {"en": "Public-private partnerships", "fr": "Partenariats public-privé",
                                   "ar": "الشراكات بين القطاعين العام والخاص"},
    "hate_speech_mapping": {"en": "Mapping online hate", "fr": "Cartographie de la haine en ligne",
                            "ar": "رصد خطاب الكراهية على الإنترنت"},
    "community_resilience": {"en": "Community resilience", "fr": "Résilience des communautés",
                             "ar": "صمود المجتمعات"},
    "interventions": {"en": "Interventions", "fr": "Interventions", "ar": "التدخلات"},
    "crisis_response": {"en": "Responding to attacks", "fr": "Réponse aux attentats", "ar": "الاستجابة للهجمات"},
    "policing": {"en": "Community policing", "fr": "Police de proximité", "ar": "الشرطة المجتمعية"},
    "policy": {"en": "Policy and strategy", "fr": "Politiques et stratégies", "ar": "السياسات والاستراتيجيات"},
}
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TITLE, MAX_SUMMARY, MAX_FIELD = 300, 4000, 500
_ZIP = b"PK\x03\x04"


def _zip_with(member: str):
    def check(body: bytes) -> bool:
        if not body.startswith(_ZIP):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        return "[Content_Types].xml" in names and member in names
    return check


_MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|iframe|object)\b", re.IGNORECASE)


def _text(body: bytes) -> bool:
    """UTF-8 text without NUL or control characters (tab, line breaks, form feed allowed) and without markup."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text) and not _MARKUP.search(body[:4096])


# extension -> (MIME type, test of the content)
FILE_TYPES: dict[str, tuple[str, object]] = {
    "pdf": ("application/pdf", lambda b: b.startswith(b"%PDF-")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             _zip_with("word/document.xml")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip_with("xl/workbook.xml")),
    "csv": ("text/csv", _text),
    "txt": ("text/plain", _text),
    "png": ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
}
_EXTENSIONS = {"jpeg": "jpg"}
COLUMNS = ("entry_id", "title", "summary", "kind", "themes", "cities", "region", "language", "date", "licence",
           "url", "source", "access", "city_id", "file_id", "file_name", "file_type", "file_size", "origin",
           "added_by", "added_at")
CSV_COLUMNS = ("entry_id", "title", "summary", "kind", "themes", "cities", "region", "language", "date", "licence",
               "url", "source", "access", "city_id")

_SCHEMA = """
create table if not exists entries (entry_id text primary key, title text not null, summary text not null,
    kind text not null, themes text not null default '', cities text not null default '', region text,
    language text not null, date text, licence text, url text, source text, access text not null, city_id text,
    file_id text, file_name text, file_type text, file_size integer, origin text not null, added_by text,
    added_at text not null);
create virtual table if not exists entries_fts using fts5(entry_id unindexed, title, summary, themes,
    tokenize = 'unicode61 remove_diacritics 2');
create table if not exists meta (key text primary key, value text);
"""
WEIGHTS = (0.0, 8.0, 1.0, 2.0)  # bm25 weights: entry_id (not indexed), title, summary, themes
INDEX_VERSION = "2"  # of the text folding (words, stems, index_text): another version rebuilds the index


class LibraryError(ValueError):
    """An entry or file the library refuses; ``status`` is the HTTP status a route answers with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------------------------------------------ text folding
_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # diacritics, Quranic marks, tatweel
_AR_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ؤ": "و", "ئ": "ي"})
# a final ``ه`` written for ``ة`` (the stemmer removes ``ة`` as an ending, ``ه`` only as a pronoun), and the
# conjunction ``و``/``ف`` before the article (the stemmer removes one prefix: ``والوقاية`` would keep ``وال``)
_AR_END = re.compile(r"ه$")
_AR_CONJ = re.compile(r"^[وف](?=ال..)")
_ARABIC = re.compile("[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W_]+")
# a few function words that every document has (bm25 would rank them low anyway; they would match as prefixes)
STOPWORDS = frozenset("""a an and are as at be by for from in is it of on or the to with de des du la le les un
une et en au aux pour par sur dans d l que qui est à و في من على الى إلى عن مع ان أن""".split())


@cache
def _stemmer(lang: str):
    import snowballstemmer

    return snowballstemmer.stemmer({"en": "english", "fr": "french", "ar": "arabic"}[lang])


def _fold(stem: str) -> str:
    """Latin accents dropped (after stemming: the French stemmer reads them)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain)


def words(text: str) -> list[str]:
    """The words of ``text``: lower case, Arabic diacritics and tatweel removed, alef and hamza forms unified,
    a final ``ه`` read as ``ة``, the conjunction before an article dropped, function words dropped."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _AR_MARKS.sub("", text).translate(_AR_LETTERS)
    found = [w for w in _WORD.findall(text) if w not in STOPWORDS and len(w) > 1 or w.isdigit()]
    return [_AR_CONJ.sub("", _AR_END.sub("ة", w)) if _ARABIC.search(w) else w for w in found]


@cache
def stems(word: str, langs: tuple[str, ...]) -> tuple[str, ...]:
    """The folded stems of one word: by the Arabic stemmer for Arabic script, else by each of ``langs``."""
    use = ("ar",) if _ARABIC.search(word) else tuple(lang for lang in langs if lang != "ar") or ("en",)
    return tuple(dict.fromkeys(s for s in (_fold(_stemmer(lang).stemWord(word)) for lang in use) if s))


def index_text(text: str, lang: str) -> str:
    """A document's text as FTS5 sees it: the stems of its words in its language."""
    return " ".join(s for w in words(text) for s in stems(w, (lang,))[:1])


def match_query(query: str, lang: str | None = None) -> str | None:
    """The FTS5 MATCH expression of a free-text query (None when it has no searchable word): each word's stems
    in ``lang`` (English and French when not given; Arabic for Arabic script) as prefixes, OR-ed, so that bm25
    ranks entries by how many and how rare the words they match are."""
    langs = (lang,) if lang in LANGS else ("en", "fr")
    clauses = []
    for word in dict.fromkeys(words(query)):
        forms: list[str] = []
        for stem in stems(word, langs):
            forms.append(f'"{stem}"*' if len(stem) >= 3 else f'"{stem}"')
            if len(stem) > 5 and not _ARABIC.search(stem):
                forms.append(f'"{stem[:5]}"*')
        if forms:
            clauses.append("(" + " OR ".join(dict.fromkeys(forms)) + ")")
    return " OR ".join(clauses) or None


# ------------------------------------------------------------------------------------------------ storage
def db_path() -> Path:
    return paths().home / "hub" / "library.sqlite"


def files_dir() -> Path:
    return paths().home / "hub" / "files"


def _connect() -> AbstractContextManager[sqlite3.Connection]:
    return sqlite.session(db_path(), _SCHEMA, rows=True)


def _theme_words(themes: str) -> str:
    return " ".join(index_text(THEMES[c][lang], lang) for c in themes.split(";") if c in THEMES for lang in LANGS)


def _put(con: sqlite3.Connection, row: dict) -> None:
    """Insert or replace one entry and its index row (inside the caller's transaction)."""
    con.execute(f"insert or replace into entries ({', '.join(COLUMNS)}) values ({', '.join('?' * len(COLUMNS))})",
                [row.get(c) for c in COLUMNS])
    con.execute("delete from entries_fts where entry_id = ?", (row["entry_id"],))
    lang = row["language"]
    con.execute("insert into entries_fts (entry_id, title, summary, themes) values (?, ?, ?, ?)",
                (row["entry_id"], index_text(row["title"], lang), index_text(row["summary"], lang),
                 _theme_words(row.get("themes") or "")))


def _split(value: object) -> list[str]:
    return [v.strip() for v in str(value or "").replace(",", ";").split(";") if v.strip()]


# characters a field may not hold: control characters (a line break or tab forged a line of `scn library
# search`, a terminal escape ran in the operator's terminal), line and paragraph separators, and the direction
# embeddings, overrides and isolates (a title showing other text than it holds); the summary keeps its line
# breaks and tabs. Marks Arabic text needs (U+200C-U+200F) are kept.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_ONE_LINE_BAD = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_MULTILINE_BAD = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")


def check_entry(row: dict, known_cities: set[str] | None = None) -> dict:
    """A clean entry from form or CSV fields, or :class:`LibraryError` naming the first problem (a field with a
    control, separator or direction-override character among them)."""
    from scn.access.users import known_city_ids

    clean = {k: (str(row.get(k)).strip() if row.get(k) is not None else "") for k in CSV_COLUMNS}
    if not clean["title"] or len(clean["title"]) > MAX_TITLE:
        raise LibraryError(f"a title of 1-{MAX_TITLE} characters is needed")
    if len(clean["summary"]) > MAX_SUMMARY:
        raise LibraryError(f"the summary is longer than {MAX_SUMMARY} characters")
    for key in ("region", "licence", "source", "url"):
        if len(clean[key]) > MAX_FIELD:
            raise LibraryError(f"{key} is longer than {MAX_FIELD} characters")
    for key in CSV_COLUMNS:
        if (_MULTILINE_BAD if key == "summary" else _ONE_LINE_BAD).search(clean[key]):
            raise LibraryError(f"{key} holds a control, line-separator or direction-override character")
    for key, allowed in (("kind", KINDS), ("language", LANGS), ("access", ACCESS)):
        if clean[key] not in allowed:
            raise LibraryError(f"{key} must be one of {', '.join(allowed)}, not {clean[key]!r}")
    themes = _split(clean["themes"])
    if unknown := [t for t in themes if t not in THEMES]:
        raise LibraryError(f"unknown theme(s): {', '.join(unknown)}")
    clean["themes"] = ";".join(dict.fromkeys(themes))
    cities = known_cities if known_cities is not None else known_city_ids()
    named = _split(clean["cities"])
    if unknown := [c for c in named if c not in cities]:
        raise LibraryError(f"unknown city(ies): {', '.join(unknown)}")
    clean["cities"] = ";".join(dict.fromkeys(named))
    if clean["access"] == "city":
        if clean["city_id"] not in cities:
            raise LibraryError("a city-only entry needs a known city_id")
    else:
        clean["city_id"] = ""
    if clean["date"] and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", clean["date"]):
        raise LibraryError("date must be YYYY, YYYY-MM or YYYY-MM-DD")
    if clean["url"] and not re.fullmatch(r"https?://[^\s<>\"']+", clean["url"]):
        raise LibraryError("url must be an http(s) address")
    if clean["entry_id"] and not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,79}", clean["entry_id"]):
        raise LibraryError("entry_id: 2-80 characters of a-z 0-9 -")
    return {k: (v or None) if k in ("region", "date", "licence", "url", "source", "city_id") else v
            for k, v in clean.items()}


def _catalogue_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _registry_city_ids() -> set[str]:
    """The shipped city registry's ids (the catalogue names only registry cities; read without pandas)."""
    with (CATALOGUE.parent / "cities.csv").open(encoding="utf-8", newline="") as f:
        return {r["city_id"] for r in csv.DictReader(f)}


def load(path: Path = CATALOGUE) -> dict:
    """Load the catalogue CSV: its entries are inserted or replaced by ``entry_id`` and catalogue entries no
    longer in it removed (uploads are never touched). Returns counts ``{"entries", "removed", "total"}``."""
    body = path.read_bytes()
    cities = _registry_city_ids()
    rows = [check_entry(r, cities) for r in _catalogue_rows(path)]
    ids = [r["entry_id"] for r in rows]
    if len(set(ids)) != len(ids) or not all(ids):
        raise LibraryError(f"{path}: every entry needs a distinct entry_id")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with _connect() as con:
        con.execute("begin immediate")
        try:
            uploads = {r[0] for r in con.execute("select entry_id from entries where origin != 'catalogue'")}
            if clash := uploads & set(ids):
                raise LibraryError(f"catalogue entry_id(s) already used by uploads: {', '.join(sorted(clash))}")
            old = {r[0] for r in con.execute("select entry_id from entries where origin = 'catalogue'")}
            for row in rows:
                _put(con, {**row, "origin": "catalogue", "added_by": "catalogue", "added_at": now})
            gone = sorted(old - set(ids))
            con.executemany("delete from entries where entry_id = ?", [(g,) for g in gone])
            con.executemany("delete from entries_fts where entry_id = ?", [(g,) for g in gone])
            con.executemany("insert or replace into meta values (?, ?)",
                            [("catalogue_sha256", hashlib.sha256(body).hexdigest()), ("index_version", INDEX_VERSION),
                             ("catalogue_custom", "0" if path.resolve() == CATALOGUE else "1")])
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        total = con.execute("select count(*) from entries").fetchone()[0]
    return {"entries": len(rows), "removed": len(gone), "total": int(total)}


def ensure_loaded() -> None:
    """Load the committed catalogue when the library has none yet (first use) or an older version of it (not
    when another catalogue file was loaded on purpose: ``scn library load FILE``); rebuild the index when it
    was built by another :data:`INDEX_VERSION`."""
    with _connect() as con:
        meta = dict(con.execute("select key, value from meta").fetchall())
        if meta and meta.get("index_version") != INDEX_VERSION:
            con.execute("begin immediate")
            try:
                for row in con.execute("select * from entries").fetchall():
                    _put(con, dict(row))
                con.execute("insert or replace into meta values ('index_version', ?)", (INDEX_VERSION,))
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
    if meta.get("catalogue_custom") == "1":
        return
    if meta.get("catalogue_sha256") != hashlib.sha256(CATALOGUE.read_bytes()).hexdigest():
        load(CATALOGUE)


# ------------------------------------------------------------------------------------------------ access
def may_see(user: User | None, access: str, city_id: str | None) -> bool:
    """``public``: anyone; ``network``: any signed-in user; ``city``: staff and the users of that city."""
    if access == "public":
        return True
    if user is None:
        return False
    return access == "network" or user.is_staff or (access == "city" and city_id is not None
                                                    and user.city_id == city_id)


def _visible_sql(user: User | None) -> tuple[str, list]:
    if user is None:
        return "e.access = 'public'", []
    if user.is_staff:
        return "1 = 1", []
    return "(e.access in ('public', 'network') or (e.access = 'city' and e.city_id = ?))", [user.city_id or ""]


# ------------------------------------------------------------------------------------------------ search
FILTERS = ("kind", "theme", "language", "region", "city", "year")


def search(query: str | None = "", user: User | None = None, *, lang: str | None = None, limit: int = 50,
           **filters: object) -> list[dict]:
    """Entries ``user`` may see (``None``: anonymous, public ones only) matching ``query`` (best first, bm25;
    every entry, newest first, when the query is empty) and the filters (kind, theme, language, region, city,
    year; empty ones ignored). Each row has the entry's columns, ``themes``/``cities`` as lists and ``score``
    (bm25, lower is better; None without a query)."""
    ensure_loaded()
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    where, params = _visible_sql(user)
    clauses, args = [where], list(params)
    for key, sql in (("kind", "e.kind = ?"), ("language", "e.language = ?"), ("region", "e.region = ?"),
                     ("theme", "(';' || e.themes || ';') like '%;' || ? || ';%'"),
                     ("city", "((';' || e.cities || ';') like '%;' || ? || ';%' or e.city_id = ?)"),
                     ("year", "substr(e.date, 1, 4) = ?")):
        value = filters.get(key)
        if value not in (None, ""):
            clauses.append(sql)
            args.extend([str(value)] * sql.count("?"))
    match = match_query(query or "", lang)
    if query and match is None:
        return []
    with _connect() as con:
        if match is None:
            sql = (f"select e.*, null as score from entries e where {' and '.join(clauses)} "
                   "order by coalesce(e.date, '') desc, e.title limit ?")
            rows = con.execute(sql, (*args, int(limit))).fetchall()
        else:
            weights = ", ".join(str(w) for w in WEIGHTS)
            sql = (f"select e.*, bm25(entries_fts, {weights}) as score from entries_fts f "
                   f"join entries e on e.entry_id = f.entry_id where entries_fts match ? and {' and '.join(clauses)} "
                   "order by score, e.entry_id limit ?")
            try:
                rows = con.execute(sql, (match, *args, int(limit))).fetchall()
            except sqlite3.OperationalError as exc:  # a query FTS5 cannot parse: nothing found
                raise LibraryError(f"query not understood: {exc}") from exc
    return [_row(r) for r in rows]


def _row(r: sqlite3.Row) -> dict:
    out = dict(r)
    out["themes"] = _split(out.get("themes"))
    out["cities"] = _split(out.get("cities"))
    return out


def get(entry_id: str) -> dict | None:
    """One entry by id (whoever asks: callers check :func:`may_see`), or None."""
    ensure_loaded()
    with _connect() as con:
        row = con.execute("select *, null as score from entries where entry_id = ?", (str(entry_id),)).fetchone()
    return _row(row) if row is not None else None


def facets(user: User | None = None) -> dict[str, list[str]]:
    """The values the filters offer over the entries ``user`` may see: kind, theme, language, region, city,
    year (sorted)."""
    rows = search("", user, limit=100_000)
    out: dict[str, set] = {k: set() for k in FILTERS}
    for r in rows:
        out["kind"].add(r["kind"])
        out["language"].add(r["language"])
        out["theme"].update(r["themes"])
        out["city"].update(r["cities"] + ([r["city_id"]] if r["city_id"] else []))
        if r["region"]:
            out["region"].add(r["region"])
        if r["date"]:
            out["year"].add(r["date"][:4])
    return {k: sorted(v, reverse=k == "year") for k, v in out.items()}


# ------------------------------------------------------------------------------------------------ files
def file_type(name: str, body: bytes) -> str:
    """The type (a :data:`FILE_TYPES` key) of an upload named ``name``: its extension must be allowed and its
    content must be of that type (a PDF starts ``%PDF-``, a DOCX is an Office zip with a document part...);
    :class:`LibraryError` (415) otherwise."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ext = _EXTENSIONS.get(ext, ext)
    if ext not in FILE_TYPES:
        raise LibraryError(f"file type not allowed (allowed: {', '.join(FILE_TYPES)})", 415)
    if not FILE_TYPES[ext][1](body):  # type: ignore[operator]
        raise LibraryError(f"the content is not a {ext} file", 415)
    return ext


def safe_name(name: str, ext: str) -> str:
    """The name offered when the file is downloaded: the last path part of the uploader's name without control,
    direction-override or line-separator characters, quotes or separators, at most 120 characters, ending in
    ``.ext`` (``document.ext`` when nothing is left)."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = re.sub(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_BIDI}\"';:<>|*?%]", "", base)
    base = base.strip().lstrip(".").strip()
    base = re.sub(r"\s+", " ", base)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:110].strip() or 'document'}.{ext}"


def _store(body: bytes) -> str:
    folder = files_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    file_id = secrets.token_hex(16)
    tmp = folder / f".{file_id}.part"
    tmp.write_bytes(body)
    tmp.chmod(0o600)
    tmp.replace(folder / file_id)
    return file_id


def file_path(entry: dict) -> Path | None:
    """Where an entry's stored file is (None when it has none)."""
    file_id = entry.get("file_id") or ""
    if not re.fullmatch(r"[0-9a-f]{32}", file_id):
        return None
    path = files_dir() / file_id
    return path if path.is_file() else None


def add(fields: dict, actor: str, *, file_name: str | None = None, body: bytes | None = None) -> dict:
    """Add an entry (a link, or a stored file given as ``file_name`` and ``body``) on behalf of ``actor``;
    recorded in the audit log as ``library.add``. Returns the entry. :class:`LibraryError` when refused."""
    from scn.hub import audit

    ensure_loaded()
    clean = check_entry({**fields, "entry_id": ""})
    if body is not None and len(body) > MAX_FILE_BYTES:
        raise LibraryError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", 413)
    has_file = bool(body) and bool(file_name)
    if not has_file and not clean["url"]:
        raise LibraryError("a file or a url is needed")
    entry = {**clean, "entry_id": "lib-" + secrets.token_hex(6), "origin": "upload", "added_by": actor,
             "added_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if has_file:
        ext = file_type(str(file_name), body or b"")
        entry.update(file_id=_store(body or b""), file_name=safe_name(str(file_name), ext), file_type=ext,
                     file_size=len(body or b""))
    with _connect() as con:
        con.execute("begin immediate")
        try:
            _put(con, entry)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    audit.record(actor, "library.add", entry["entry_id"], clean["city_id"],
                 {"kind": entry["kind"], "access": entry["access"], "file_type": entry.get("file_type")})
    return get(entry["entry_id"]) or entry
