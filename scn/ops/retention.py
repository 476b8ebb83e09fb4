"""Retention of raw posts: after ``SCN_POST_RETENTION_DAYS`` days a post's text and pseudonym are erased from
the lake, and from what the review loop keeps (exports, adapters holding text pieces). Counts, labels and
locations stay (they carry neither), so dashboards and marts do not change. The originals of ingested files
(``archive/``, and the inbox files themselves) are outside this job: docs/operations.md#retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
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
        refused = _redact_quarantine(cutoff)
    return {"cutoff": cutoff.isoformat(timespec="seconds"), "parts_rewritten": rewritten,
            "posts_redacted": int(redacted), "quarantine_rows_redacted": refused, **_erase_copies(bool(redacted))}


def _redact_quarantine(cutoff: datetime) -> int:
    """Null the raw values (``raw_json``: text, author, url) of the social rows the ingest refused whose post was
    written before ``cutoff`` (its ``created_at`` as sent), or, when that cannot be read, that were refused before
    it: a refused row (a re-sent post with another text, a bad field) kept the text the job erased from the
    accepted one. The caller holds the writer lock. Returns the rows redacted."""
    if not lake.has_table("quarantine"):
        return 0
    old_sql = ("kind = 'social' and raw_json is not null and coalesce(try_cast(case when json_valid(raw_json) then "
               "json_extract_string(raw_json, '$.created_at') end as timestamptz), quarantined_at) < ?")
    redacted = 0
    for part in sorted(lake.table_dir("quarantine").glob("part-*.parquet")):
        with scratch() as con:
            pending = con.execute(f"select count(*) from read_parquet({sql_path(part)}) where {old_sql}",
                                  [cutoff]).fetchone()[0]
            if not pending:
                continue
            table = con.execute(f"select * replace (case when coalesce({old_sql}, false) then null else raw_json "
                                f"end as raw_json) from read_parquet({sql_path(part)})", [cutoff]).to_arrow_table()
        schema = pq.read_schema(part)
        lake.write_part("quarantine", table.select(schema.names).cast(schema), part.stem.removeprefix("part-"))
        redacted += int(pending)
    return redacted


def _erase_copies(redacted: bool) -> dict:
    """Erase what the review loop keeps of posts whose text is gone: their rows in the review exports (wherever
    ``scn review export`` wrote them), and adopted adapters that keep pieces of their training texts."""
    from scn.review import adapters
    from scn.review.loop import prune_exports

    trained_on = pd.DataFrame({"post_key": sorted({k for e in adapters.index().values()
                                                   for k in e.get("train_keys", [])})}, dtype=object)
    erased: set[str] = set()
    if len(trained_on):
        with scratch() as con:
            con.register("trained_on", trained_on)
            erased = {k for (k,) in con.execute(f"select distinct p.post_key from {lake.scan('posts')} p join "
                                                "trained_on using (post_key) where p.text is null").fetchall()}
    return {"review_export_rows_removed": prune_exports() if redacted else 0,
            "review_adapters_removed": len(adapters.drop_text_bearing(erased))}
