"""scripts/validate_engine.py: where its report goes when no --out is given (under the platform's home, never
the working directory) and the progress it prints to stderr while the worlds run."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from scn.settings import override

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "validate_engine.py"


def _script():  # noqa: ANN202 - the scripts/validate_engine.py module
    spec = importlib.util.spec_from_file_location("validate_engine_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_report_goes_under_the_home_not_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    cwd, home = tmp_path / "cwd", tmp_path / "home"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr("sys.argv", ["validate_engine.py", "--seeds", "1", "--worlds", "area_yearly_null"])
    with override(home=home):
        assert _script().main() == 0
    assert list(cwd.iterdir()) == []  # nothing written where it was run
    reports = list((home / "validation").glob("validate_engine-*.json"))
    assert len(reports) == 1 and json.loads(reports[0].read_text())["worlds"][0]["world"] == "area_yearly_null"
    err = capsys.readouterr().err
    assert str(reports[0]) in err  # the path is said before the run starts and at its end
    assert "area_yearly_null" in err and "1/1" in err and "elapsed" in err  # progress: world, seed i/n, time


def test_an_explicit_out_is_used_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "deep" / "v.json"
    monkeypatch.setattr("sys.argv", ["validate_engine.py", "--seeds", "1", "--worlds", "area_yearly_null",
                                     "--out", str(out)])
    with override(home=tmp_path / "home"):
        assert _script().main() == 0
    assert json.loads(out.read_text())["seeds"] == 1 and not (tmp_path / "home").exists()
