"""Regressions for the ingest holes of issue "Nothing leaks, nothing lost" (items 10-19): found by an attacker and a
careless partner. Each test fails on the code before its fix. Fixtures are local to this module."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import stat
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from scn import lake
from scn.hashing import file_sha256
from scn.ingest.pipeline import ingest_file, ingest_inbox
from scn.ingest.result import IngestError
from tests.support.cli import scn
from tests.support.corpus import kobo, kobo_row, ok_rows, posts

POST_COLUMNS = ["id", "created_at", "text", "author", "platform", "url"]
WHEN = "2025-03-01T10:00:00Z"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty SCN_HOME for this test, with no archive, key or ingest limits inherited from the environment."""
    h = tmp_path / "scn"
    monkeypatch.setenv("SCN_HOME", str(h))
    for var in ("SCN_ARCHIVE", "SCN_PSEUDONYM_KEY", "SCN_INGEST_MAX_POST_CHARS", "SCN_INGEST_MAX_POLYGON_VERTICES",
                "SCN_INGEST_MAX_LINE_BYTES"):
        monkeypatch.delenv(var, raising=False)
    return h


def post_csv(path: Path, rows: list[tuple], columns: list[str] = POST_COLUMNS) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def normal(text: str) -> str:
    """How an attacker would read a stored string back: NFKC, no format characters, case-folded."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf").casefold()


def stored_text(home: Path) -> str:
    """Every value of every lake part, as text (Parquet compresses bytes, so decode the tables)."""
    out = []
    for part in (home / "lake").rglob("*.parquet"):
        out.append(json.dumps(pq.read_table(part).to_pylist(), default=str, ensure_ascii=False))
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------- item 10
def test_item_10_handles_leave_no_trace_in_urls_or_text(home: Path, tmp_path: Path) -> None:
    """The demo's Facebook/Telegram links (`facebook.com/<handle>/posts/1`, author `@handle`) kept the handle, and
    `t.me/Handle`, `＠Handle`, `@`+zero-width space survived in text."""
    rows = [
        (1, WHEN, "a post", "@JaneFb99", "facebook", "https://facebook.com/JaneFb99/posts/501"),
        (2, WHEN, "hi", "@TgHandle77", "telegram", "https://t.me/TgHandle77/502"),
        (3, WHEN, "x", "ForumUser55", "forum", "https://forum.example.org/thread?id=9&user=ForumUser55"),
        (4, WHEN, "y", "XUser12345", "x", "https://x.com/XUser12345/status/504?s=20"),
        (5, WHEN, "z", "PctHandle66", "forum", "https://example.org/p/7?by=%50ctHandle66"),
        (6, WHEN, "see t.me/MentionedOne, ＠FullWidthTwo, @\u200bZeroWidthThree, @Sp\u200blit4Four and "
                  "facebook.com/FbMention5", "someone", "forum", ""),
        (7, WHEN, "— PlainSig88 out", "PlainSig88", "forum", ""),
        (8, WHEN, "hi @Bob 👨\u200d👩\u200d👧", "someone", "forum", "https://news.example.org/story/8"),
        (9, WHEN, "another", "Ｆｕｌｌ＿Ａｕｔｈｏｒ９", "facebook", "https://www.facebook.com/full_author9/posts/9"),
        # handles with dots and hyphens (Instagram, TikTok, Bluesky) were cut at the first dot; Reddit's
        # ``u/name`` was not masked at all (found by a careless partner's file)
        (10, WHEN, "thanks @jane.doe.92 and @dave-smith.bsky.social! ask u/throwaway_jane or /u/jdoe99, "
                   "reddit.com/user/RedditUser7/ or e-mail a.b@example.com.", "someone", "forum", ""),
        (11, WHEN, "r", "PostingUser3", "reddit", "https://www.reddit.com/r/PostingUser3_fans/comments/ab1/t/"),
        (12, WHEN, "s", "someone", "reddit", "https://www.reddit.com/r/london/comments/ab2/title/"),
    ]
    r = ingest_file("social", post_csv(tmp_path / "p.csv", rows), city_id="london")
    assert (r.accepted, r.quarantined) == (12, 0)
    tg = tmp_path / "result.json"
    tg.write_text(json.dumps({"id": 5, "messages": [
        {"id": 1, "type": "message", "date": "2025-03-01T12:00:00", "from_id": "user77",
         "text": [{"type": "mention_name", "text": "Display Person", "user_id": 123}, " hi"]}]}))
    ingest_file("social", tg, city_id="london")
    stored = lake.read_table("posts").set_index("post_id")
    assert stored.loc[["1", "2", "3", "5", "9"], "url"].isna().all(), stored["url"].to_dict()
    assert stored.loc["4", "url"] == "https://x.com/i/web/status/504"
    assert stored.loc["8", "url"] == "https://news.example.org/story/8"
    assert stored.loc["8", "text"] == "hi @user 👨\u200d👩\u200d👧"  # format characters kept where nothing hides
    assert stored.loc["5/1", "text"] == "@user hi"
    assert stored.loc["10", "text"] == "thanks @user and @user! ask u/user or /u/user, reddit.com/user/user/ or " \
        "e-mail a.b@example.com."  # an e-mail address is not a mention
    assert pd.isna(stored.loc["11", "url"])  # the author's handle in the link
    assert stored.loc["12", "url"] == "https://www.reddit.com/r/london/comments/ab2/title/"  # a post, no person
    seen = normal(stored_text(home))
    for handle in ("JaneFb99", "TgHandle77", "ForumUser55", "XUser12345", "PctHandle66", "MentionedOne",
                   "FullWidthTwo", "ZeroWidthThree", "Split4Four", "FbMention5", "PlainSig88", "full_author9",
                   "Display Person", "doe.92", "smith.bsky", "throwaway_jane", "jdoe99", "RedditUser7",
                   "PostingUser3"):
        assert normal(handle) not in seen, handle


def test_item_10_numeric_account_ids_in_links_are_masked(home: Path, tmp_path: Path) -> None:
    """A Facebook account named by its number survived: ``profile.php?id=100012345678`` kept the id (only the
    path was masked), ``/people/<name>/<number>/`` kept the number, ``/profile/<number>`` was left whole (a number
    after ``c`` is Telegram's chat id, and that rule was applied to every account path)."""
    rows = [(1, WHEN, "voir https://www.facebook.com/profile.php?id=100012345678 svp", "a", "forum", ""),
            (2, WHEN, "https://www.facebook.com/people/Jane-Doe/100012345679/ et fb.com/profile/100012345680", "a",
             "forum", ""),
            (3, WHEN, "https://m.facebook.com/permalink.php?story_fbid=77&id=100012345681 and "
                      "https://t.me/c/123456/78", "a", "forum", "")]
    ingest_file("social", post_csv(tmp_path / "p.csv", rows), city_id="london")
    stored = lake.read_table("posts").set_index("post_id")["text"]
    seen = stored_text(home)
    for account in ("100012345678", "100012345679", "100012345680", "100012345681", "Jane-Doe"):
        assert account not in seen, account
    assert stored["1"] == "voir https://www.facebook.com/user?id=user svp"
    assert stored["3"].endswith("story_fbid=77&id=user and https://t.me/c/123456/78")  # a chat, no person


# ---------------------------------------------------------------------------------------------------- item 11
def test_item_11_short_pseudonym_key_is_refused(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scn.privacy.pseudonyms import pseudonym_key

    path = tmp_path / "p.csv"
    path.write_bytes(posts(*ok_rows(2)))
    for short in ("k", "x" * 31):
        monkeypatch.setenv("SCN_PSEUDONYM_KEY", short)
        with pytest.raises(ValueError, match="SCN_PSEUDONYM_KEY.*at least 32 bytes"):
            pseudonym_key()
        with pytest.raises(IngestError, match="p.csv: .*SCN_PSEUDONYM_KEY is .* at least 32 bytes"):
            ingest_file("social", path, city_id="london")
    assert not lake.has_table("ingest_log")  # nothing recorded: the file is taken once the key is fixed
    inbox = home / "inbox" / "social" / "london"
    inbox.mkdir(parents=True)
    (inbox / "a.csv").write_bytes(posts(*ok_rows(1, start=50)))
    with pytest.raises(ValueError, match="SCN_PSEUDONYM_KEY"):
        ingest_inbox("social")
    proc = scn("ingest", "social", str(path), "--city", "london", home=home, check=False, timeout=120,
               env={"SCN_PSEUDONYM_KEY": "k"})
    assert proc.returncode == 2 and "SCN_PSEUDONYM_KEY" in proc.stderr and "Traceback" not in proc.stderr
    monkeypatch.setenv("SCN_PSEUDONYM_KEY", "x" * 32)
    assert ingest_file("social", path, city_id="london").accepted == 2
    assert [r.accepted for r in ingest_inbox("social")] == [1]
    monkeypatch.delenv("SCN_PSEUDONYM_KEY")
    key_file = home / "secrets" / "pseudonym.key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text("abc\n")
    with pytest.raises(ValueError, match="pseudonym.key is 3 bytes"):
        pseudonym_key()


# ---------------------------------------------------------------------------------------------------- item 12
def test_item_12_a_file_name_that_is_not_utf8_fails_only_itself(home: Path) -> None:
    folder = home / "inbox" / "social" / "london"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_bytes(posts(*ok_rows(2)))
    (folder / os.fsdecode(b"good\xffname.csv")).write_bytes(posts(*ok_rows(2, start=10)))
    (folder / os.fsdecode(b"worse\xff.csv")).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (folder / "c.csv").write_bytes(posts(*ok_rows(2, start=20)))
    # legal names (<= 255 bytes) whose escaped form is longer: never archived nor recorded, on every run
    (folder / os.fsdecode(b"\xe9" * 100 + b".csv")).write_bytes(posts(*ok_rows(2, start=40)))
    (folder / ("ctl" + "\t" * 120 + ".csv")).write_bytes(posts(*ok_rows(2, start=50)))
    odd_city = home / "inbox" / "social" / os.fsdecode(b"ci\xffty")
    odd_city.mkdir()
    (odd_city / "d.csv").write_bytes(posts(*ok_rows(1, start=30)))
    results = ingest_inbox("social")
    names = sorted(Path(r.file).name for r in results)
    assert names[:3] == ["\\xe9" * 100 + ".csv", "a.csv", "c.csv"] and names[3].startswith("ctl\\t\\t")
    assert names[4] == "good\\xffname.csv" and [r.accepted for r in results] == [2] * 5
    assert all(len(p.name.encode()) <= 255 and p.suffix == ".csv" for p in (home / "archive").rglob("*.csv"))
    log = lake.read_table("ingest_log")
    assert len(log) == 7 and all(f.isprintable() for f in log["file"])
    q = lake.read_table("quarantine").set_index("file")
    worse = next(f for f in q.index if f.endswith("worse\\xff.csv"))
    assert "binary file" in q.loc[worse, "reason"] and q.loc[worse, "reason"].startswith("worse\\xff.csv: ")
    odd = next(f for f in q.index if f.endswith("d.csv"))
    assert "unknown city 'ci\\xffty'" in q.loc[odd, "reason"]
    assert lake.read_table("posts")["source_file"].str.contains("good\\xffname.csv", regex=False).sum() == 2
    assert ingest_inbox("social") == []  # recorded once, not retried
    from scn.ingest.inbox import inbox_city_ids

    assert inbox_city_ids(["social"]) == ["london"]
    proc = scn("ingest", "social", str(folder / os.fsdecode(b"good\xffname.csv")), "--city", "london", "--json",
               home=home, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["file"].endswith("good\\xffname.csv")


# ---------------------------------------------------------------------------------------------------- item 13
def test_a_file_name_that_shows_other_text_than_it_holds_is_escaped(home: Path) -> None:
    """A right-to-left override makes ``report\u202eexe.csv`` show as ``reportvsc.exe``, a zero-width space hides
    in a name: every name the platform records and shows (results, ingest log, posts' source file, the archive)
    spells such characters as escapes, one way (``scn.oneline.printable``, as the audit log)."""
    folder = home / "inbox" / "social" / "london"
    folder.mkdir(parents=True)
    (folder / "report\u202eexe.csv").write_bytes(posts(*ok_rows(2)))
    (folder / "a\u200bb.csv").write_bytes(posts(*ok_rows(2, start=10)))
    results = ingest_inbox("social")
    assert sorted(Path(r.file).name for r in results) == ["a\\u200bb.csv", "report\\u202eexe.csv"]
    assert [r.accepted for r in results] == [2, 2]
    shown = [*lake.read_table("ingest_log")["file"], *lake.read_table("posts")["source_file"],
             *(p.name for p in (home / "archive").rglob("*.csv"))]
    assert shown and not any(unicodedata.category(c) in ("Cc", "Cf") for f in shown for c in f)
    assert ingest_inbox("social") == []  # recorded under the escaped name: not taken twice


def test_item_13_natural_keys_never_collide_across_cities_or_sources(home: Path, tmp_path: Path) -> None:
    no_platform = ["id", "created_at", "text"]
    for city in ("london", "paris"):  # a social CSV without a platform column, ids 501 and 502 in both cities
        r = ingest_file("social", post_csv(tmp_path / city / "posts.csv", [(501, WHEN, f"{city} a"),
                                                                            (502, WHEN, f"{city} b")], no_platform),
                        city_id=city)
        assert (r.accepted, r.duplicates) == (2, 0), city
    r = ingest_file("social", post_csv(tmp_path / "facebook-export.csv", [(501, WHEN, "fb")], no_platform),
                    city_id="london")
    assert r.accepted == 1  # a platform hint in the file name is another source
    for city in ("london", "paris"):
        r = ingest_file("social", post_csv(tmp_path / f"{city}-forum.csv", [(7, WHEN, "f", "a", "forum", "")]),
                        city_id=city)
        assert r.accepted == 1, city
        r = ingest_file("social", post_csv(tmp_path / f"{city}-x.csv", [(9, WHEN, "tweet", "a", "x", "")]),
                        city_id=city)
        assert (r.accepted, r.duplicates) == ((1, 0) if city == "london" else (0, 1))  # a tweet id is global
    keys = lake.read_table("posts").set_index("text")["post_key"]
    assert keys["london a"] == "unknown@london:501" and keys["paris a"] == "unknown@paris:501"
    assert keys["fb"] == "unknown@london+facebook:501" and keys["tweet"] == "x:9"  # known platforms unchanged
    assert lake.row_count("posts") == 8
    crime = "id,time,lat,lon,category,hate_flag,source\n1,2025-03-01,,,theft,0,City Police\n2,2025-03-01,,,theft,0,\n"
    for city in ("london", "paris"):
        path = tmp_path / city / "crimes.csv"
        path.write_text(crime)
        assert ingest_file("crime", path, city_id=city).accepted == 2, city
    national = "9f" * 32  # police.uk's own ids are national (SHA-256 hex); a partner's police.uk-shaped ids are not
    shaped = f"Crime ID,Month,Longitude,Latitude,Crime type\n1,2025-03,,,Burglary\n{national},2025-03,,,Burglary\n"
    for city in ("london", "paris"):
        path = tmp_path / city / "street.csv"
        path.write_text(shaped)
        r = ingest_file("crime", path, city_id=city)
        assert (r.accepted, r.duplicates) == ((2, 0) if city == "london" else (1, 1)), city
    crimes = lake.read_table("crimes")
    shaped_keys = crimes.loc[crimes["crime_key"].str.startswith("police.uk"), "crime_key"]
    assert sorted(shaped_keys) == [f"police.uk:{national}", "police.uk@london:1", "police.uk@paris:1"]
    crimes = crimes[~crimes["crime_key"].str.startswith("police.uk")]
    assert sorted(crimes["crime_key"]) == ["london/city%20police:1", "london:2", "paris/city%20police:1", "paris:2"]
    assert sorted(crimes["source"]) == ["city police", "city police", "london", "paris"]  # the column is unchanged
    for city in ("dakar", "paris"):  # the same survey file name, Kobo `_id`s 1 and 2, in two cities
        path = tmp_path / city / "wave1.csv"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(kobo(kobo_row(1, uuid=""), kobo_row(2, uuid="")).replace(b",_uuid,", b",_nouuid,"))
        r = ingest_file("survey", path, city_id=city)
        assert (r.accepted, r.duplicates) == (8, 0), city
    assert lake.read_table("survey_responses").groupby("city_id").size().to_dict() == {"dakar": 8, "paris": 8}
    # one platform spelt two ways is one platform: "Twitter" and "X", "FB" and "facebook" (two posts, two
    # pseudonyms for one author before)
    for name, spelling in (("tw.csv", "Twitter"), ("x2.csv", "X"), ("fb1.csv", "FB"), ("fb2.csv", "facebook")):
        post_csv(tmp_path / name, [(77, WHEN, f"same post {spelling.lower()[:1]}", "SameAuthor1", spelling, "")])
    first = ingest_file("social", tmp_path / "tw.csv", city_id="london")
    again = ingest_file("social", tmp_path / "x2.csv", city_id="london")
    assert (first.accepted, again.accepted, again.duplicates) == (1, 0, 1)
    assert (ingest_file("social", tmp_path / "fb1.csv", city_id="london").accepted,
            ingest_file("social", tmp_path / "fb2.csv", city_id="london").duplicates) == (1, 1)
    stored = lake.read_table("posts")
    assert {"x:77", "facebook:77"} <= set(stored["post_key"]) and "twitter:77" not in set(stored["post_key"])


# ---------------------------------------------------------------------------------------------------- item 14
CONCURRENT = """
import sys, time
from pathlib import Path
from scn.settings import use
use(home=Path(sys.argv[1]))
from scn.ingest import pipeline
from scn.ingest.pipeline import ingest_file
real_write_rows = pipeline.write_rows
def slow_disk(*args, **kwargs):  # widens the window between reading the lake (dedupe) and writing to it
    time.sleep(1.0)
    return real_write_rows(*args, **kwargs)
pipeline.write_rows = slow_disk
Path(sys.argv[3]).touch()
while not Path(sys.argv[4]).exists():
    time.sleep(0.002)
r = ingest_file("social", Path(sys.argv[2]), city_id="london")
print(r.accepted, r.duplicates)
"""


def _at_once(home: Path, files: list[Path], tmp: Path) -> list[tuple[int, int]]:
    go = tmp / f"go-{home.name}"
    procs, ready = [], []
    for i, f in enumerate(files):
        ready.append(tmp / f"ready-{home.name}-{i}")
        procs.append(subprocess.Popen([sys.executable, "-c", CONCURRENT, str(home), str(f), str(ready[-1]), str(go)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env={**os.environ, "SCN_PSEUDONYM_KEY": "k" * 64}))
    deadline = time.time() + 120
    while not all(r.exists() for r in ready) and time.time() < deadline:
        time.sleep(0.01)
    go.touch()
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr[-3000:]
        out.append(tuple(int(x) for x in stdout.split()))
    return out


def test_item_14_two_ingests_at_once_neither_duplicate_nor_overcount(home: Path, tmp_path: Path) -> None:
    """Two processes ingest at once (the sensor's run and a hand-run `scn ingest`): 200,000 rows with 100,000
    distinct keys, and an ingest log counting both as accepted."""
    n = 20_000
    same = tmp_path / "same.csv"
    same.write_bytes(posts(*ok_rows(n)))
    other = tmp_path / "other.csv"  # the same posts, other bytes (another export of them)
    other.write_bytes(posts(*ok_rows(n), sep="\r\n"))
    for name, files in (("same-file", [same, same]), ("same-keys", [same, other])):
        h = tmp_path / name
        counts = _at_once(h, files, tmp_path)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SCN_HOME", str(h))
            assert lake.row_count("posts") == n, name
            assert lake.read_table("posts")["post_key"].nunique() == n
            log = lake.read_table("ingest_log")
            assert log["accepted"].sum() == n and log["duplicates"].sum() == n, (name, counts)
        assert sorted(counts) == [(0, n), (n, 0)], name


# ---------------------------------------------------------------------------------------------------- item 15
def test_item_15_the_archive_holds_exactly_the_bytes_ingested(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A partner's export still being written: the file grows between the hash and the copy."""
    from scn.ingest import pipeline

    folder = home / "inbox" / "social" / "london"
    folder.mkdir(parents=True)
    growing = folder / "growing.csv"
    growing.write_bytes(posts(*ok_rows(3)))
    real = pipeline.file_sha256

    def hash_then_grow(path: Path) -> str:
        digest = real(path)
        if Path(path) == growing and growing.stat().st_size < 400:
            with open(growing, "ab") as fh:
                fh.write("\n".join(ok_rows(2, start=4)).encode() + b"\n")
        return digest

    monkeypatch.setattr(pipeline, "file_sha256", hash_then_grow)
    (result,) = ingest_inbox("social")
    copies = [p for p in (home / "archive").rglob("*") if p.is_file()]
    assert len(copies) == 1
    copy = copies[0]
    assert file_sha256(copy) == copy.parent.name == result.sha256  # named by its own bytes
    assert lake.read_table("ingest_log")["sha256"].tolist() == [file_sha256(copy)]
    assert result.accepted == len(copy.read_bytes().strip().splitlines()) - 1 == 5  # and what was read
    other = home / "elsewhere.csv"
    other.write_bytes(posts(*ok_rows(1, start=9)))
    monkeypatch.setattr(pipeline, "file_sha256", lambda p: "0" * 64)  # a caller's stale hash is never trusted
    r = ingest_file("social", other, city_id="london")
    assert r.sha256 == file_sha256(other) and Path(r.archived_to).parent.name == r.sha256


# ---------------------------------------------------------------------------------------------------- item 16
BAD_INPUTS = {  # file name -> its bytes ({i}: a post id of its own)
    "row-column.csv": "id,created_at,text,source_row\n{i},2025-03-01,t,9\n",
    "two-ids.csv": "id,id,created_at,text\n{i},2,2025-03-01,t\n",
    "two-texts.csv": "id,created_at,text,text\n{i},2025-03-01,a,b\n",
    "backslash-key.jsonl": '{{"id": {i}, "created_at": "2025-03-01", "text": "t", "a\\\\": 1}}\n',
    "empty-key.jsonl": '{{"id": {i}, "created_at": "2025-03-01", "text": "t", "": 1}}\n',
    "star-key.jsonl": '{{"id": {i}, "created_at": "2025-03-01", "text": "t", "*": 1}}\n',
    "huge-header.csv": "id,created_at,text," + "h" * (140 << 10) + "\n{i},2025-03-01,t,x\n",
}


def test_item_16_bad_headers_and_keys_exit_2_naming_the_file(home: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from scn.cli import main

    for i, (name, data) in enumerate(BAD_INPUTS.items()):
        path = tmp_path / name
        path.write_text(data.format(i=i))
        code = main(["ingest", "social", str(path), "--city", "london", "--json"])
        out = capsys.readouterr()
        assert code in (0, 2), name
        if code == 2:
            assert name in out.err and out.err.count("\n") == 1 and "unexpected" not in out.err, (name, out.err)
        else:
            assert json.loads(out.out)["accepted"] == 1, name
    errors = {n: lake.read_table("quarantine", where="row = 0 and file like ?", params=[f"%{n}"])["reason"].iloc[0]
              for n in ("row-column.csv", "two-ids.csv", "two-texts.csv", "huge-header.csv")}
    assert "'source_row', a name reserved" in errors["row-column.csv"]
    assert "duplicate column 'id' (columns 1 and 2)" in errors["two-ids.csv"]
    assert "duplicate column 'text' (columns 3 and 4)" in errors["two-texts.csv"]
    assert "a name of 143360 characters" in errors["huge-header.csv"]
    for name in ("row-column.csv", "backslash-key.jsonl"):  # and the installed command line says the same
        proc = scn("ingest", "social", str(tmp_path / name), "--city", "london", home=home, check=False, timeout=120)
        assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr, proc.stderr[-2000:]


ODD = ["", " ", "source_row", "Source Row", "id", "text", "a\\", "\\", '"', "'", "*", "$", "[0]", "a.b", "\t",
       "\u200b", "＠", "\ufeff", "é", "م", "x" * 2000, "c,d", "-", "/", "a/b/", "_id", "_uuid", "KEY", "group/q1",
       "\\u0000", "null", "𝕏", "\ud83d"]


def _odd_names(rnd: random.Random) -> list[str]:
    names = ["id", "created_at", "text"]
    for _ in range(rnd.randint(1, 4)):
        names.insert(rnd.randint(0, len(names)), rnd.choice(ODD) if rnd.random() < 0.8 else
                     "".join(rnd.choice(ODD[:20]) for _ in range(3)))
    return names


def test_item_16_fuzzed_headers_and_keys_never_crash(home: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from scn.cli import main

    rnd = random.Random(16)
    for i in range(60):
        names = _odd_names(rnd)
        kind = rnd.choice(["social", "social", "crime", "survey", "programme", "cities"])
        values = ["1", "2025-03-01", "t"] + ["2"] * (len(names) - 3)
        form = rnd.choice(["csv", "jsonl", "json"]) if kind == "social" else rnd.choice(["csv", "jsonl"])
        path = tmp_path / f"f{i}.{form}"
        if form == "csv":
            buf = io.StringIO()
            csv.writer(buf).writerows([names, values])
            path.write_bytes(buf.getvalue().encode("utf-8", "surrogatepass"))
        else:
            obj = "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in zip(names, values, strict=True)) + "}"
            path.write_text(obj + "\n" if form == "jsonl" else f"[{obj}, 7]")
        code = main(["ingest", kind, str(path), "--json"] + ([] if kind in ("programme", "cities") else
                                                             ["--city", "london"]))
        out = capsys.readouterr()
        assert code in (0, 2), (kind, names)
        assert "unexpected error" not in out.err, (kind, names, out.err)


# ---------------------------------------------------------------------------------------------------- item 17
def test_item_17_links_are_refused_and_state_is_owner_only(home: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        secret = tmp_path / "private.csv"
        secret.write_bytes(posts(*ok_rows(2)))
        secret.chmod(0o600)
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "b.csv").write_bytes(posts(*ok_rows(1, start=5)))
        folder = home / "inbox" / "social" / "london"
        folder.mkdir(parents=True)
        (folder / "link.csv").symlink_to(secret)
        (home / "inbox" / "social" / "paris").symlink_to(outside, target_is_directory=True)
        (folder / "real.csv").write_bytes(posts(*ok_rows(1, start=9)))
        results = ingest_inbox("social")
        archived = [p for p in (home / "archive").rglob("*") if p.is_file()]
        assert [p.name for p in archived] == ["real.csv"]  # the link's target (a 0600 file) was not copied
        assert [Path(r.file).name for r in results] == ["real.csv"]
        q = lake.read_table("quarantine")
        assert sorted(Path(f).name for f in q["file"]) == ["link.csv", "paris"]
        assert q["reason"].str.contains("symbolic link").all()
        assert ingest_inbox("social") == []
        with pytest.raises(IngestError, match="link.csv: a symbolic link"):
            ingest_file("social", folder / "link.csv", city_id="london")
        for root in (home / "lake", home / "archive"):
            for p in [root, *root.rglob("*")]:
                mode = stat.S_IMODE(p.lstat().st_mode)
                assert mode & 0o077 == 0, (p, oct(mode))
        assert stat.S_IMODE(archived[0].stat().st_mode) == 0o400
        assert stat.S_IMODE((home / "secrets").stat().st_mode) == 0o700
    finally:
        os.umask(old)


# ---------------------------------------------------------------------------------------------------- item 18
def _xlsx(sheets: list[tuple[str, str, list[str]]]) -> bytes:
    """A workbook written cell by cell: (name, state, rows of <c> XML), so that formulas can carry cached values
    (or not) as Excel, LibreOffice or a script would save them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                      f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
            + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i}" state="{s}" r:id="rId{i}"/>'
                      for i, (n, s, _) in enumerate(sheets, 1)) + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                f'worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
            + "</Relationships>"))
        for i, (_, _, rows) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", (
                '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main"><sheetData>'
                + "".join(f'<row r="{r}">{cells}</row>' for r, cells in enumerate(rows, 1))
                + "</sheetData></worksheet>"))
    return buf.getvalue()


def _s(col: str, row: int, text: str) -> str:
    return f'<c r="{col}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(r: int, pid: str, text_cell: str) -> str:
    return _s("A", r, pid) + _s("B", r, WHEN) + text_cell


def test_item_18_xlsx_first_visible_sheet_cached_formulas(home: Path, tmp_path: Path) -> None:
    notes = [_s("A", 1, "note") + _s("B", 1, "by"), _s("A", 2, "internal") + _s("B", 2, "someone")]
    data = [_s("A", 1, "id") + _s("B", 1, "created_at") + _s("C", 1, "text"),
            _row(2, "1", _s("C", 2, "plain")),
            _row(3, "2", '<c r="C3" t="str"><f>CONCAT("computed ","text")</f><v>computed text</v></c>'),
            _row(4, "3", '<c r="C4"><f>CONCAT("never ","computed")</f></c>'),
            "",
            _row(6, "5", _s("C", 6, "after a blank row")),
            _row(7, "6", '<c r="C7"><f>1+1</f><v>2</v></c>')]
    path = tmp_path / "posts.xlsx"
    path.write_bytes(_xlsx([("Notes", "hidden", notes), ("Posts", "visible", data), ("Old", "visible", notes)]))
    r = ingest_file("social", path, city_id="london")
    assert r.sheet == "Posts" and r.to_json()["sheet"] == "Posts"
    assert (r.rows_read, r.accepted, r.quarantined) == (5, 4, 1)
    (err,) = r.errors
    assert err["row"] == 3 and err["field"] == "text" and "formula without a cached value" in err["reason"]
    texts = lake.read_table("posts").set_index("post_id")["text"].to_dict()
    assert texts == {"1": "plain", "2": "computed text", "5": "after a blank row", "6": "2"}
    assert lake.read_table("posts").set_index("post_id")["source_row"].to_dict() == {"1": 1, "2": 2, "5": 5, "6": 6}
    hidden_only = tmp_path / "hidden.xlsx"
    hidden_only.write_bytes(_xlsx([("Notes", "hidden", notes)]))
    with pytest.raises(IngestError, match="hidden.xlsx: no visible sheet"):
        ingest_file("social", hidden_only, city_id="london")


# ---------------------------------------------------------------------------------------------------- item 19
MEASURE = """
import json, resource, sys
from pathlib import Path
from scn.settings import use
use(home=Path(sys.argv[1]))
from scn.ingest.pipeline import ingest_file
import openpyxl, shapely  # noqa: F401 - imported before the baseline is taken
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
r = ingest_file(sys.argv[2], Path(sys.argv[3]), city_id="london")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"result": r.to_json(), "extra_mb": (peak - base) / 1024}))
"""


def _measured(home: Path, kind: str, path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(home), kind, str(path)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_item_19_huge_posts_and_polygons_are_quarantined_within_limits(home: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.csv"
    with open(big, "w") as fh:
        fh.write(f"id,created_at,text\n1,{WHEN},hello\n2,{WHEN},")
        fh.write("y" * 50_000_000)
        fh.write(f"\n3,{WHEN},bye\n")
    out = _measured(home, "social", big)
    r = out["result"]
    assert (r["rows_read"], r["accepted"], r["quarantined"]) == (3, 2, 1)
    assert r["errors"][0]["row"] == 2 and "exceeds the limit of 100000 (SCN_INGEST_MAX_POST_CHARS)" in \
        r["errors"][0]["reason"]
    assert out["extra_mb"] < 600, out["extra_mb"]  # it took 930 MB on top of the imports before
    monkeypatch.setenv("SCN_HOME", str(home))
    assert lake.read_table("quarantine")["raw_json"].str.len().max() < 10_000
    n = 1_000_000  # a valid polygon: a circle of 10^6 vertices around central London
    ring = ", ".join(f"[{-0.1 + 0.01 * math.cos(2 * math.pi * i / n):.7f}, {51.5 + 0.01 * math.sin(2 * math.pi * i / n):.7f}]"
                     for i in range(n))
    square = "[[-0.1, 51.5], [-0.09, 51.5], [-0.09, 51.51], [-0.1, 51.51], [-0.1, 51.5]]"
    geo = tmp_path / "areas.geojson"
    geo.write_text('{"type": "FeatureCollection", "features": ['
                   '{"type": "Feature", "properties": {"area_code": "A1"}, "geometry": {"type": "Polygon", '
                   f'"coordinates": [[{ring}, [-0.09, 51.5]]]}}}}, '
                   '{"type": "Feature", "properties": {"area_code": "A2"}, "geometry": {"type": "Polygon", '
                   f'"coordinates": [{square}]}}}}]}}')
    out = _measured(home, "boundaries", geo)
    r = out["result"]
    assert (r["rows_read"], r["accepted"], r["quarantined"]) == (2, 1, 1)
    assert r["errors"][0]["field"] == "geometry" and "polygon of 1000001 vertices exceeds the limit of 250000 " \
        "(SCN_INGEST_MAX_POLYGON_VERTICES)" in r["errors"][0]["reason"]
    # loosely: GDAL's GeoJSON parser alone takes ~0.5 GB for 10^6 vertices; repairing, projecting and writing
    # the polygon (the rest of the 0.9-1.3 GB) no longer happen
    assert out["extra_mb"] < 800, out["extra_mb"]
    assert lake.read_table("areas")["area_code"].tolist() == ["A2"]
    monkeypatch.setenv("SCN_INGEST_MAX_POST_CHARS", "10")
    small = post_csv(tmp_path / "small.csv", [(1, WHEN, "x" * 11, "", "x", ""), (2, WHEN, "x" * 10, "", "x", "")])
    r2 = ingest_file("social", small, city_id="london")
    assert (r2.accepted, r2.quarantined) == (1, 1) and "limit of 10" in r2.errors[0]["reason"]
    assert pd.notna(r2.errors[0]["field"])
