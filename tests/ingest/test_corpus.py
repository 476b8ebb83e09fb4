"""Every input of the corpus gets its documented outcome, and the row accounting holds for each."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn import lake
from scn.ingest.families import FAMILY_TABLES
from scn.ingest.pipeline import ingest_file
from scn.ingest.result import IngestError
from tests.support.corpus import Case, cases

CASES = cases()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


def write(case: Case, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / case.name
    if callable(case.data):
        case.data(path)
    else:
        path.write_bytes(case.data)
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_outcome(case: Case, home: Path, tmp_path: Path) -> None:
    path = write(case, tmp_path / "in")
    original = path.read_bytes()
    if case.error:
        with pytest.raises(IngestError) as err:
            ingest_file(case.kind, path, city_id=case.city)
        message = str(err.value)
        assert case.error in message and "\n" not in message and path.name in message
        q = lake.read_table("quarantine")
        assert q["row"].tolist() == [0] and case.error in q["reason"].iloc[0]
        assert lake.read_table("ingest_log")["rows_read"].tolist() == [0]
    else:
        r = ingest_file(case.kind, path, city_id=case.city)
        assert r.rows_read == r.accepted + r.quarantined + r.duplicates
        assert (r.rows_read, r.accepted, r.quarantined, r.duplicates) == case.counts
        q = lake.read_table("quarantine")
        got = sorted(zip(q["row"], q["field"], q["reason"], strict=True)) if len(q) else []
        assert len(got) == len(case.quarantine), got
        for (row, field, reason), (grow, gfield, greason) in zip(sorted(case.quarantine), got, strict=True):
            assert (grow, gfield) == (row, field) and reason in greason, (got, case.quarantine)
        assert [e["row"] for e in r.to_json()["errors"]] == sorted(x[0] for x in case.quarantine)[:20]
        tables = {t: lake.read_table(t) for t in FAMILY_TABLES[case.kind]}
        assert sum(len(tables[t]) for t in tables) >= r.accepted
        if case.check:
            case.check(tables)
    archived = list((home / "archive").rglob(case.name))
    assert len(archived) == 1 and archived[0].read_bytes() == original
