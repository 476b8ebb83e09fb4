"""The typed settings: every knob keeps its historical SCN_* name and default, is documented, and overrides
never touch the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scn import settings as settings_module
from scn.settings import Settings, override, settings

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "CONTRACTS.md"


def test_every_setting_is_documented_with_its_variable() -> None:
    text = CONTRACTS.read_text()
    missing = [f"SCN_{name.upper()}" for name in Settings.model_fields if f"`SCN_{name.upper()}`" not in text]
    assert not missing, f"docs/CONTRACTS.md does not list {missing}"


def test_values_come_from_the_historical_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_H3_RES", "7")
    monkeypatch.setenv("SCN_SUPPRESS_BELOW", "11")
    monkeypatch.setenv("SCN_POST_RETENTION_DAYS", "")
    monkeypatch.setenv("SCN_CLASSIFIER", "  ")
    s = settings()
    assert (s.home, s.h3_res, s.suppress_below, s.post_retention_days, s.classifier) == (tmp_path, 7, 11, 0, None)
    assert s.paths.archive == tmp_path / "archive"
    monkeypatch.setenv("SCN_ARCHIVE", str(tmp_path / "restricted"))
    assert settings().paths.archive == tmp_path / "restricted"  # a changed variable is read again


def test_a_bad_value_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCN_H3_RES", "sixteen")
    with pytest.raises(ValueError, match="h3_res"):
        settings()


def test_override_changes_the_settings_not_the_environment(tmp_path: Path) -> None:
    before = dict(os.environ)
    with override(home=tmp_path, suppress_below=3):
        assert settings().home == tmp_path and settings_module.suppress_below() == 3
        assert settings_module.paths().lake == tmp_path / "lake"
    assert dict(os.environ) == before
    assert settings().home != tmp_path
