"""One rule says when a file's wait is over, for the inbox walk and the data-health page alike
(``scn.ingest.ingest_warnings.current_waits``): every load writes one ingest-log row and, if the file still waits,
one warning; a wait is current while its file has no more log rows than waiting warnings, and only its newest
warning speaks. Before, the health page kept a ``waiting`` warning of a file taken again and refused for its own
fault (no load had read rows), while the walk had stopped waiting for it."""

from __future__ import annotations

import pandas as pd

from scn.ingest.ingest_warnings import current_waits

T0 = pd.Timestamp("2026-11-01", tz="UTC")


def _warned(*rows: tuple[str, str | None, int]) -> pd.DataFrame:
    return pd.DataFrame([{"sha256": s, "city_id": c, "warned_at": T0 + pd.Timedelta(minutes=m)} for s, c, m in rows])


def _log(*rows: tuple[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["sha256", "city_id"])


def test_a_refused_file_waits_until_it_is_taken_again() -> None:
    warned = _warned(("a", "ghost", 0))
    assert current_waits(warned, _log(("a", "ghost"))).tolist() == [True]
    # taken again: loaded whole, or refused for its own fault: a log row more than its warnings
    assert current_waits(warned, _log(("a", "ghost"), ("a", "ghost"))).tolist() == [False]


def test_rows_still_waiting_after_a_retake_speak_through_the_newest_warning_only() -> None:
    warned = _warned(("p", None, 0), ("p", None, 5))  # a programme file: no city; its retake still has rows waiting
    assert current_waits(warned, _log(("p", None), ("p", None))).tolist() == [False, True]
    assert current_waits(warned, _log(("p", ""), ("p", ""), ("p", ""))).tolist() == [False, False]  # "" is None


def test_files_and_cities_are_told_apart() -> None:
    warned = _warned(("a", "ghost", 0), ("a", "other", 1), ("b", "ghost", 2))
    log = _log(("a", "ghost"), ("a", "ghost"), ("a", "other"), ("b", "ghost"))
    assert current_waits(warned, log).tolist() == [False, True, True]
    assert current_waits(warned.iloc[:0], log).tolist() == []
