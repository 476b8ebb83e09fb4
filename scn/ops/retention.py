"""Retention of raw posts: after ``SCN_POST_RETENTION_DAYS`` days a post's text and pseudonym are erased from
the lake, and from what the review loop keeps (exports, adapters holding text pieces). Counts, labels and
locations stay (they carry neither), so dashboards and marts do not change.

The lake's side copies of post rows are reached too: the parts of ``posts`` and ``quarantine`` set aside as
unreadable (``lake/<table>/.damaged/``; one still readable, set aside on an I/O error, is redacted like a live
part; one that cannot be read cannot be redacted: it is deleted at once when the file it came from is in the
archive (ingesting that again brings its rows back), else once written before the cutoff, the data team told of
it at once: ``errors``), the temp files of
writers that died mid-write in those folders and in ``archive/`` (a killed copy of an inbox file or a page), and
the scratch folders of killed collections. The originals of ingested files (``archive/``, and the inbox files
themselves) are outside this job: docs/operations.md#retention; it warns of the files under ``inbox/`` (every
kind) older than the retention period (never removes them)."""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scn import lake
from scn.lake.io import DAMAGED, archived_sources, fsync_path, replace_file, source_note, sweep_dead
from scn.ops.notify import notify
from scn.scratch import scratch, sql_path
from scn.settings import paths, settings

log = logging.getLogger(__name__)
REDACTED_FIELDS = ("text", "author_pseudo", "url")
COLLECT_SCRATCH = ".scratch-*-*"  # collect/.scratch-<pid>-<uuid>: a collection's page rows (scn.ingest.sources.collect)
ARCHIVE_TEMP = ".tmp-*"  # archive/.tmp-<pid>-<uuid>: a copy being made (scn.ingest.pipeline.archive, collect)
UNREADABLE_UNSOURCED = "unreadable_part_without_source"  # an ``errors`` entry of the job's result
TEXT_TABLES = ("posts", "quarantine")  # the lake tables holding post text (quarantine: refused rows' raw values)
_QUARANTINE_OLD = ("kind = 'social' and raw_json is not null and coalesce(try_cast(case when json_valid(raw_json) "
                   "then json_extract_string(raw_json, '$.created_at') end as timestamptz), quarantined_at) < ?")


def retention_days() -> int | None:
    """Days raw posts are kept (``SCN_POST_RETENTION_DAYS``); unset or 0 keeps them (the default)."""
    return settings().post_retention_days or None


def redact_old_posts(days: int | None = None, now: datetime | None = None) -> dict:
    """Null the text, pseudonym and url of posts created more than ``days`` days ago, part by part (each part is
    rewritten atomically), and reach the side copies of post rows (``_side_copies``). Returns the cutoff, the
    parts rewritten, the posts redacted, what was done to each kind of copy, and ``warnings``: what still holds
    text the job could not erase (unreadable set-aside parts too recent to delete, old files in the inbox), and
    ``errors``: what the data team must act on, told at once (``_tell_data_team``): an unreadable set-aside part
    no archived source brings back, by file, table, day written and day the job deletes it."""
    days = days if days is not None else retention_days()
    if not days:
        return {"cutoff": None, "parts_rewritten": 0, "posts_redacted": 0}
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    with lake.writer_lock():  # never while an ingest reads the parts to deduplicate and appends
        rewritten = redacted = 0
        has_posts = lake.has_table("posts")  # sets unreadable parts aside first
        for part in sorted(lake.table_dir("posts").glob("part-*.parquet")) if has_posts else []:
            with scratch() as con:
                pending = con.execute(f"select count(*) from read_parquet({sql_path(part)}) where created_at < ? and "
                                      f"(text is not null or author_pseudo is not null)", [cutoff]).fetchone()[0]
            if not pending:
                continue
            table, _ = _redact_posts(pq.read_table(part), cutoff)
            lake.write_part("posts", table, part.stem.removeprefix("part-"))
            rewritten += 1
            redacted += pending
        refused = _redact_quarantine(cutoff)
        side = _side_copies(cutoff, now)
    inbox = _inbox_past(cutoff, now)
    erased = _erase_copies(bool(redacted)) if has_posts else {"review_export_rows_removed": 0,
                                                               "review_adapters_removed": 0}
    warnings = side.pop("warnings") + inbox.pop("warnings")
    errors = side.pop("errors")
    for w in warnings:
        log.warning("retention: %s", w)
    _tell_data_team(errors)
    return {"cutoff": cutoff.isoformat(timespec="seconds"), "parts_rewritten": rewritten,
            "posts_redacted": int(redacted), "quarantine_rows_redacted": refused, **side, **inbox, **erased,
            "warnings": warnings, "errors": errors}


