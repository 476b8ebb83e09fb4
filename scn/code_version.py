"""The version of the platform's own code: a hash of every Python source of the ``scn`` package, so that a file
one version could not read (an error it did not foresee) is taken again once after the code changes."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def code_version() -> str:
    """16 hex digits of SHA-256 over the ``scn`` package's ``.py`` files (relative path and bytes, sorted by path);
    computed once per process (a few hundred small files)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
