"""The side copies of post rows the retention job must reach (docs/security.md row 37): the parts the lake set
aside as unreadable (``lake/<table>/.damaged/``), the temp files of writers that died mid-write (``.tmp-<pid>-*``
in a table folder; ``archive/.tmp-<pid>-*`` of a killed archive copy), the scratch rows of killed collections
(``collect/.scratch-<pid>-*``), and the originals left in ``inbox/`` (reported to the operator, never removed). A
tiny lake per test, its posts carrying unique markers; every file under the home is then searched for the markers
of the posts the job erases (``tests.support.retention_world.scan``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from scn import lake
from scn.lake import io as lake_io
from scn.lake.schema import as_table
from scn.ops.retention import redact_old_posts
from scn.settings import override
from tests.support.retention_world import markers, scan
from tests.support.review_world import review_posts

NOW = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 30
CUTOFF = NOW - timedelta(days=DAYS)


def _posts(tags: list[str], old: list[bool], start: int) -> pd.DataFrame:
    """Lake ``posts`` rows of London, one per marker (in the text and the url), written a year before ``NOW``
    where ``old`` (the job erases them), two days before otherwise."""
    n = len(tags)
    ids = pd.Series(np.arange(start, start + n)).astype(str)
    created = pd.Series([NOW - timedelta(days=365 if o else 2) for o in old])
    return review_posts(n=n, seed=start).drop(columns="truth").assign(
        post_key="x@london:" + ids, post_id=ids, created_at=pd.to_datetime(created, utc=True),
        text=lambda f: f["text"] + " ref " + pd.Series(tags), url="https://x.com/i/status/" + pd.Series(tags),
        author_pseudo="a" + ids)


def _part(frame: pd.DataFrame, part_id: str) -> Path:
    return lake.write_part("posts", as_table("posts", frame), part_id)


def _truncate(part: Path) -> None:
    """Damage a part as a full disk or a torn copy does (as tests/pipeline/test_broken_parts.py): its footer gone."""
    with open(part, "r+b") as fh:
        fh.truncate(part.stat().st_size // 2)


def _age(path: Path, days: float) -> None:
    """Set ``path``'s modification time ``days`` before ``NOW``."""
    t = (NOW - timedelta(days=days)).timestamp()
    os.utime(path, (t, t))


