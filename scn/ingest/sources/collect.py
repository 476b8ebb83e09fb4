"""``collect(source, city_id)``: fetch what is new from a source and load it exactly as file ingest loads a file.

For every page a connector yields, in this order: archive the raw response by content hash (the archive of file
ingest: ``archive/<sha[:2]>/<sha>/<source>-<sha[:16]>.<ext>``), parse its rows with the family's parser (the same
validation, quarantine, pseudonymisation and natural keys as a file), deduplicate against the lake and write under
the lake's writer lock (``pipeline.load``: parts, quarantine, ingest log), and only then save the cursor. A kill
between any two steps loses nothing (the cursor still points before the page) and duplicates nothing (the page is
fetched again and its rows are duplicates by key).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scn import lake
from scn.ingest.result import IngestError
from scn.ingest.sources import cursor as cursors
from scn.ingest.sources.base import AuthError, ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig, source_config
from scn.ingest.sources.http import BudgetExhausted, PoliteClient
from scn.ingest.sources.registry import connector
from scn.settings import paths

log = logging.getLogger(__name__)
EXTENSIONS = {"json": ".json", "x-ndjson": ".jsonl", "xml": ".xml", "rss": ".xml", "atom": ".xml", "html": ".html",
              "csv": ".csv"}


@dataclass
class CollectResult:
    """Counts of one collection (``--json``). ``fetched`` = rows the source returned this run =
    ``accepted + quarantined + duplicates``; ``skipped`` = items that are not rows (deleted, not public)."""

    source: str
    city_id: str
    fetched: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    requests: int = 0
    cursor: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)
    pages: int = 0
    skipped: int = 0
    rate_limit_waits: int = 0
    waited_seconds: float = 0.0
    retries: int = 0
    answered: bool = False
    redacted: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[CollectResult], None] | None


def _extension(content_type: str) -> str:
    sub = content_type.split(";")[0].strip().lower().rsplit("/", 1)[-1].rsplit("+", 1)[-1]
    return EXTENSIONS.get(sub, ".bin")


def archive_bytes(raw: bytes, name: str) -> tuple[str, Path]:
    """Store ``raw`` once under its sha256, as file ingest stores a file (0400 in 0700 folders)."""
    sha = hashlib.sha256(raw).hexdigest()
    root = lake.private_dir(paths().archive)
    dest = root / sha[:2] / sha / name
    if not dest.exists():
        folder = lake.private_dir(lake.private_dir(root / sha[:2]) / sha)
        tmp = root / f".tmp-{os.getpid()}-{uuid.uuid4().hex}"  # the pid: retention sweeps a killed copy's
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.chmod(0o400)
            os.replace(tmp, folder / name)
        finally:
            tmp.unlink(missing_ok=True)
    return sha, dest


def _rows_file(rows: Any, folder: Path) -> tuple[Path | None, int]:
    """The page's canonical rows as a JSON Lines file the family's parser reads (private; deleted after)."""
    import pandas as pd

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if frame.empty:
        return None, 0
    path = folder / f"rows-{uuid.uuid4().hex}.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(frame.to_json(orient="records", lines=True, force_ascii=False, date_format="iso"))
    return path, len(frame)


def ingest_page(source: str, kind: str, city_id: str, page: Page, scratch: Path):
    """Archive one page and load its rows through file ingest's parser and writer; the IngestResult.

    ``page.rows`` None: the raw response is itself a file the family's parser reads (X API v2 JSON)."""
    from scn.ingest.model import Source
    from scn.ingest.parsers import PARSERS
    from scn.ingest.pipeline import conclude, write_log
    from scn.ingest.result import IngestResult
    from scn.privacy.pseudonyms import PseudonymKeyError

    stem = Path(page.name).stem if page.name else f"{source}-{hashlib.sha256(page.raw).hexdigest()[:16]}"
    sha, archived = archive_bytes(page.raw, stem + _extension(page.content_type))
    display = Path("collect") / source / (stem + (archived.suffix if page.rows is None else ".json"))
    src = Source(display, archived, kind, city_id, sha)
    rows_file = None
    if page.rows is not None:
        rows_file, _ = _rows_file(page.rows, scratch)
        if rows_file is None:  # nothing new in this page: logged with zero counts, like a header-only file
            result = IngestResult(src.display, kind, city_id, 0, 0, 0, 0, str(archived), [], sha)
            with lake.writer_lock():
                write_log(src, result)
            return result
    try:  # a page the family's parser refuses fails alone, as a file does: recorded, its raw answer archived
        parsed = PARSERS[kind](src if rows_file is None else Source(display, rows_file, kind, city_id, sha))
    except PseudonymKeyError:
        raise
    except Exception as exc:  # noqa: BLE001 - IngestError or unforeseen: conclude records either
        parsed = exc
    finally:
        if rows_file is not None:
            rows_file.unlink(missing_ok=True)  # it holds raw handles: gone before the (long) write to the lake
    return conclude(src, parsed)