def _tell_data_team(errors: list[dict]) -> None:
    """Log each of ``errors`` (set-aside parts the job can neither redact nor delete yet) as an error and send the
    data team one notification naming their files (scn.ops.notify: the alert log, the webhook), at every run while
    any is there: only a person can repair such a part, restore it from a backup or delete it before its day."""
    if not errors:
        return
    for e in errors:
        log.error("retention: unreadable set-aside part %s (%s, written %s) has no source file to bring its rows "
                  "back and may hold post text past the retention period; the job deletes it from %s",
                  e["file"], e["table"], e["written"], e["deleted_from"])
    files = "\n".join(f"{e['file']} (written {e['written']}, deleted from {e['deleted_from']})" for e in errors)
    notify("retention: unreadable lake parts may keep post text",
           f"{len(errors)} set-aside part(s) cannot be read, so their posts' text cannot be erased, and no archived "
           f"source file brings their rows back: repair them (the next run redacts a part that reads), or delete "
           f"them now if their rows can be lost; else the job deletes each from the day shown "
           f"(docs/operations.md#retention).\n{files}", errors=errors)


def _redact_posts(table: pa.Table, cutoff: datetime) -> tuple[pa.Table, int]:
    """``table`` (posts rows) with ``REDACTED_FIELDS`` nulled where ``created_at`` is before ``cutoff``, and the
    rows that still had a text or pseudonym there. KeyError when a column is missing."""
    old = pc.less(table["created_at"], pa.scalar(cutoff, type=table.schema.field("created_at").type))
    old = pc.fill_null(old, False)
    held = pc.fill_null(pc.and_(old, pc.or_(pc.is_valid(table["text"]), pc.is_valid(table["author_pseudo"]))),
                        False)
    for field in REDACTED_FIELDS:
        idx = table.schema.get_field_index(field)
        if idx < 0:
            raise KeyError(field)
        column = pc.if_else(old, pa.scalar(None, type=table.schema.field(field).type), table[field])
        table = table.set_column(idx, field, column)
    return table, int(pc.sum(pc.cast(held, pa.int64())).as_py() or 0)


def _redact_quarantine_part(part: Path, cutoff: datetime) -> tuple[pa.Table, int]:
    """The rows of a quarantine part with ``raw_json`` nulled where ``_QUARANTINE_OLD``, and how many were."""
    with scratch() as con:
        pending = con.execute(f"select count(*) from read_parquet({sql_path(part)}) where {_QUARANTINE_OLD}",
                              [cutoff]).fetchone()[0]
        if not pending:
            return pa.table({}), 0
        table = con.execute(f"select * replace (case when coalesce({_QUARANTINE_OLD}, false) then null else raw_json "
                            f"end as raw_json) from read_parquet({sql_path(part)})", [cutoff]).to_arrow_table()
    schema = pq.read_schema(part)
    return table.select(schema.names).cast(schema), int(pending)


def _redact_quarantine(cutoff: datetime) -> int:
    """Null the raw values (``raw_json``: text, author, url) of the social rows the ingest refused whose post was
    written before ``cutoff`` (its ``created_at`` as sent), or, when that cannot be read, that were refused before
    it: a refused row (a re-sent post with another text, a bad field) kept the text the job erased from the
    accepted one. The caller holds the writer lock. Returns the rows redacted."""
    if not lake.has_table("quarantine"):
        return 0
    redacted = 0
    for part in sorted(lake.table_dir("quarantine").glob("part-*.parquet")):
        table, pending = _redact_quarantine_part(part, cutoff)
        if pending:
            lake.write_part("quarantine", table, part.stem.removeprefix("part-"))
            redacted += pending
    return redacted


def _side_copies(cutoff: datetime, now: datetime) -> dict:
    """Reach the copies of post rows outside the live parts (the caller holds the writer lock, so no ingest is
    writing): the set-aside parts of ``TEXT_TABLES`` (``_damaged``), the temp files of writers that died in those
    folders (a part half written, an ingest's undo link: ``.tmp-<pid>-*``) and in the archive (``_archive_temp``),
    and the scratch folders of killed collections (``collect/.scratch-<pid>-*``: page rows with raw handles)."""
    done = {"damaged_parts_redacted": 0, "damaged_rows_redacted": 0, "damaged_parts_deleted": 0,
            "damaged_parts_kept": 0, "temp_files_removed": 0, "warnings": [], "errors": []}
    removed: list[Path] = []

    def remove(p: Path) -> None:
        p.unlink(missing_ok=True)
        removed.append(p)

    for table in TEXT_TABLES:
        folder = lake.table_dir(table)
        for where in (folder, folder / DAMAGED):
            for tmp in where.glob(".tmp-*.parquet") if where.is_dir() else []:
                sweep_dead(tmp, remove)
        _damaged(table, folder / DAMAGED, cutoff, now - cutoff, done)
    _archive_temp(cutoff, remove)
    done["temp_files_removed"] = len(removed)
    done["collect_scratch_removed"] = len(sweep_scratch())
    return done


