"""A home whose posts carry unique marker strings, taken through what the platform does with posts (ingest from
the inbox, enrichment, dbt, publish, the review loop up to an adopted adapter and exports), then through the
retention job; and a scanner that looks for the markers (and their 5-character pieces) in every file under a
home, decoding parquet, DuckDB, SQLite, joblib/pickle, JSON and text. Used by
tests/security/test_retention_leftovers.py."""

from __future__ import annotations

import json
import pickle
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from tests.support.review_world import review_posts

# letters that natural text (and the shipped models' vocabularies) almost never string together
ALPHABET = np.array(list("qxzjkvw"))
MARKER_LEN = 14
PIECE = 5  # the longest character n-gram an adapter keeps


def markers(n: int, seed: int) -> list[str]:
    """``n`` distinct lowercase marker strings that share no ``PIECE``-character piece with each other."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        m = "".join(rng.choice(ALPHABET, MARKER_LEN))
        grams = pieces(m)
        if not grams & seen:
            out.append(m)
            seen |= grams
    return out


def pieces(marker: str) -> set[str]:
    """The ``PIECE``-character pieces of a marker."""
    return {marker[i:i + PIECE] for i in range(len(marker) - PIECE + 1)}


def marker_posts(now: datetime, n: int = 360, seed: int = 5) -> pd.DataFrame:
    """Posts of London in Spanish (a language the demo world has none of, so the review sample and the adapter
    are theirs alone) in the inbox's social CSV layout, each carrying a unique marker; the first half written a
    year before ``now`` (the retention job erases them), the other half two days before (kept), and the first
    post once more with another text and marker (refused by the ingest, it lies in the quarantine). ``truth``
    is the planted label (coded words the shipped classifier does not know)."""
    base = review_posts("london", n, seed=seed)
    tags = markers(n + 1, seed)
    old = np.arange(n) < n // 2
    created = np.where(old, pd.Timestamp(now - timedelta(days=365)), pd.Timestamp(now - timedelta(days=2)))
    created = pd.to_datetime(created, utc=True) + pd.to_timedelta(np.arange(n) * 7, unit="min")
    posts = pd.DataFrame({
        "id": 9_100_000 + np.arange(n), "created_at": created.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "text": base["text"] + " ref " + pd.Series(tags[:n]), "lang": "es", "lat": 51.507, "lon": -0.1275,
        "place": "", "author": "@marker" + pd.Series(np.arange(n) % 40).astype(str), "platform": "x", "url": "",
        "truth": base["truth"], "marker": tags[:n], "old": old})
    # the first post sent again with another text: the ingest refuses it (quarantine, its raw values kept)
    again = posts.iloc[[0]].assign(text=f"{base['text'].iloc[0]} ref {tags[n]}", marker=tags[n])
    return pd.concat([posts, again], ignore_index=True)


def build(home: Path, outside: Path, now: datetime, retention_days: int = 30) -> pd.DataFrame:
    """Take ``home`` (a copy of the demo home) through the life of ``marker_posts``: dropped into the inbox and
    run (ingest, enrichment, dbt, analyses, publish); 200 drawn for review, exported to the default file and with
    ``--out`` to ``outside``, labelled by a reviewer of London and imported; an adapter trained and adopted
    (the posts re-labelled); then the retention job (``SCN_POST_RETENTION_DAYS``) run through Dagster, which
    republishes. Returns the posts (``marker``, ``old``)."""
    from scn import lake
    from scn.access.users import add_user
    from scn.review import store
    from scn.settings import override
    from tests.support.cli import scn

    posts = marker_posts(now)
    inbox = home / "inbox" / "social" / "london"
    inbox.mkdir(parents=True, exist_ok=True)
    posts.drop(columns=["truth", "marker", "old"]).to_csv(inbox / "posts-markers.csv", index=False)
    scn("run", home=home)
    scn("review", "sample", "--city", "london", "--lang", "es", "--n", "200", "--seed", "1", home=home)
    scn("review", "export", "--city", "london", home=home)
    scn("review", "export", "--city", "london", "--out", str(outside), home=home)
    with override(home=home):
        add_user("rita", "reviewer", "london", "rita-pass-12345")
        sampled = store.samples("london", "es")[["post_key"]]
        text = lake.read_table("posts", columns=["post_key", "text"])
    marker = text.set_index("post_key")["text"].str.rsplit(" ", n=1).str[-1]
    truth = posts.set_index("marker")["truth"]
    labels = sampled.assign(label=truth.reindex(marker.reindex(sampled["post_key"])).to_numpy(), target="",
                            reviewer="rita")
    labels.to_csv(outside.with_name("labelled.csv"), index=False)
    scn("review", "import", str(outside.with_name("labelled.csv")), home=home)
    trained = json.loads(scn("review", "train", "--city", "london", "--lang", "es", "--json", home=home).stdout)
    assert trained["adopted"], trained
    scn("run", "--select", "key:maintenance/post_retention", home=home,
        env={"SCN_POST_RETENTION_DAYS": str(retention_days)})
    return posts


# ---------------------------------------------------------------------------------------------------- the scanner
@dataclass
class Found:
    """Where markers (or pieces of them) of a set were found: file (relative) -> what was found there."""

    whole: dict[str, set[str]] = field(default_factory=dict)
    piece: dict[str, set[str]] = field(default_factory=dict)

    def places(self) -> set[str]:
        return set(self.whole) | set(self.piece)


def _walk(obj: object, out: list[str], seen: set[int], depth: int = 0) -> None:
    """Every string inside a loaded object (containers, arrays of objects, attributes of instances)."""
    if depth > 40 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, bytes):
        out.append(obj.decode("utf-8", "replace"))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _walk(k, out, seen, depth + 1)
            _walk(v, out, seen, depth + 1)
    elif isinstance(obj, list | tuple | set | frozenset):
        for v in obj:
            _walk(v, out, seen, depth + 1)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "OUS":
            out.extend(str(v) for v in obj.ravel().tolist())
    elif isinstance(obj, pd.DataFrame | pd.Series):
        _walk(obj.to_numpy(dtype=object), out, seen, depth + 1)
    elif hasattr(obj, "__dict__"):
        _walk(vars(obj), out, seen, depth + 1)


def _parquet_strings(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    out = []
    for col in table.columns:
        if col.type in ("string", "large_string") or str(col.type).startswith(("list", "struct", "map")):
            out.extend(str(v) for v in col.to_pylist() if v is not None)
    return out + [json.dumps({k.decode(): v.decode("utf-8", "replace")
                              for k, v in (table.schema.metadata or {}).items()})]


def _duckdb_strings(path: Path) -> list[str]:
    import duckdb

    out = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_type = 'BASE TABLE'").fetchall()
        for schema, name in tables:
            frame = con.execute(f'select * from "{schema}"."{name}"').df()
            out += [str(v) for c in frame.columns for v in frame[c].dropna().tolist()]
        out += [str(r[0]) for r in con.execute("select sql from duckdb_views() where sql is not null").fetchall()]
    finally:
        con.close()
    return out


def _sqlite_strings(path: Path) -> list[str]:
    out = []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for (name,) in con.execute("select name from sqlite_master where type = 'table'").fetchall():
            for row in con.execute(f'select * from "{name}"'):
                out += [v if isinstance(v, str) else v.decode("utf-8", "replace") for v in row
                        if isinstance(v, str | bytes)]
    finally:
        con.close()
    return out


def _loaded_strings(path: Path) -> list[str]:
    import joblib

    out: list[str] = []
    try:
        obj = joblib.load(path)
    except Exception:  # noqa: BLE001 - not a joblib file: a plain pickle
        with path.open("rb") as fh:
            obj = pickle.load(fh)  # noqa: S301 - the platform's own file in a test's home
    _walk(obj, out, set())
    return out


def decoded(path: Path) -> tuple[list[str], str]:
    """(the strings a file holds, decoded by its kind; its raw bytes as text when they are not valid UTF-8, else
    ''). Valid UTF-8 is among the strings. The raw bytes of the compressed formats read whole (parquet,
    joblib/pickle) are left out; those of SQLite and DuckDB files kept (freed pages may hold deleted rows)."""
    raw = path.read_bytes()
    head = raw[:16]
    out: list[str] = []
    try:
        if head.startswith(b"PAR1"):
            return _parquet_strings(path), ""
        if path.suffix in (".joblib", ".pickle", ".pkl") or head[:1] == b"\x80":
            return _loaded_strings(path), ""
        if head.startswith(b"SQLite format 3"):
            out += _sqlite_strings(path)
        elif raw[8:12] == b"DUCK":
            out += _duckdb_strings(path)
    except Exception as exc:  # noqa: BLE001 - a file that cannot be decoded is reported, not skipped silently
        out.append(f"<undecodable {type(exc).__name__}>")
    try:
        return [*out, raw.decode("utf-8")], ""
    except UnicodeDecodeError:
        return out, raw.decode("latin-1") + "\n" + raw.decode("utf-16-le", "replace")


def files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` (hidden ones included; symbolic links not followed)."""
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            yield p


