"""Which kind of social file this is (X API v2 JSON, Telegram Desktop export, a list of post objects, or a
generic CSV/JSONL/XLSX table) and its parse."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from scn.ingest import readers
from scn.ingest.model import Parsed, Source, read_table
from scn.ingest.readers import ROW
from scn.ingest.result import IngestError
from scn.ingest.social import research_exports, telegram, twitter
from scn.ingest.social.posts import REQUIRED, SYNONYMS, finish_posts, platform_hint


def parse(src: Source) -> Parsed:
    """Dispatch on the file: X API v2 JSON, Telegram Desktop JSON, or a generic table (CSV/JSONL/XLSX)."""
    path = src.archived
    if path.suffix.lower() == ".json":
        doc = readers.read_json_document(path)
        if telegram.is_export(doc):
            return telegram.parse(src, doc)
        if twitter.is_response(doc):
            return twitter.parse(src, doc)
        if isinstance(doc, list) and all(isinstance(d, dict) for d in doc[:100]):
            return _generic(src, _objects(src, doc))
        raise IngestError(f"{src.name}: unknown JSON layout (expected X API v2 `data`, a Telegram export "
                          "with `messages`, or a list of post objects)")
    table = read_table(src)
    fmt = research_exports.detect(list(table.frame.columns))
    if fmt is not None:  # 4CAT, Zeeschuimer, CrowdTangle, Meta Content Library
        return research_exports.parse(src, table, fmt)
    return _generic(src, table)


def _objects(src: Source, doc: list) -> readers.Table:
    """A JSON array of post objects; an element that is not an object is a bad row."""
    rows = np.arange(1, len(doc) + 1)
    is_obj = np.fromiter((isinstance(d, dict) for d in doc), dtype=bool, count=len(doc))
    objs = [d for d, ok in zip(doc, is_obj, strict=True) if ok]
    readers.check_records(src.archived, objs)
    keys = list(dict.fromkeys(k for d in objs for k in d))
    names = readers.check_columns(src.archived, keys)
    raw = pd.DataFrame([[d.get(k) for k in keys] for d in objs], columns=names, dtype=object)
    raw = raw.apply(lambda c: c.map(_text, na_action="ignore")).astype("string") if len(raw) else \
        pd.DataFrame({n: pd.Series(dtype="string") for n in names})
    raw[ROW] = rows[is_obj]
    bad = [(int(r), "not a JSON object", json.dumps(d, ensure_ascii=False)[:2000])
           for r, d, ok in zip(rows, doc, is_obj, strict=True) if not ok]
    return readers.repeated_header(readers.Table(raw, pd.DataFrame(bad, columns=[ROW, "reason", "raw"])), keys)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _generic(src: Source, table: readers.Table) -> Parsed:
    raw, origin = readers.canonical_columns(table.frame, SYNONYMS, src.path)
    readers.require(src.path, origin, REQUIRED, SYNONYMS)
    return finish_posts(src, raw, "unknown", table.bad_rows, origin, hint=platform_hint(src.name))