def sweep_scratch() -> list[Path]:
    """Remove the scratch folders of collections that were killed (no ``finally`` ran; ``COLLECT_SCRATCH``): their
    page rows hold raw handles. A folder is named by its process's pid; a live process's are kept. Returns those
    removed (the collector sweeps at each start, retention at each run)."""
    removed: list[Path] = []

    def remove_tree(p: Path) -> None:
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)

    for folder in (paths().home / "collect").glob(COLLECT_SCRATCH):
        sweep_dead(folder, remove_tree)
    return removed


def _archive_temp(cutoff: datetime, remove: Callable[[Path], None]) -> None:
    """``remove`` the temp files of archive copies whose process is gone (``archive/.tmp-<pid>-<uuid>``: a copy
    killed mid-way holds the partner's file, or a page's rows); one of the name before the pid was in it
    (``.tmp-<uuid>``: no writer to ask) once last changed before ``cutoff``."""
    root = paths().archive
    for tmp in root.glob(ARCHIVE_TEMP) if root.is_dir() else []:
        if tmp.name.count("-") >= 2:
            sweep_dead(tmp, remove)
        elif datetime.fromtimestamp(tmp.lstat().st_mtime, UTC) < cutoff:
            remove(tmp)


def _damaged(table: str, aside: Path, cutoff: datetime, period: timedelta, done: dict) -> None:
    """The set-aside parts of ``table``: one that reads is redacted like a live part (rewritten in place,
    atomically); one that does not is deleted at once when its source file is in the archive (``archived_sources``),
    else when written (its modification time: ``os.replace`` keeps it) before ``cutoff``, and otherwise kept (nothing
    else holds its rows; it may yet be repaired) with a warning naming it and the day it goes, and an ``errors``
    entry the data team is told of at once (``_tell_data_team``). Counts into ``done``."""
    for part in sorted(aside.glob("part-*.parquet")) if aside.is_dir() else []:
        try:
            if table == "posts":
                redacted, n = _redact_posts(pq.read_table(part), cutoff)
            else:
                redacted, n = _redact_quarantine_part(part, cutoff)
        except (pa.ArrowException, OSError, KeyError, duckdb.Error) as exc:
            problem = " ".join(str(exc).split())[:120] or type(exc).__name__
            written = datetime.fromtimestamp(part.stat().st_mtime, UTC)
            sourced = bool(archived_sources(part.name))  # ingesting it again brings the rows back
            if sourced or written < cutoff:
                note = source_note(table, part.name) if sourced else "written before the cutoff"
                part.unlink(missing_ok=True)
                fsync_path(aside)
                done["damaged_parts_deleted"] += 1
                log.warning("retention: deleted the unreadable set-aside part %s (%s), written %s: its rows cannot "
                            "be redacted; %s", part, problem, written.date(), note)
            else:
                done["damaged_parts_kept"] += 1
                done["warnings"].append(
                    f"unreadable set-aside part {part} (written {written.date()}) may hold post text the job cannot "
                    f"redact; the job deletes it from {(written + period).date()}")
                done["errors"].append({"error": UNREADABLE_UNSOURCED, "table": table, "file": str(part),
                                       "written": written.date().isoformat(),
                                       "deleted_from": (written + period).date().isoformat()})
            continue
        if n:
            _rewrite(part, redacted)
            done["damaged_parts_redacted"] += 1
            done["damaged_rows_redacted"] += n


def _rewrite(part: Path, table: pa.Table) -> None:
    """Replace ``part`` with ``table``, atomically and durably (owner-only), in its own folder."""
    replace_file(part, table)
    fsync_path(part.parent)


def _inbox_past(cutoff: datetime, now: datetime) -> dict:
    """The files under ``inbox/`` (every kind's folder, and any other: a social export dropped under another
    kind; hidden ones too: a partial upload) last changed before ``cutoff``: they may hold the text of posts the
    job erased from the lake, and the job leaves them (the partner's originals): counted, the oldest's age in
    days, and a warning for the operator naming how many of each kind (the first folder under ``inbox/``)."""
    folder = paths().inbox
    stamps = [((Path(root).relative_to(folder).parts or ("(inbox root)",))[0], st.st_mtime)
              for root, _, names in os.walk(folder)  # links not followed (the ingest refuses them)
              for st in (os.lstat(os.path.join(root, n)) for n in names) if stat.S_ISREG(st.st_mode)]
    old = [(kind, t) for kind, t in stamps if t < cutoff.timestamp()]
    if not old:
        return {"inbox_files_past_retention": 0, "inbox_oldest_days": 0, "warnings": []}
    oldest = int((now.timestamp() - min(t for _, t in old)) // 86400)
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(Counter(k for k, _ in old).items()))
    return {"inbox_files_past_retention": len(old), "inbox_oldest_days": oldest, "warnings": [
        f"{len(old)} files in {folder} ({by_kind}) are older than the retention period (the oldest {oldest} days): "
        "they may keep the full text of the posts this job erases; remove them once ingested "
        "(docs/operations.md#retention)"]}


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
