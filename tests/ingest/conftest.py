"""Each ingest test gets its own empty SCN_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "scn"
    monkeypatch.setenv("SCN_HOME", str(h))
    monkeypatch.delenv("SCN_ARCHIVE", raising=False)
    monkeypatch.delenv("SCN_PSEUDONYM_KEY", raising=False)
    return h
