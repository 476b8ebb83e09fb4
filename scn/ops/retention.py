"""Retention of raw posts: after ``SCN_POST_RETENTION_DAYS`` days a post's text and pseudonym are erased from
the lake. Counts, labels and locations stay (they carry neither), so dashboards and marts do not change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scn import lake
from scn.scratch import scratch, sql_path
from scn.settings import settings

REDACTED_FIELDS = ("text", "author_pseudo", "url")


def retention_days() -> int | None:
    """Days raw posts are kept (``SCN_POST_RETENTION_DAYS``); unset or 0 keeps them (the default)."""
    return settings().post_retention_days or None


def redact_old_posts(days: int | None = None, now: datetime | None = None) -> dict:
    """Null the text, pseudonym and url of posts created more than ``days`` days ago, part by part (each part is
    rewritten atomically). Returns the cutoff, the parts rewritten and the posts redacted."""
    days = days if days is not None else retention_days()
    if not days or not lake.has_table("posts"):
        return {"cutoff": None, "parts_rewritten": 0, "posts_redacted": 0}
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    with lake.writer_lock():  # never while an ingest reads the parts to deduplicate and appends
        rewritten = redacted = 0
        for part in sorted(lake.table_dir("posts").glob("part-*.parquet")):
            with scratch() as con:
                pending = con.execute(f"select count(*) from read_parquet({sql_path(part)}) where created_at < ? and "
                                      f"(text is not null or author_pseudo is not null)", [cutoff]).fetchone()[0]
            if not pending:
                continue
            table = pq.read_table(part)
            old = pc.less(table["created_at"], pa.scalar(cutoff, type=table.schema.field("created_at").type))
            old = pc.fill_null(old, False)
            for field in REDACTED_FIELDS:
                idx = table.schema.get_field_index(field)
                column = pc.if_else(old, pa.scalar(None, type=table.schema.field(field).type), table[field])
                table = table.set_column(idx, field, column)
            lake.write_part("posts", table, part.stem.removeprefix("part-"))
            rewritten += 1
            redacted += pending
    from scn.review.loop import prune_exports  # the review exports lose the erased posts' text too

    return {"cutoff": cutoff.isoformat(timespec="seconds"), "parts_rewritten": rewritten,
            "posts_redacted": int(redacted), "review_export_rows_removed": prune_exports() if redacted else 0}
