"""A file refused for want of something sent apart is waiting, not failed: a file for a city not yet in the
registry, a published table for a city whose boundaries are not ingested yet. The inbox walk takes it again once
that is there, once (docs/ingest.md "Files that wait"); until then it is not read again, walk after walk."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from scn import lake
from scn.ingest import pipeline
from scn.ingest.ingest_warnings import published
from scn.ingest.pipeline import ingest_inbox
from tests.support.area_files import CODES, boundaries
from tests.support.corpus import CITIES, CITY_OK, ok_rows, posts

OTHER = CITY_OK.replace("newtown,Newtown", "oldtown,Oldtown")


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test are taken at once (no settle wait)."""
    monkeypatch.setenv("SCN_INGEST_SETTLE_SECONDS", "0")


def _put(home: Path, kind: str, city: str | None, name: str, data: bytes) -> Path:
    folder = home / "inbox" / kind / (city or "")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def _registry(home: Path, name: str, *rows: str) -> None:
    _put(home, "cities", None, name, "\n".join([CITIES, *rows, ""]).encode())
    ingest_inbox("cities")


def _logged(name: str) -> int:
    if not lake.has_table("ingest_log"):
        return 0
    return int(lake.read_table("ingest_log")["file"].astype(str).str.endswith(name).sum())


def _count(table: str) -> int:
    return lake.row_count(table) if lake.has_table(table) else 0


def _file_quarantine(name: str) -> list[str]:
    if not lake.has_table("quarantine"):
        return []
    q = lake.read_table("quarantine")
    return q[(q["row"] == 0) & q["file"].astype(str).str.endswith(name)]["reason"].astype(str).tolist()


def test_a_file_for_an_unregistered_city_is_taken_once_the_registry_has_it(home: Path) -> None:
    _put(home, "social", "newtown", "a.csv", posts(*ok_rows(3)))
    assert ingest_inbox("social") == []
    assert _count("posts") == 0 and _logged("a.csv") == 1
    [reason] = _file_quarantine("a.csv")
    assert "unknown city 'newtown'" in reason and "waiting for the city" in reason
    shown = published()
    assert shown[shown["code"] == "waiting"]["city_id"].tolist() == ["newtown"]  # said on the data-health page

    _registry(home, "cities.csv", CITY_OK)  # the registry re-sent with the city
    [r] = ingest_inbox("social")
    assert (r.city_id, r.accepted) == ("newtown", 3)
    assert _count("posts") == 3
    assert _file_quarantine("a.csv") == []  # its refusal is not left standing as a failure
    assert ingest_inbox("social") == []  # once: no duplicate on a further walk
    assert _count("posts") == 3 and _logged("a.csv") == 2
    assert "waiting" not in set(published()["code"])  # loaded: no longer said to wait


