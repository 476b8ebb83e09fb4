"""Where the review loop keeps its state: ``<home>/review/`` (owner-only), never in the serving snapshot.

- ``samples.parquet``: one row per sampled post (post_key, city_id, lang, stratum ``random`` | ``uncertainty``,
  batch, drawn_at, model_label, score_hate, model_version); a post is sampled once.
- ``labels.parquet``: one row per post and reviewer (post_key, city_id, lang, reviewer, label, target,
  labelled_at, via ``page`` | ``import``); ``reviewer`` is a keyed pseudonym of the user name. No text.
- ``accuracy.parquet``: the latest measured accuracy per city and language (scn.review.loop.accuracy: numbers
  only), refreshed whenever labels are saved or an adapter adopted; the city page reads it.
- ``access.log``: JSON lines, one per view or export of raw post text (at, user, city_id, what, post_keys).
- ``adapters/``: adopted adapter models (scn.review.adapters).

Writers hold one file lock (``review/.lock``), so the page and the CLI never lose each other's labels.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scn.locks import exclusive
from scn.settings import paths

SAMPLE_COLUMNS = ["post_key", "city_id", "lang", "stratum", "batch", "drawn_at", "model_label", "score_hate",
                  "model_version"]
LABEL_COLUMNS = ["post_key", "city_id", "lang", "reviewer", "label", "target", "labelled_at", "via"]
STRATA = ("random", "uncertainty")


def location() -> Path:
    """``<home>/review`` (not created)."""
    return paths().home / "review"


def root() -> Path:
    """``<home>/review``, created owner-only (0700)."""
    folder = location()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)
    return folder


@contextmanager
def locked() -> Iterator[Path]:
    """Hold the review store's writer lock (processes and threads) for a read-then-write sequence."""
    folder = root()
    with exclusive(folder / ".lock"):
        yield folder


def _read(name: str, columns: list[str]) -> pd.DataFrame:
    f = root() / f"{name}.parquet"
    if not f.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.read_parquet(f)


def _write(name: str, frame: pd.DataFrame) -> None:
    target = root() / f"{name}.parquet"
    tmp = target.with_name(f".{name}.{uuid.uuid4().hex}.tmp")
    frame.reset_index(drop=True).to_parquet(tmp, index=False)
    tmp.chmod(0o600)
    os.replace(tmp, target)


def samples(city_id: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """The sampled posts (of one city, and language, when given)."""
    out = _read("samples", SAMPLE_COLUMNS)
    if city_id is not None:
        out = out[out["city_id"] == city_id]
    if lang is not None:
        out = out[out["lang"] == lang]
    return out.reset_index(drop=True)


def add_samples(rows: pd.DataFrame) -> int:
    """Append sampled posts (posts already sampled are skipped); the number added."""
    with locked():
        current = _read("samples", SAMPLE_COLUMNS)
        new = rows[~rows["post_key"].isin(current["post_key"])].drop_duplicates("post_key")
        if len(new):
            _write("samples", pd.concat([current, new[SAMPLE_COLUMNS]], ignore_index=True)
                   if len(current) else new[SAMPLE_COLUMNS])
        return len(new)


def labels(city_id: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """The labels (of one city, and language, when given): one row per post and reviewer."""
    out = _read("labels", LABEL_COLUMNS)
    if city_id is not None:
        out = out[out["city_id"] == city_id]
    if lang is not None:
        out = out[out["lang"] == lang]
    return out.reset_index(drop=True)


def upsert_labels(rows: pd.DataFrame) -> tuple[int, int]:
    """Save labels keyed by (post_key, reviewer): a new pair is added, a known pair replaced (the newest wins),
    so importing the same file twice never duplicates. Returns (added, replaced)."""
    rows = rows[LABEL_COLUMNS].drop_duplicates(["post_key", "reviewer"], keep="last")
    with locked():
        current = _read("labels", LABEL_COLUMNS)
        known = _pair(current).isin(_pair(rows))
        _write("labels", pd.concat([current[~known], rows], ignore_index=True) if (~known).any() else rows)
        return len(rows) - int(known.sum()), int(known.sum())


def _pair(frame: pd.DataFrame) -> pd.Series:
    return frame["post_key"].astype(str) + "\x1f" + frame["reviewer"].astype(str)


def save_accuracy(city_id: str, frame: pd.DataFrame) -> None:
    """Replace the stored accuracy rows of one city."""
    with locked():
        f = root() / "accuracy.parquet"
        current = pd.read_parquet(f) if f.exists() else pd.DataFrame(columns=["city_id"])
        out = pd.concat([current[current["city_id"] != city_id], frame], ignore_index=True) if len(current) \
            else frame
        _write("accuracy", out)


def accuracy(city_id: str) -> pd.DataFrame:
    """The stored accuracy rows of a city (empty when nothing was measured)."""
    f = location() / "accuracy.parquet"
    if not f.exists():
        return pd.DataFrame()
    out = pd.read_parquet(f)
    return out[out["city_id"] == city_id].reset_index(drop=True)


def log_access(user: str, city_id: str, post_keys: Sequence[str], what: str = "view") -> None:
    """Record that ``user`` was shown (``view``) or exported (``export``) the raw text of these posts."""
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "user": user, "city_id": city_id,
             "what": what, "post_keys": list(post_keys)}
    path = root() / "access.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def access_log() -> list[dict]:
    """Every recorded view or export of raw text, oldest first."""
    path = root() / "access.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")
