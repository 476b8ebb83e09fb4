"""City profiles of the Online Hub: one profile per registry city (every member, not only cities with data).

Two halves:

- **Texts with history**: a profile is a few sections (:data:`SECTIONS`), each with its text and a visibility,
  ``public`` (every signed-in user) or ``network`` (staff and the city's own official). They are kept in one
  SQLite file, ``$SCN_HOME/hub/profiles.sqlite`` (WAL, busy timeout), one row per section of each version;
  every edit appends a new version and nothing is ever rewritten (triggers refuse updates and deletes). Each
  edit is recorded in the audit log (``scn.hub.audit``, action ``profile.edit``).
- **The directory**: :func:`profile_frame` joins the published registry (``cities``) with the programme records
  (``programme_years``) and the snapshot's survey and monitoring status, one row per city; :func:`search`
  filters it (theme, region, country, programme line, language of the city, free text on name and country)
  with column operations only.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scn import sqlite
from scn.access.users import User
from scn.hub import audit
from scn.settings import paths

SECTIONS = ("overview", "challenges", "approaches", "contacts")
VISIBILITIES = ("public", "network")
DEFAULT_VISIBILITY = {"overview": "public", "challenges": "public", "approaches": "public", "contacts": "network"}
MAX_TEXT = 5000  # characters per section
LIST_COLUMNS = ("themes", "lines", "languages", "survey_waves")  # ";"-joined codes in the directory frame
COLUMNS = ("city_id", "version", "section", "visibility", "text", "editor", "at")

_SCHEMA = """
create table if not exists profile_parts (
    city_id text not null, version integer not null, section text not null,
    visibility text not null check (visibility in ('public', 'network')), text text not null,
    editor text not null, at text not null, primary key (city_id, version, section));
create trigger if not exists profile_parts_append_only_u before update on profile_parts
    begin select raise(abort, 'profile history is append-only'); end;
create trigger if not exists profile_parts_append_only_d before delete on profile_parts
    begin select raise(abort, 'profile history is append-only'); end;
"""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ProfileError(ValueError):
    """An edit that cannot be saved (unknown section or visibility, text too long)."""


class ProfileConflict(ProfileError):
    """An edit made from version ``base`` while someone else has since saved version ``current``: saving it
    would silently undo their changes, so it is refused (nothing is written)."""

    def __init__(self, city_id: str, base: int, current: int) -> None:
        super().__init__(f"{city_id}: the edit was made from version {base}, but version {current} has been saved "
                         "since")
        self.city_id, self.base, self.current = city_id, base, current


def db_path() -> Path:
    return paths().home / "hub" / "profiles.sqlite"


def _connect() -> AbstractContextManager[sqlite3.Connection]:
    return sqlite.session(db_path(), _SCHEMA)


# ---------------------------------------------------------------------------------------- who sees, who edits
def sees_network(user: User | None, city_id: str) -> bool:
    """Whether ``user`` sees the ``network`` parts of a city's profile: staff, or the city's own official."""
    return user is not None and (user.is_staff or (user.role == "official" and user.city_id == city_id))


def may_edit(user: User | None, city_id: str) -> bool:
    """Staff edit any city's profile, an official only their own city's; reviewers and others never."""
    return sees_network(user, city_id)


# ---------------------------------------------------------------------------------------- texts and history
def history(city_id: str) -> pd.DataFrame:
    """Every version of a city's profile, one row per section (:data:`COLUMNS`), newest version first, sections
    in :data:`SECTIONS` order."""
    with _connect() as con:
        rows = con.execute("select city_id, version, section, visibility, text, editor, at from profile_parts "
                           "where city_id = ?", (city_id,)).fetchall()
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).astype({"version": "int64"})
    order = frame["section"].map({s: i for i, s in enumerate(SECTIONS)})
    return frame.assign(_order=order).sort_values(["version", "_order"], ascending=[False, True]).drop(
        columns="_order").reset_index(drop=True)


def version(city_id: str) -> int:
    """The newest version number of a city's profile (0 when it was never edited): the ``base`` of an edit."""
    with _connect() as con:
        latest = con.execute("select max(version) from profile_parts where city_id = ?", (city_id,)).fetchone()[0]
    return int(latest or 0)


def current(city_id: str) -> pd.DataFrame:
    """The newest version's sections (empty frame when the profile was never edited)."""
    hist = history(city_id)
    return hist[hist["version"] == hist["version"].max()].reset_index(drop=True) if len(hist) else hist


