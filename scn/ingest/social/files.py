"""Which kind of social file this is (X API v2 JSON, Telegram Desktop export, a list of post objects, or a
generic CSV/JSONL/XLSX table) and its parse."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.ingest import readers
from scn.ingest.model import Parsed, Source
from scn.ingest.readers import ROW
from scn.ingest.result import IngestError
from scn.ingest.social import telegram, twitter
from scn.ingest.social.posts import REQUIRED, SYNONYMS, finish_posts


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
            raw = pd.DataFrame(doc).astype("string")
            raw[ROW] = np.arange(1, len(raw) + 1)
            return _generic(src, readers.Table(raw))
        raise IngestError(f"{src.name}: unknown JSON layout (expected X API v2 `data`, a Telegram export "
                          "with `messages`, or a list of post objects)")
    return _generic(src, readers.read_tabular(path, src.progress))


def _generic(src: Source, table: readers.Table) -> Parsed:
    raw, origin = readers.canonical_columns(table.frame, SYNONYMS)
    readers.require(src.path, origin, REQUIRED, SYNONYMS)
    return finish_posts(src, raw, "unknown", table.bad_rows, origin)