def _set_aside_by_io_error(part: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Set a whole, readable part aside as the lake does when reading its footer fails with an I/O error (a
    flaky disk: ``_footer_problem`` takes any OSError for damage); the part itself stays readable."""
    with monkeypatch.context() as m:
        m.setattr(lake_io, "_footer_problem", lambda p: "[Errno 5] Input/output error")
        assert lake_io.set_aside(part, "[Errno 5] Input/output error") == "moved"
    return part.parent / lake_io.DAMAGED / part.name


def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


def test_the_job_reaches_damaged_parts_and_dead_writers_temp_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found before the fix: the job read only ``lake/posts/part-*.parquet``, so the erased posts' text stayed
    whole in a part set aside readable (an I/O error while its footer was read), in an unreadable set-aside part,
    in a dead writer's temp file (swept only when the job happened to rewrite a part) and in a killed collection's
    scratch rows. Now a readable set-aside part (posts, quarantine) is redacted like a live one, an unreadable one
    is deleted once last changed before the cutoff (it cannot be redacted; its source is in the archive) and kept,
    with a warning, when newer; dead writers' temp files and killed collections' scratch folders are removed. The
    live lake keeps its rows."""
    tags = markers(16, seed=3)
    old = [True, True, False, False, True, True, True, True, False, False, True, True, True, True, False, False]
    erased = [t for t, o in zip(tags, old, strict=True) if o]
    home = tmp_path / "home"
    with override(home=home):
        _part(_posts(tags[14:], old[14:], 14), "live")  # the live lake: recent posts only (nothing to rewrite)
        readable = _set_aside_by_io_error(_part(_posts(tags[:4], old[:4], 0), "aaaa000000000001"), monkeypatch)
        torn_old = _part(_posts(tags[4:8], old[4:8], 4), "aaaa000000000002")
        torn_new = _part(_posts(tags[8:10], old[8:10], 8), "aaaa000000000003")
        _truncate(torn_old)
        _truncate(torn_new)
        _age(torn_old, 60)  # last changed (the damage, at the latest) 60 days before NOW: before the cutoff
        _age(torn_new, 2)
        assert lake.has_table("posts")  # reading the lake sets the torn parts aside
        damaged = lake.table_dir("posts") / lake_io.DAMAGED
        assert {p.name for p in damaged.iterdir()} == {readable.name, torn_old.name, torn_new.name}
        temp = lake.table_dir("posts") / f".tmp-{_dead_pid()}-{uuid.uuid4().hex}.parquet"
        pq.write_table(as_table("posts", _posts(tags[10:12], old[10:12], 10)), temp)  # a writer killed mid-write
        killed = home / "collect" / f".scratch-{_dead_pid()}-{uuid.uuid4().hex}"  # a collection killed mid-page
        killed.mkdir(parents=True)
        _posts(tags[12:14], old[12:14], 12).to_json(killed / "rows-1.jsonl", orient="records", lines=True)
        raw = [{"created_at": "2025-06-01T00:00:00+00:00", "text": f"again {erased[0]}"},
               {"created_at": "2026-10-30T00:00:00+00:00", "text": f"again {tags[2]}"}]
        refused = lake.write_part("quarantine", as_table("quarantine", pd.DataFrame({
            "file": "f.csv", "kind": "social", "row": [2, 3], "field": "text", "reason": "r",
            "raw_json": [json.dumps(r) for r in raw], "quarantined_at": NOW - timedelta(days=1)})), "q1")
        refused_aside = _set_aside_by_io_error(refused, monkeypatch)

        done = redact_old_posts(days=DAYS, now=NOW)

        after = pq.read_table(readable).to_pandas().sort_values("post_id", key=lambda s: s.astype(int))
        quarantined = pq.read_table(refused_aside).to_pandas().sort_values("row")
        live = lake.read_table("posts")
    found = scan(home, erased)
    assert not found.places(), {p: sorted(found.whole.get(p, ()) or found.piece[p])[:3] for p in found.places()}
    assert after["text"].isna().tolist() == [True, True, False, False]  # redacted like a live part, rows kept
    assert after["author_pseudo"].isna().sum() == 2 and after["url"].isna().sum() == 2
    assert quarantined["raw_json"].isna().tolist() == [True, False]
    assert not (damaged / torn_old.name).exists()  # unreadable, written before the cutoff: deleted
    assert (damaged / torn_new.name).exists()  # written after the cutoff: its posts may be recent; kept, said
    assert not temp.exists() and not killed.exists()
    assert len(live) == 2 and live["text"].notna().all()
    assert (done["damaged_parts_redacted"], done["damaged_rows_redacted"]) == (2, 3)
    assert (done["damaged_parts_deleted"], done["damaged_parts_kept"]) == (1, 1)
    assert (done["temp_files_removed"], done["collect_scratch_removed"]) == (1, 1)
    assert any(torn_new.name in w for w in done["warnings"]), done["warnings"]


def test_with_no_readable_posts_part_the_job_still_reaches_the_side_copies(tmp_path: Path) -> None:
    """The job returned at once when the posts table had no readable part: a lake whose only part was set aside
    kept it whole forever. It is deleted once written before the cutoff."""
    tags = markers(3, seed=4)
    home = tmp_path / "home"
    with override(home=home):
        part = _part(_posts(tags, [True] * 3, 0), "bbbb000000000001")
        _truncate(part)
        _age(part, 90)
        assert not lake.has_table("posts")
        done = redact_old_posts(days=DAYS, now=NOW)
    assert not (part.parent / lake_io.DAMAGED / part.name).exists()
    assert done["damaged_parts_deleted"] == 1 and done["posts_redacted"] == 0
    assert not scan(home, tags).places()


def test_the_job_warns_of_inbox_files_older_than_the_retention_period(tmp_path: Path) -> None:
    """The social files left in the inbox (ingested or not: the ingest leaves them; never taken; a partial upload)
    keep the full text outside the job: it leaves them, but says how many are older than the retention period
    and how old the oldest is, in its result and its log. Recent files are not counted (other kinds' are:
    ``test_the_job_warns_of_old_files_in_every_inbox_kind``); with retention off nothing is said."""
    home = tmp_path / "home"
    social = home / "inbox" / "social" / "london"
    social.mkdir(parents=True)
    for name, days in (("posts-2025.csv", 200), (".posts-upload.part", 45), ("posts-new.csv", 3)):
        (social / name).write_text("id,text\n1,hello\n")
        _age(social / name, days)
    with override(home=home):
        done = redact_old_posts(days=DAYS, now=NOW)
        off = redact_old_posts(days=0, now=NOW)
    assert (done["inbox_files_past_retention"], done["inbox_oldest_days"]) == (2, 200)
    (warning,) = [w for w in done["warnings"] if "inbox" in w]
    assert "2 files" in warning and "200 days" in warning and f"{home / 'inbox'} (social 2)" in warning
    assert all((social / n).exists() for n in ("posts-2025.csv", ".posts-upload.part", "posts-new.csv"))
    assert not off.get("warnings") and off["cutoff"] is None


def test_an_unreadable_part_whose_source_is_archived_goes_at_the_next_run(tmp_path: Path) -> None:
    """Was: an unreadable set-aside part waited one retention period after its last change, its posts (a year
    old here) whole in its bytes all that time. Its rows cannot be redacted, and they are out of the lake anyway;
    when the file it came from is in the archive (the part is named by that file's hash: ingest it again to get
    them back), the job now deletes it at once, whatever its age, and says which file brings its rows back. One
    whose source the archive does not hold still waits, with its warning."""
    tags = markers(6, seed=5)
    home = tmp_path / "home"
    with override(home=home):
        sourced = _part(_posts(tags[:3], [True] * 3, 0), "cccc000000000001")
        orphan = _part(_posts(tags[3:], [True] * 3, 3), "cccc000000000002")
        source = home / "archive" / "cc" / ("cccc000000000001" + "0" * 48) / "posts.csv"
        source.parent.mkdir(parents=True)
        source.write_text("id,text\n")
        for part in (sourced, orphan):
            _truncate(part)
            _age(part, 2)  # damaged two days ago: after the cutoff
        assert not lake.has_table("posts")
        done = redact_old_posts(days=DAYS, now=NOW)
    damaged = sourced.parent / lake_io.DAMAGED
    assert not (damaged / sourced.name).exists()
    assert (damaged / orphan.name).exists()
    assert (done["damaged_parts_deleted"], done["damaged_parts_kept"]) == (1, 1)
    assert not scan(home, tags[:3]).places() - {str(source.relative_to(home))}
    assert any(orphan.name in w for w in done["warnings"]) and not any(sourced.name in w for w in done["warnings"])


def test_the_archive_writers_temp_files_carry_their_pid_and_a_killed_copy_is_swept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: the archive's writers (the ingest's copy of an inbox file, a collection's page) wrote
    ``archive/.tmp-<uuid>``: a copy killed mid-way (no ``finally`` ran) left the partner's file there for good, and
    no sweep could tell a live copy's from a dead one's. Now they write ``.tmp-<pid>-<uuid>`` and the job removes
    a dead process's (a live one's is kept); one of the old name, last changed before the cutoff, goes too."""
    from scn.ingest import pipeline
    from scn.ingest.sources import collect

    home = tmp_path / "home"
    renamed: list[str] = []
    real_replace = os.replace

    def replace(src: os.PathLike | str, dst: os.PathLike | str) -> None:
        renamed.append(Path(src).name)
        real_replace(src, dst)

    tags = markers(4, seed=6)
    with override(home=home):
        inbox_file = tmp_path / "posts.csv"
        inbox_file.write_text(f"id,text\n1,{tags[0]}\n")
        with monkeypatch.context() as m:
            m.setattr(os, "replace", replace)
            pipeline.archive(inbox_file)
            collect.archive_bytes(f'{{"text": "{tags[1]}"}}'.encode(), "page.json")
        assert len(renamed) == 2 and all(n.startswith(f".tmp-{os.getpid()}-") for n in renamed), renamed
        root = home / "archive"
        dead = root / f".tmp-{_dead_pid()}-{uuid.uuid4().hex}"
        live = root / f".tmp-{os.getpid()}-{uuid.uuid4().hex}"
        legacy_old, legacy_new = root / f".tmp-{uuid.uuid4().hex}", root / f".tmp-{uuid.uuid4().hex}"
        for path, tag in ((dead, tags[2]), (live, tags[3]), (legacy_old, tags[2]), (legacy_new, tags[3])):
            path.write_text(f"id,text\n1,{tag}\n")
        _age(legacy_old, 60)
        _age(legacy_new, 2)
        done = redact_old_posts(days=DAYS, now=NOW)
    assert not dead.exists() and not legacy_old.exists()
    assert live.exists() and legacy_new.exists()
    assert done["temp_files_removed"] == 2


def test_the_job_warns_of_old_files_in_every_inbox_kind(tmp_path: Path) -> None:
    """Was: only ``inbox/social/`` was looked at; a social export dropped under another kind (``inbox/crime/``,
    ``inbox/survey/``) or a kind whose rows hold free text kept it unseen. Now every file under ``inbox/`` older
    than the retention period is counted, by kind in the warning; never removed."""
    home = tmp_path / "home"
    for kind, days in (("social", 200), ("crime", 400), ("survey", 45), ("crime", 3)):
        folder = home / "inbox" / kind / "london"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{kind}-{days}.csv"
        path.write_text("a\n")
        _age(path, days)
    with override(home=home):
        done = redact_old_posts(days=DAYS, now=NOW)
    assert (done["inbox_files_past_retention"], done["inbox_oldest_days"]) == (3, 400)
    (warning,) = [w for w in done["warnings"] if "inbox" in w]
    assert "3 files" in warning and "400 days" in warning and str(home / "inbox") in warning
    assert "crime 1" in warning and "social 1" in warning and "survey 1" in warning
    assert len(list((home / "inbox").rglob("*.csv"))) == 4