def visible(parts: pd.DataFrame, user: User | None, city_id: str) -> pd.DataFrame:
    """The rows of ``parts`` (:func:`current` or :func:`history`) that ``user`` may read: everything for staff
    and the city's official; for others a row that was public when saved, of a section that is public in the
    newest version (making a section network-only takes its past texts with it: a text published by mistake
    is withdrawn from the history too)."""
    if sees_network(user, city_id):
        return parts
    now = current(city_id)
    public_now = now.loc[now["visibility"].eq("public").to_numpy(bool), "section"]
    keep = parts["visibility"].eq("public").to_numpy(bool) & parts["section"].isin(public_now).to_numpy(bool)
    return parts[keep]


def _clean(text: object) -> str:
    value = _CONTROL.sub("", str(text or "")).replace("\r\n", "\n").strip()
    if len(value) > MAX_TEXT:
        raise ProfileError(f"a section holds at most {MAX_TEXT} characters")
    return value


def save(city_id: str, parts: Mapping[str, tuple[object, str]], editor: str, base: int | None = None) -> int:
    """Append a new version of ``city_id``'s profile: ``parts`` maps a section to (text, visibility); sections
    left out keep their current text and visibility. Returns the version (the current one, unchanged, when the
    edit changes nothing). Recorded in the audit log as ``profile.edit``.

    Concurrent saves are serialised (one write transaction each): every saved edit gets its own version number,
    in order. ``base`` is the version the edit was made from (:func:`version` when the form was shown): when
    another version has been saved since, :class:`ProfileConflict` is raised instead of overwriting it (an edit
    identical to the newest version is no conflict). Without ``base`` the edit applies to the newest version."""
    unknown = set(parts) - set(SECTIONS)
    if unknown:
        raise ProfileError(f"unknown profile sections: {sorted(unknown)}")
    if any(vis not in VISIBILITIES for _, vis in parts.values()):
        raise ProfileError(f"visibility is one of {VISIBILITIES}")
    wanted = {s: (_clean(text), vis) for s, (text, vis) in parts.items()}
    at = datetime.now(UTC).isoformat(timespec="seconds")
    with _connect() as con:
        con.execute("begin immediate")
        try:
            latest = con.execute("select max(version) from profile_parts where city_id = ?", (city_id,)).fetchone()[0]
            before = {s: (t, v) for s, v, t in con.execute(
                "select section, visibility, text from profile_parts where city_id = ? and version = ?",
                (city_id, latest))}
            after = {s: wanted.get(s, before.get(s, ("", DEFAULT_VISIBILITY[s]))) for s in SECTIONS}
            if latest is not None and after == {s: before.get(s, ("", DEFAULT_VISIBILITY[s])) for s in SECTIONS}:
                con.execute("rollback")
                return int(latest)
            if base is not None and int(base) != int(latest or 0):
                raise ProfileConflict(city_id, int(base), int(latest or 0))
            saved = int(latest or 0) + 1
            con.executemany("insert into profile_parts (city_id, version, section, visibility, text, editor, at) "
                            "values (?, ?, ?, ?, ?, ?, ?)",
                            [(city_id, saved, s, vis, text, editor, at) for s, (text, vis) in after.items()])
            con.execute("commit")
        except BaseException:
            if con.in_transaction:
                con.execute("rollback")
            raise
    changed = sorted(s for s in SECTIONS if after[s] != before.get(s))
    audit.record(editor, "profile.edit", city_id, city_id=city_id, detail={"version": saved, "sections": changed})
    return saved


# ---------------------------------------------------------------------------------------- the directory
def city_languages(country_codes: pd.Series) -> pd.Series:
    """The official languages of each city's country (CLDR territory data through babel, base codes,
    ``;``-joined): ``LB`` -> ``ar``, ``CA`` -> ``en;fr``. Empty for an unknown code."""
    from babel.languages import get_official_languages

    def of(code: str) -> str:
        found = get_official_languages(code, de_facto=True) if code else ()
        return ";".join(dict.fromkeys(lang.split("_")[0] for lang in found))

    codes = country_codes.fillna("").astype(str).str.upper()
    return codes.map({c: of(c) for c in pd.unique(codes)})


def _joined(frame: pd.DataFrame, col: str) -> pd.Series:
    """Distinct values of ``col`` per city, sorted and ``;``-joined."""
    if frame.empty or col not in frame.columns:
        return pd.Series(dtype=object)
    pairs = frame[["city_id", col]].dropna().drop_duplicates().sort_values(["city_id", col])
    return pairs.groupby("city_id")[col].agg(";".join)


def _months(city_month: pd.DataFrame, col: str) -> pd.DataFrame:
    """First and last month with a published, non-zero ``col`` per city."""
    if city_month.empty or col not in city_month.columns:
        return pd.DataFrame(columns=[f"{col}_from", f"{col}_to"])
    having = city_month[pd.to_numeric(city_month[col], errors="coerce").fillna(0).gt(0).to_numpy(bool)]
    return having.groupby("city_id")["period"].agg(["min", "max"]).set_axis([f"{col}_from", f"{col}_to"], axis=1)


