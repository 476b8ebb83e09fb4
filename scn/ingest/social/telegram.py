"""Telegram Desktop JSON exports (``result.json``): one chat with its ``messages``.

Only ``type == "message"`` entries with text are posts; service entries and media-only messages are skipped and
not counted. ``text`` may be a string or a list of strings and entity objects (``{"type", "text"}``); a mention
of a user without a username (``mention_name``: their display name and user id) becomes ``@user``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.ingest.model import Parsed, Source
from scn.ingest.readers import ROW, check_records
from scn.ingest.result import IngestError
from scn.ingest.social.posts import finish_posts


def is_export(doc: object) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("messages"), list)


def flatten_text(text: pd.Series) -> pd.Series:
    """Strings stay; lists of strings and entity dicts are joined in order."""
    pieces = text.explode().astype(object)  # objects: strings only (a quiet channel) would be arrow strings
    pieces = pieces.where(~pieces.str.get("type").isin(("mention_name", "text_mention")), "@user")
    from_dicts = pieces.str.get("text")
    plain = from_dicts.isna() & pieces.map(type).eq(str)
    joined = from_dicts.where(~plain, pieces).fillna("").astype(str)
    return joined.groupby(level=0).agg("".join).reindex(text.index).fillna("")


def parse(src: Source, doc: dict) -> Parsed:

    check_records(src.archived, doc["messages"])
    msgs = pd.DataFrame(doc["messages"])
    msgs[ROW] = np.arange(1, len(msgs) + 1)
    if "id" not in msgs or "text" not in msgs:
        raise IngestError(f"{src.name}: Telegram export without message ids or texts")
    if "type" in msgs:
        msgs = msgs[msgs["type"].eq("message")]
    msgs = msgs.assign(text=flatten_text(msgs["text"]))
    msgs = msgs[msgs["text"].str.strip() != ""]
    when = msgs.get("date_unixtime", pd.Series(pd.NA, index=msgs.index)).astype("string")
    when = when.fillna(msgs.get("date", pd.Series(pd.NA, index=msgs.index)).astype("string"))  # local time -> UTC
    chat = str(doc.get("id", "chat"))
    raw = pd.DataFrame({
        "post_id": chat + "/" + msgs["id"].astype("string"), "created_at": when, "text": msgs["text"],
        "lang": pd.NA, "lat": pd.NA, "lon": pd.NA, "place": pd.NA,
        "author": msgs["from_id"] if "from_id" in msgs else pd.NA, "platform": "telegram", "url": pd.NA,
    }, index=msgs.index).astype("string")
    raw[ROW] = msgs[ROW].to_numpy()
    return finish_posts(src, raw, "telegram")