BINARY_RUN = 8  # in undecoded binary bytes, a piece counts only inside 8 characters of a tag (random bytes make 5)


def scan(root: Path, tags: list[str], extra: list[Path] = ()) -> Found:
    """Where under ``root`` (and in ``extra`` files) the ``tags`` or any of their ``PIECE``-character pieces
    survive, matched case-insensitively (an adapter lowercases). Every run of the tags' characters is read out of
    the decoded strings, so one pass over a file finds them all; in bytes no format decodes (binary pages), a
    piece counts only within ``BINARY_RUN`` characters of a tag."""
    found = Found()
    run = re.compile(f"[{re.escape(''.join(sorted(set(''.join(tags)))))}]{{{PIECE},}}")
    by_piece = {p for t in tags for p in pieces(t)}
    long = {t[i:i + BINARY_RUN] for t in tags for i in range(len(t) - BINARY_RUN + 1)}
    for path in [*files(root), *extra]:
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        strings, binary = decoded(path)
        runs = set(run.findall("\n".join(strings).lower()))
        runs |= {r for r in run.findall(binary.lower())
                 if any(r[i:i + BINARY_RUN] in long for i in range(len(r) - BINARY_RUN + 1))}
        hit = {t for t in tags if any(t in r for r in runs if len(r) >= len(t))}
        if hit:
            found.whole[name] = hit
        parts = {r[i:i + PIECE] for r in runs for i in range(len(r) - PIECE + 1)} & by_piece
        if parts - {p for t in hit for p in pieces(t)}:
            found.piece[name] = parts
    return found