def profile_frame(cities: pd.DataFrame, programme_years: pd.DataFrame | None = None,
                  survey_indices: pd.DataFrame | None = None, city_month: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per registry city (the published ``cities`` table, sorted by name): its registry columns plus
    ``lines`` (programme lines of its programme records), ``programme_years`` (``line:year,year;...``: the years
    an activity was held; a year of planned activities only, ``activities`` 0, is not one of them),
    ``languages`` (:func:`city_languages`), ``survey_waves`` (survey waves published for it) and the first and
    last month with published posts (``posts_from``, ``posts_to``) and crimes (``crimes_from``, ``crimes_to``)."""
    if cities.empty or "city_id" not in cities.columns:
        return pd.DataFrame(columns=["city_id", "name", "country", "country_code", "region", *LIST_COLUMNS])
    out = cities.drop_duplicates("city_id").copy()
    for col in ("themes", "country", "country_code", "region", "name"):
        if col not in out.columns:
            out[col] = ""
        out[col] = out[col].fillna("").astype(str)
    out["themes"] = out["themes"].str.replace(r"\s*;\s*", ";", regex=True).str.strip(";")
    prog = programme_years if programme_years is not None else pd.DataFrame()
    by_city = out["city_id"]
    out["lines"] = by_city.map(_joined(prog, "programme_line")).fillna("")
    if not prog.empty and {"programme_line", "year"} <= set(prog.columns):
        held = prog if "activities" not in prog.columns else \
            prog[~pd.to_numeric(prog["activities"], errors="coerce").eq(0).to_numpy(bool)]
        years = held[["city_id", "programme_line", "year"]].dropna().drop_duplicates()
        years = years.assign(year=years["year"].astype("int64").astype(str)).sort_values(
            ["city_id", "programme_line", "year"])
        per_line = years.groupby(["city_id", "programme_line"])["year"].agg(",".join).reset_index()
        per_line["item"] = per_line["programme_line"] + ":" + per_line["year"]
        out["programme_years"] = by_city.map(per_line.groupby("city_id")["item"].agg(";".join)).fillna("")
    else:
        out["programme_years"] = ""
    out["languages"] = city_languages(out["country_code"])
    out["survey_waves"] = by_city.map(_joined(survey_indices if survey_indices is not None else pd.DataFrame(),
                                              "wave")).fillna("")
    months = city_month if city_month is not None else pd.DataFrame()
    for col in ("posts", "crimes"):
        span = _months(months, col)
        for end in ("from", "to"):
            out[f"{col}_{end}"] = by_city.map(span[f"{col}_{end}"]) if len(span) else None
    return out.sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True)


def listed(frame: pd.DataFrame, col: str) -> list[str]:
    """The distinct codes of a ``;``-joined column (or the distinct values of a plain one), sorted."""
    if frame.empty or col not in frame.columns:
        return []
    values = frame[col].fillna("").astype(str)
    if col in LIST_COLUMNS:
        values = values.str.split(";").explode()
    return sorted(v for v in pd.unique(values) if v)


def fold(text: pd.Series) -> pd.Series:
    """Case- and accent-insensitive form of a text column (``Medellín`` -> ``medellin``; Arabic kept)."""
    return (text.fillna("").astype(str).str.normalize("NFKD")
            .str.replace(r"[\u0300-\u036f\u064b-\u065f]", "", regex=True).str.casefold())


def search(frame: pd.DataFrame, text: str | None = None, *, theme: str | None = None, region: str | None = None,
           country: str | None = None, line: str | None = None, language: str | None = None,
           names: pd.Series | None = None) -> pd.DataFrame:
    """The cities of ``frame`` (:func:`profile_frame`) matching every filter given: ``theme``, ``line`` and
    ``language`` are codes of the ``;``-joined columns, ``region`` and ``country`` (ISO code) plain values;
    ``text`` is looked for in the name, the city id, the country and ``names`` (more searchable text per row,
    e.g. the country's name in the reader's language), case- and accent-insensitively."""
    keep = pd.Series(True, index=frame.index)
    for col, value in (("themes", theme), ("lines", line), ("languages", language)):
        if value:
            keep &= (";" + frame[col].fillna("") + ";").str.contains(f";{value};", regex=False)
    for col, value in (("region", region), ("country_code", country)):
        if value:
            keep &= frame[col].eq(value)
    needle = fold(pd.Series([text or ""])).iloc[0].strip()
    if needle:
        hay = frame["name"] + " " + frame["city_id"] + " " + frame["country"]
        if names is not None:
            hay = hay + " " + names.reindex(frame.index).fillna("")
        keep &= fold(hay).str.contains(needle, regex=False)
    return frame[keep.to_numpy(bool)]
