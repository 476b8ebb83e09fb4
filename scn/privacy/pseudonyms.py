"""Keyed pseudonyms for authors and participants, applied at ingest."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

from scn.settings import paths, settings

PSEUDONYM_CHARS = 20


def pseudonym_key(home: Path | None = None) -> bytes:
    """The HMAC key: ``$SCN_PSEUDONYM_KEY`` or ``secrets/pseudonym.key``, generated (0600) on first use."""
    env = settings().pseudonym_key
    if env:
        return env.encode()
    secret_dir = (home / "secrets") if home else paths().secrets
    key_file = secret_dir / "pseudonym.key"
    if not key_file.exists():
        secret_dir.mkdir(parents=True, exist_ok=True)
        tmp = key_file.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, key_file)  # atomic create-if-absent: two first runs agree on one key
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return key_file.read_text().strip().encode()


def pseudonymise(platform: str, handles: pd.Series, key: bytes | None = None) -> pd.Series:
    """Keyed pseudonyms for a column of handles: HMAC-SHA256(key, "platform:handle") hex prefix.

    Missing handles stay missing. The same handle on the same platform always maps to the same pseudonym
    under one key; without the key the mapping cannot be reversed or recomputed.
    """
    key = key or pseudonym_key()
    values = handles.astype("string").str.strip().str.lower()
    uniq = values.dropna().unique()
    mapping = {
        h: hmac.new(key, f"{platform}:{h}".encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]
        for h in uniq  # one HMAC per distinct author, not per post
    }
    return values.map(mapping).astype("string")