def test_a_file_for_a_city_still_unknown_stays_waiting(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    _put(home, "social", "newtown", "a.csv", posts(*ok_rows(2)))
    assert ingest_inbox("social") == []
    archived: list[Path] = []
    real = pipeline.archive
    monkeypatch.setattr(pipeline, "archive", lambda p: archived.append(p) or real(p))
    with caplog.at_level(logging.WARNING, logger=pipeline.__name__):
        assert ingest_inbox("social") == []
        _registry(home, "cities.csv", OTHER)  # the registry changes, not for this city
        assert ingest_inbox("social") == []
    assert archived == [home / "inbox" / "cities" / "cities.csv"]  # the waiting file is not read again
    assert _logged("a.csv") == 1 and _count("posts") == 0  # recorded once, not lost
    assert "a.csv: waiting for the city" in caplog.text and "'newtown'" in caplog.text

    _registry(home, "cities-2.csv", OTHER, CITY_OK)
    [r] = ingest_inbox("social")
    assert r.accepted == 2 and _count("posts") == 2


def test_a_file_refused_for_its_own_fault_is_not_taken_again_when_the_registry_changes(home: Path) -> None:
    _registry(home, "cities.csv", CITY_OK)
    _put(home, "social", "newtown", "empty.csv", b"")
    assert ingest_inbox("social") == []
    _registry(home, "cities-2.csv", CITY_OK, OTHER)
    assert ingest_inbox("social") == []
    assert _logged("empty.csv") == 1


def test_a_table_sent_before_its_boundaries_is_taken_once_they_are_ingested(home: Path, tmp_path: Path) -> None:
    _put(home, "area-attributes", "london", "a.csv", f"code,population\n{CODES[0]},10\n".encode())
    assert ingest_inbox("area-attributes") == []
    [reason] = _file_quarantine("a.csv")
    assert "no boundaries yet" in reason and "waiting for the boundaries" in reason
    assert ingest_inbox("area-attributes") == [] and _logged("a.csv") == 1

    boundaries(tmp_path)  # london's boundary file arrives
    [r] = ingest_inbox("area-attributes")
    assert r.accepted == 1 and _count("area_attributes") == 1
    assert ingest_inbox("area-attributes") == [] and _count("area_attributes") == 1


def test_a_file_refused_before_refusals_could_wait_is_taken_once_its_city_is_known(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A home whose files were refused for an unknown city by the code before (recorded as failed, no ``waiting``
    warning): once the city is registered they are taken, once."""
    _put(home, "social", "newtown", "a.csv", posts(*ok_rows(3)))
    with monkeypatch.context() as m:
        m.setattr(pipeline, "waits_for", lambda refusal: None)  # the refusal as it was recorded before
        assert ingest_inbox("social") == []
    assert _file_quarantine("a.csv") == ["a.csv: unknown city 'newtown' (not in the cities registry)"]
    assert ingest_inbox("social") == [] and _logged("a.csv") == 1  # the city still unknown: left alone
    _registry(home, "cities.csv", CITY_OK)
    [r] = ingest_inbox("social")
    assert r.accepted == 3 and _count("posts") == 3 and _file_quarantine("a.csv") == []
    assert ingest_inbox("social") == [] and _logged("a.csv") == 2


def test_scn_run_sees_a_waiting_file_as_pending_once_its_city_is_registered_by_hand(home: Path,
                                                                                    tmp_path: Path) -> None:
    """The registry ingested by hand (``scn ingest cities FILE``, not through the inbox): the next ``scn run``
    plans the waiting file's city as new (it said "nothing new" and the file waited for another new file)."""
    from orchestration.run import pending_inbox
    from scn.ingest.pipeline import ingest_file

    _put(home, "social", "newtown", "a.csv", posts(*ok_rows(2)))
    assert ingest_inbox("social") == []
    assert "social" not in pending_inbox()
    (tmp_path / "reg.csv").write_text("\n".join([CITIES, CITY_OK, ""]))
    ingest_file("cities", tmp_path / "reg.csv")
    assert pending_inbox().get("social") == {"newtown"}
    [r] = ingest_inbox("social")
    assert r.accepted == 2 and "social" not in pending_inbox()


def test_a_file_refused_for_its_own_fault_is_not_read_again_walk_after_walk(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of a registered city refused for its own fault looks, in the ingest log, like one refused by the
    code before refusals could wait: its quarantine part is read once to tell them apart, not on every walk."""
    _registry(home, "cities.csv", CITY_OK)
    _put(home, "social", "newtown", "bad.csv", b"nothing,like,posts\n1,2,3\n")
    assert ingest_inbox("social") == [] and _logged("bad.csv") == 1
    reads: list[str] = []
    real = pipeline.pq.read_table

    def counted(source, *args, **kwargs):
        reads.append(str(source))
        return real(source, *args, **kwargs)
    monkeypatch.setattr(pipeline.pq, "read_table", counted)
    for _ in range(3):
        assert ingest_inbox("social") == []
    assert len([r for r in reads if "quarantine" in r]) <= 1
    assert _logged("bad.csv") == 1 and len(_file_quarantine("bad.csv")) == 1


ACTIVITIES = "activity_id,programme_line,activity_type,title,host_city,country,city_id,start_date,end_date"
OLDTOWN = "oldtown,Oldtown,Kenya,KE,Sub-Saharan Africa,Africa,-2.0,38.0,50000,False,2021,youth"


def _quarantined_rows(name: str) -> list[int]:
    q = lake.read_table("quarantine") if lake.has_table("quarantine") else None
    if q is None or q.empty:
        return []
    return sorted(q.loc[q["file"].astype(str).str.endswith(name), "row"].astype(int).tolist())


def _shown(code: str) -> list[dict]:
    import json

    rows = published()
    return [json.loads(p) for p in rows.loc[rows["code"] == code, "params"]]


def test_programme_rows_naming_a_city_not_yet_registered_load_once_it_is(home: Path) -> None:
    """A programme file is network-wide: rows naming a city the registry has not yet are refused (named in the
    quarantine), the rest load, and the file waits for those cities: when one is registered the file is taken
    again, its rows load, the loaded rows are not doubled and the quarantine no longer holds them."""
    from orchestration.run import pending_inbox

    _registry(home, "cities.csv", CITY_OK)
    _put(home, "programme", None, "activities.csv", "\n".join([
        ACTIVITIES, "A1,training,workshop,T,Newtown,Kenya,newtown,2025-03-01,",
        "A2,training,workshop,T,Oldtown,Kenya,oldtown,2025-03-02,",
        "A3,training,workshop,T,Faraway,Kenya,faraway,2025-03-03,",
        "A4,training,workshop,T,Oldtown,Kenya,oldtown,2025-03-04,", ""]).encode())
    [r] = ingest_inbox("programme")
    assert (r.accepted, r.quarantined) == (1, 3)
    assert [w["cities"] for w in _shown("rows_waiting")] == [["faraway", "oldtown"]]
    assert ingest_inbox("programme") == [] and "programme" not in pending_inbox()  # nothing new: not re-read

    _registry(home, "cities2.csv", CITY_OK, OLDTOWN)  # one of the two arrives
    assert "programme" in pending_inbox()
    [r] = ingest_inbox("programme")
    assert (r.accepted, r.quarantined, r.duplicates) == (2, 1, 1)
    assert _count("programme_activities") == 3
    assert [w["cities"] for w in _shown("rows_waiting")] == [["faraway"]]  # the older wait is over
    assert _quarantined_rows("activities.csv") == [3]
    assert ingest_inbox("programme") == [] and _count("programme_activities") == 3

    _registry(home, "cities3.csv", CITY_OK, OLDTOWN, OLDTOWN.replace("oldtown,Oldtown", "faraway,Faraway"))
    [r] = ingest_inbox("programme")
    assert (r.accepted, r.quarantined, r.duplicates) == (1, 0, 3)
    assert _count("programme_activities") == 4 and _shown("rows_waiting") == []
    assert _quarantined_rows("activities.csv") == []
    assert ingest_inbox("programme") == [] and _count("programme_activities") == 4 and _logged("activities.csv") == 3
