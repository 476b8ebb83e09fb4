"""The classifier's evaluation table is kept by a scoped run while its inputs are unchanged; the code that computes
it is one of them: a version publishing other columns (the margin's interval) must not keep the table an older
version wrote until the model happens to change."""

from __future__ import annotations

import pytest

import scn.code_version
from assets.analysis.assets import evaluation_inputs


def test_a_code_change_changes_the_evaluation_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    before = evaluation_inputs()
    assert evaluation_inputs() == before  # a fingerprint: the same inputs give the same value
    monkeypatch.setattr(scn.code_version, "code_version", lambda: "another-version")
    assert evaluation_inputs() != before
