"""An empty SCN_HOME per test (``home``), for the folders whose conftest imports it (tests/ingest,
tests/privacy)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new SCN_HOME under ``tmp_path`` (not created yet), set for this test, with no archive folder or
    pseudonym key inherited from the environment."""
    h = tmp_path / "scn"
    monkeypatch.setenv("SCN_HOME", str(h))
    monkeypatch.delenv("SCN_ARCHIVE", raising=False)
    monkeypatch.delenv("SCN_PSEUDONYM_KEY", raising=False)
    return h
