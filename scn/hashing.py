"""Content hashes of files (archive keys, model versions), and a small cache of them keyed by file stamps."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes, read in chunks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def copy_sha256(source: BinaryIO, target: BinaryIO) -> tuple[str, int]:
    """Copy ``source`` to ``target`` and return (SHA-256 hex of exactly the bytes written, their count): the hash
    of the copy, whatever the source does meanwhile."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        target.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def file_stamp(path: Path) -> list[int]:
    """[size, mtime_ns, ctime_ns, inode] of a file. Any write to the file changes its ctime (which, unlike the
    mtime, cannot be set back by hand), and a file replaced by another has another inode: equal stamps mean
    the same bytes, short of a change to the clock or to the disk behind the file system's back."""
    return stat_stamp(os.stat(path))


def stat_stamp(st: os.stat_result) -> list[int]:
    """``file_stamp`` of a file already stat-ed (a directory scan's entries)."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def tree_stamp(path: Path, pattern: str = "*") -> tuple[tuple, ...]:
    """(name relative to ``path``, *``file_stamp``) of the file ``path`` or of every file under the directory
    ``path`` matching ``pattern`` (recursively), sorted; () when nothing is there. Hashable: a cache key."""
    path = Path(path)
    if path.is_dir():
        files = sorted(f for f in path.rglob(pattern) if f.is_file())
        return tuple((str(f.relative_to(path)), *file_stamp(f)) for f in files)
    return ((path.name, *file_stamp(path)),) if path.is_file() else ()


def read_state(path: Path) -> dict:
    """A JSON object written by ``write_state``; {} when the file is missing, unreadable or not such an object
    (a state file is a cache: a damaged one is ignored and rebuilt)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def copy_atomic(src: Path, dst: Path) -> None:
    """Copy ``src`` over ``dst`` whole: a reader meanwhile sees the old file or the new one (a temporary copy in
    ``dst``'s folder, then renamed over it; removed if the copy fails)."""
    dst = Path(dst)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def write_state(path: Path, data: dict) -> None:
    """Write a JSON object atomically (a temporary file in the same folder, then renamed over ``path``); a
    failure to write is ignored (the cache is rebuilt next time)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def cached_sha256(files: Iterable[Path], state: Path) -> dict[Path, str | None]:
    """SHA-256 of each file (None: unreadable), re-hashing only the files whose ``file_stamp`` differs from the
    one recorded in the JSON ``state`` file (path -> [*stamp, sha256]); the cache then holds exactly ``files``."""
    cache = read_state(state)
    out: dict[Path, str | None] = {}
    kept: dict[str, list] = {}
    for p in files:
        key = str(p)
        try:
            stamp = file_stamp(p)
            entry = cache.get(key)
            sha = entry[-1] if isinstance(entry, list) and entry[:-1] == stamp and isinstance(entry[-1], str) \
                else file_sha256(p)
        except OSError:
            out[p] = None
            continue
        out[p], kept[key] = sha, [*stamp, sha]
    if kept != cache:
        write_state(state, kept)
    return out


def memo_by_stamps(state: Path, key: object, compute: Callable[[], str]) -> str:
    """``compute()``, or the value it returned last time for an equal ``key`` (JSON-able: e.g. the stamps of
    the files the value is computed from), kept in the JSON ``state`` file."""
    cache = read_state(state)
    text = json.dumps(key, sort_keys=True, default=str)
    if cache.get("key") == text and isinstance(cache.get("value"), str):
        return cache["value"]
    value = compute()
    write_state(state, {"key": text, "value": value})
    return value


def name_seed(name: str) -> int:
    """A random generator's seed from a name (a city id): the same in every process and run, unlike ``hash``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")
