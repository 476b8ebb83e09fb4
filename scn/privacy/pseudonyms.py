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
MIN_KEY_BYTES = 32  # an HMAC key shorter than its hash's block of security can be guessed offline


class PseudonymKeyError(ValueError):
    """The pseudonym key is unusable (too short); the message names where it came from."""


def _private_dir(folder: Path) -> None:
    """``folder`` owner-only (0700): created so, or tightened when we own it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = folder.stat()
    if st.st_uid == os.getuid() and st.st_mode & 0o077:
        folder.chmod(0o700)


def _checked(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(f"{where} is {len(key)} bytes: a pseudonym key must be at least {MIN_KEY_BYTES} "
                                "bytes (generate one with: python -c 'import secrets; print(secrets.token_hex(32))')")
    return key


def pseudonym_key(home: Path | None = None) -> bytes:
    """The HMAC key: ``$SCN_PSEUDONYM_KEY`` or ``secrets/pseudonym.key``, generated (0600, in a 0700 folder) on
    first use. A key under ``MIN_KEY_BYTES`` bytes raises ``PseudonymKeyError`` naming the variable or file."""
    env = settings().pseudonym_key
    if env:
        return _checked(env.encode(), "SCN_PSEUDONYM_KEY")
    secret_dir = (home / "secrets") if home else paths().secrets
    key_file = secret_dir / "pseudonym.key"
    _private_dir(secret_dir)
    if not key_file.exists():
        tmp = secret_dir / f".pseudonym.key.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others, not even briefly
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, key_file)  # atomic create-if-absent: two first runs agree on one key
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return _checked(key_file.read_text().strip().encode(), str(key_file))


def perturbation_key(home: Path | None = None) -> bytes:
    """The key of the consistent perturbation of officials' counts (``scn.privacy.disclosure.perturb``): derived
    from the pseudonym key (HMAC-SHA256 of a fixed label), so it lives and rotates with it and is never the
    pseudonym key itself. Rotating the key draws every count's noise afresh (an official holding views of both
    keys can average two draws of an unchanged count: rotate only with a reason)."""
    return hmac.new(pseudonym_key(home), b"scn consistent perturbation v1", hashlib.sha256).digest()


def pseudonymise(platform: str, handles: pd.Series, key: bytes | None = None) -> pd.Series:
    """Keyed pseudonyms for a column of handles: HMAC-SHA256(key, "platform:handle") hex prefix.

    Missing handles stay missing. The same handle on the same platform always maps to the same pseudonym
    under one key; without the key the mapping cannot be reversed or recomputed.
    """
    key = _checked(key, "the pseudonym key given") if key else pseudonym_key()
    values = handles.astype("string").str.strip().str.lower()
    uniq = values.dropna().unique()
    mapping = {
        h: hmac.new(key, f"{platform}:{h}".encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]
        for h in uniq  # one HMAC per distinct author, not per post
    }
    return values.map(mapping).astype("string")
