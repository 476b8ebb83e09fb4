"""Where does a post's text survive after the retention job erased it? (red-team probe of 2026-12-07,
docs/security.md row 37.) A copy of the demo home gets 360 London posts, each carrying a unique marker string;
they go through the inbox and a full run (ingest, enrichment, dbt, analyses, publish), the review loop (drawn,
exported to the default file and with ``--out`` outside the home, labelled, an adapter trained and adopted,
the posts re-labelled) and the retention job (``SCN_POST_RETENTION_DAYS`` through Dagster), which erases the
text of the half written a year ago. Then every file under the home, and the ``--out`` file, is decoded
(parquet, DuckDB, SQLite, joblib/pickle, JSON, text) and searched for the erased markers and for their
5-character pieces (what a char n-gram model keeps)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.lake.schema import as_table
from scn.settings import override
from tests.support.retention_world import build, scan
from tests.support.review_world import review_posts

# the originals of ingested files are outside the platform's retention (docs/operations.md#retention): the
# archive by design, and the inbox file the partner dropped (the ingest leaves it where it is)
ORIGINALS = ("archive/", "inbox/")


@pytest.fixture(scope="module")
def world(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame]:
    home = tmp_path_factory.mktemp("retention-leftovers") / "home"
    shutil.copytree(demo_home, home, symlinks=True)
    outside = tmp_path_factory.mktemp("reviewer-desk") / "to-label.csv"
    return home, outside, build(home, outside, datetime.now(UTC))


def test_the_scan_finds_the_text_of_posts_the_job_kept(world) -> None:
    """The scanner's own check: the markers of the recent posts (kept) are found in the lake, the originals, the
    review exports; so finding no erased marker below means something."""
    home, outside, posts = world
    found = scan(home, posts.loc[~posts["old"], "marker"].tolist(), [outside])
    places = found.places()
    assert any(p.startswith("lake/posts/") for p in found.whole)
    assert any(p.startswith("archive/") for p in places) and any(p.startswith("inbox/") for p in places)
    assert "review/exports/review-london.csv" in found.whole and str(outside) in found.whole


def test_no_piece_of_an_erased_post_survives_outside_the_originals(world) -> None:
    """Found on the code before the fix: the adopted adapter (``review/adapters/london/es.joblib``: the char
    2-5-gram vocabulary of its ``TfidfVectorizer`` held every piece of the erased training posts), the
    ``scn review export --out`` file outside ``review/exports/`` (the erased posts' whole text) and the
    quarantine (``lake/quarantine``: the raw values of a re-sent post the ingest refused). Now the adapter
    hashes its n-grams (no vocabulary), the job prunes every file the export wrote and nulls the raw values of
    refused posts as old as those it erases."""
    home, outside, posts = world
    erased = posts.loc[posts["old"], "marker"].tolist()
    found = scan(home, erased, [outside])
    leaks = {p: sorted(found.whole.get(p, ()))[:3] or sorted(found.piece[p])[:3] for p in found.places()
             if not p.startswith(ORIGINALS)}
    assert not leaks, leaks
    # the originals still hold them (outside the job, documented): the scan reaches them
    assert {p.split("/")[0] for p in found.places()} == {"archive", "inbox"}


def test_the_job_erases_the_raw_values_of_refused_posts_as_old(tmp_path: Path) -> None:
    """A social row the ingest refused keeps its raw values (text, author, url) in ``lake/quarantine``: the job
    now nulls them when the post was written before the cutoff, or, its time unreadable, was refused before it.
    Other families' rows and recent posts keep theirs."""
    from scn.ops.retention import redact_old_posts

    now = datetime(2026, 11, 1, tzinfo=UTC)
    raw = [{"created_at": "2025-01-01T00:00:00+00:00", "text": "old"}, {"created_at": "2026-10-30T09:00:00Z",
           "text": "recent"}, {"created_at": "yesterday", "text": "undated"}, {"category": "theft"}]
    rows = pd.DataFrame({"file": "f.csv", "kind": ["social"] * 3 + ["crime"], "row": [2, 3, 4, 2],
                         "field": "text", "reason": "r", "raw_json": [json.dumps(r) for r in raw],
                         "quarantined_at": [now - timedelta(days=d) for d in (1, 1, 60, 60)]})
    with override(home=tmp_path):
        lake.write_part("posts", as_table("posts", review_posts(n=4)), "p1")
        lake.write_part("quarantine", as_table("quarantine", rows), "q1")
        done = redact_old_posts(days=30, now=now)
        after = lake.read_table("quarantine").sort_values(["kind", "row"])
    assert after["raw_json"].isna().tolist() == [False, True, False, True]  # crime; social rows 2, 3, 4
    assert done.get("quarantine_rows_redacted") == 2
