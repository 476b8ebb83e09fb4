"""An unreadable set-aside part whose source file the archive does not hold (so its rows cannot come back) may
keep post text past the retention period: the job cannot redact it, and keeps it until every post in it is past
the cutoff (its bytes may still be repaired; nothing else holds its rows). Was: nothing but a warning among the
inbox's for that whole period. Now the data team is told at once, at every run while it is there: an error in the
job's result naming the file, its table, the day it was written and the day the job deletes it, and a
notification (scn.ops.notify: the alert log, the webhook)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from scn import lake
from scn.lake import io as lake_io
from scn.lake.schema import as_table
from scn.ops.notify import alert_log
from scn.ops.retention import redact_old_posts
from scn.settings import override
from tests.support.review_world import review_posts

NOW = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 30


def _torn_part(part_id: str, start: int, days_ago: float) -> Path:
    """A posts part of three posts a year old, torn (its footer gone: a full disk) ``days_ago`` before ``NOW``."""
    ids = pd.Series(np.arange(start, start + 3)).astype(str)
    frame = review_posts(n=3, seed=start).drop(columns="truth").assign(
        post_key="x@london:" + ids, post_id=ids, author_pseudo="a" + ids,
        created_at=pd.to_datetime(pd.Series([NOW - timedelta(days=365)] * 3), utc=True))
    part = lake.write_part("posts", as_table("posts", frame), part_id)
    with open(part, "r+b") as fh:
        fh.truncate(part.stat().st_size // 2)
    t = (NOW - timedelta(days=days_ago)).timestamp()
    os.utime(part, (t, t))
    return part


def test_an_unreadable_part_no_source_brings_back_is_an_error_the_data_team_hears_of(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with override(home=home):
        orphan = _torn_part("dddd000000000001", 0, days_ago=2)
        old = _torn_part("dddd000000000002", 3, days_ago=DAYS + 5)  # written before the cutoff: deleted, no error
        assert not lake.has_table("posts")  # both set aside
        done = redact_old_posts(days=DAYS, now=NOW)
        again = redact_old_posts(days=DAYS, now=NOW + timedelta(days=1))
        told = [json.loads(line) for line in alert_log().read_text(encoding="utf-8").splitlines()]
    aside = orphan.parent / lake_io.DAMAGED
    assert (aside / orphan.name).exists() and not (aside / old.name).exists()
    assert done["errors"] == [{
        "error": "unreadable_part_without_source", "table": "posts", "file": str(aside / orphan.name),
        "written": (NOW - timedelta(days=2)).date().isoformat(),
        "deleted_from": (NOW - timedelta(days=2) + timedelta(days=DAYS)).date().isoformat()}]
    assert [e["file"] for e in again["errors"]] == [str(aside / orphan.name)]  # said at every run while it is there
    assert len(told) == 2 and all(str(aside / orphan.name) in t["body"] and t["errors"] for t in told)
    assert "retention" in told[0]["subject"]


def test_no_error_and_no_notification_when_every_set_aside_part_is_dealt_with(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with override(home=home):
        _torn_part("dddd000000000003", 0, days_ago=DAYS + 5)
        done = redact_old_posts(days=DAYS, now=NOW)
        assert done["errors"] == [] and done["damaged_parts_deleted"] == 1
        assert not alert_log().exists()