def _check(source: str, kind: str, city_id: str) -> None:
    from scn.ingest.cities_known import known_cities
    from scn.ingest.pipeline import SLUG
    from scn.privacy.pseudonyms import PseudonymKeyError, pseudonym_key

    if not SLUG.match(city_id) or city_id not in set(known_cities()["city_id"]):
        raise ConfigError(source, f"unknown city '{city_id}' (not in the cities registry)")
    from scn.ingest.cities_known import former_members

    if city_id in former_members():  # the mandate is the network's members: scheduled runs skip it too
        raise ConfigError(source, f"'{city_id}' left the network (its registry left_year): not collected; a "
                                  "registry row with a blank left_year makes it a member again")
    if kind == "social":
        try:
            pseudonym_key()
        except PseudonymKeyError as exc:
            raise ConfigError(source, f"cannot pseudonymise: {exc}") from exc


def collect(source: str, city_id: str, *, since: datetime | None = None, instance: str | None = None,
            tags: list[str] | None = None, config: SourceConfig | None = None, config_path: Path | None = None,
            sleep: Callable[[float], None] | None = None, progress: Progress = None,
            client: PoliteClient | None = None) -> CollectResult:
    """Collect what is new from ``source`` for ``city_id`` (docs/collection.md).

    Raises ``AuthError`` (401/403) and ``ConfigError`` (unusable configuration, unknown city, unusable pseudonym
    key) before or without moving the cursor; any other ``SourceError`` ends the run with the pages so far
    committed and the message in ``errors`` (``answered`` says whether the source answered at all).
    """
    conn = connector(source)
    cfg = config or source_config(source, city_id, config_path, instance=instance, tags=tags, since=since)
    if not cfg.enabled:
        raise ConfigError(source, f"disabled for {city_id} in the sources file")
    _check(source, conn.kind, city_id)
    http = client or PoliteClient(source, budget=cfg.max_requests, **({"sleep": sleep} if sleep else {}))
    try:
        saved = cursors.load(source, city_id)
        damaged = None
    except cursors.CursorDamaged as exc:  # this city only: set aside, walked afresh, said in the result
        saved, damaged = None, f"{source}/{city_id}: {exc}"
    result = CollectResult(source, city_id, cursor=saved)
    if damaged:
        result.errors.append(damaged)
    from scn.ops.retention import sweep_scratch

    sweep_scratch()
    scratch = lake.private_dir(paths().home / "collect" / f".scratch-{os.getpid()}-{uuid.uuid4().hex}")
    try:
        for page in conn.pages(http, cfg, result.cursor):
            try:
                res = ingest_page(source, conn.kind, city_id, page, scratch)
            except IngestError as exc:  # recorded with its archived answer; the walk goes on past it
                result.errors.append(f"{source}: {exc}")
                res = None
            cursors.save(source, city_id, page.cursor)
            result.cursor = page.cursor
            result.pages += 1
            result.skipped += page.skipped
            if res is not None:
                result.fetched += res.rows_read
                result.accepted += res.accepted
                result.quarantined += res.quarantined
                result.duplicates += res.duplicates
            _count(result, http)
            if progress:
                progress(result)
    except BudgetExhausted as exc:
        result.errors.append(str(exc))
    except (AuthError, ConfigError):
        raise
    except SourceError as exc:
        result.errors.append(str(exc))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        _count(result, http)
        if client is None:
            http.close()
    result.answered = result.answered or result.pages > 0
    if cfg.retention_days and conn.kind == "social":
        result.redacted = redact_collected(source, city_id, cfg.retention_days)
    return result


def _count(result: CollectResult, http: PoliteClient) -> None:
    c = http.counters
    result.requests, result.rate_limit_waits = c.requests, c.rate_limit_waits
    result.waited_seconds, result.retries = round(c.waited_seconds, 3), c.retries
    result.answered = result.answered or c.answered


def redact_collected(source: str, city_id: str, days: int, now: datetime | None = None) -> int:
    """Per-source retention: erase the text, pseudonym and url of the posts this source collected for this city
    (the lake parts named by its pages' hashes, per the ingest log) created more than ``days`` days ago; the parts
    are rewritten atomically under the writer lock. Returns the posts redacted."""
    from datetime import UTC, timedelta

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from scn.ops.retention import REDACTED_FIELDS

    if not (lake.has_table("posts") and lake.has_table("ingest_log")):
        return 0
    logged = lake.read_table("ingest_log", columns=["file", "sha256", "city_id"])
    mine = logged[logged["file"].str.startswith(f"collect/{source}/") & logged["city_id"].eq(city_id)]
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    redacted = 0
    with lake.writer_lock():
        for sha in sorted(set(mine["sha256"].str.slice(0, 16))):
            part = lake.table_dir("posts") / f"part-{sha}.parquet"
            if not part.exists():
                continue
            table = pq.read_table(part)
            old = pc.and_(pc.less(table["created_at"], pa.scalar(cutoff, type=table.schema.field("created_at").type)),
                          pc.or_(pc.is_valid(table["text"]), pc.is_valid(table["author_pseudo"])))
            old = pc.fill_null(pc.and_(old, pc.equal(table["city_id"], city_id)), False)
            n = pc.sum(pc.cast(old, pa.int64())).as_py() or 0
            if not n:
                continue
            for name in REDACTED_FIELDS:
                idx = table.schema.get_field_index(name)
                table = table.set_column(idx, name, pc.if_else(old, pa.scalar(None, type=table.schema.field(name).type),
                                                               table[name]))
            lake.write_part("posts", table, sha)
            redacted += int(n)
    return redacted
