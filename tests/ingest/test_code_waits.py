"""A file the platform's own code fails on (an error no step foresaw: a broken deploy that raises) is recorded
with the code's version and waits for the code to change: the first walk after a change takes it again, once per
version; a walk under the same code does not (docs/ingest.md "Files that wait"). Before, such a failure was the
file's for good, and the data-health page says so in words (``warning_waiting_code``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn import lake
from scn.ingest import pipeline
from scn.ingest.ingest_warnings import published
from scn.ingest.model import Parsed, Source
from scn.ingest.pipeline import ingest_inbox
from tests.support.corpus import ok_rows, posts

CITY = "london"
REAL_PARSE = pipeline._parse


def _logged(name: str) -> int:
    log = lake.read_table("ingest_log")
    return int(log["file"].astype(str).str.endswith("/" + name).sum())


def test_a_broken_deploy_that_raises_does_not_fail_the_file_for_good(home: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.run import pending_inbox

    monkeypatch.setenv("SCN_INGEST_SETTLE_SECONDS", "0")
    calls: list[str] = []

    def broken(src: Source) -> Parsed:  # parsed in the walking process: one file
        calls.append(src.path.name)
        raise KeyError("a column the new code expects")
    monkeypatch.setattr(pipeline, "_parse", broken)
    folder = home / "inbox" / "social" / CITY
    folder.mkdir(parents=True)
    (folder / "p.csv").write_bytes(posts(*ok_rows(3, 1)))

    assert ingest_inbox("social") == []  # recorded, the walk goes on
    q = lake.read_table("quarantine")
    [reason] = q.loc[q["row"].eq(0), "reason"].astype(str).tolist()
    assert "unexpected error KeyError" in reason and reason.endswith(pipeline.WAITING_NOTE["code"])
    [w] = published().to_dict("records")
    assert (w["code"], w["city_id"]) == ("waiting", CITY) and '"needs": "code"' in w["params"]
    assert ingest_inbox("social") == [] and calls == ["p.csv"]  # the same code: not taken again
    assert "social" not in pending_inbox()

    monkeypatch.setattr(pipeline, "code_version", lambda: "still-broken")  # a deploy that did not fix it
    assert pending_inbox().get("social") == {CITY}
    assert ingest_inbox("social") == [] and calls == ["p.csv", "p.csv"]
    assert ingest_inbox("social") == [] and calls == ["p.csv", "p.csv"]  # once per version

    monkeypatch.setattr(pipeline, "code_version", lambda: "fixed")
    monkeypatch.setattr(pipeline, "_parse", REAL_PARSE)
    [r] = ingest_inbox("social")
    assert (Path(r.file).name, r.accepted) == ("p.csv", 3) and _logged("p.csv") == 3
    assert published().query("code == 'waiting'").empty  # the health page no longer says it waits
    q = lake.read_table("quarantine") if lake.has_table("quarantine") else None
    assert q is None or q.empty  # its failure's row 0 gone with the load
