"""Cursors: per source x city, the state a connector resumes from (``<home>/collect/cursors/<source>/<city>.json``).

Written atomically (temp file, fsync, rename, fsync of the folder; 0600 in 0700 folders) and only after a page's
rows are in the lake, whose parts ``lake.write_part`` makes durable before it returns (the part fsynced before its
rename, the folder after it): a kill or a power cut at any moment leaves either the old or the new cursor, never
half of one, and never one on disk ahead of the lake parts it counts.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from scn import lake
from scn.lake.io import fsync_path
from scn.settings import paths


def cursor_path(source: str, city_id: str) -> Path:
    return paths().home / "collect" / "cursors" / source / f"{city_id}.json"


class CursorDamaged(ValueError):
    """A cursor file that is not a JSON object (truncated, edited, another program's file): set aside."""


def load(source: str, city_id: str) -> dict[str, Any] | None:
    """The cursor saved last, or None (never collected). A damaged file raises ``CursorDamaged`` naming it,
    after moving it aside (``<city>.json.damaged-<time>``), so the next walk starts afresh for this city only
    (the lake's keys keep what was already collected from being stored twice)."""
    path = cursor_path(source, city_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise CursorDamaged(_set_aside(path, exc)) from exc
    if not isinstance(data, dict):
        raise CursorDamaged(_set_aside(path, f"a JSON {type(data).__name__}, not an object"))
    return data


def _set_aside(path: Path, why: object) -> str:
    """Rename a damaged cursor out of the way; the message names both files."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}")
    try:
        os.replace(path, aside)
    except OSError:
        return f"the cursor file {path} is damaged ({why}) and could not be moved aside"
    return f"the cursor file {path} was damaged ({why}); moved to {aside.name}, collecting afresh"


def save(source: str, city_id: str, cursor: dict[str, Any]) -> None:
    """Replace the cursor atomically (durable before this returns)."""
    path = cursor_path(source, city_id)
    folder = lake.private_dir(lake.private_dir(lake.private_dir(paths().home / "collect") / "cursors") / source)
    tmp = folder / f".tmp-{uuid.uuid4().hex}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(cursor, fh, sort_keys=True, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_path(folder)  # the rename durable


def reset(source: str, city_id: str) -> None:
    cursor_path(source, city_id).unlink(missing_ok=True)
