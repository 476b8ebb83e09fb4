"""Pseudonyms stored under an older rule of ``programme.person_handle``, re-keyed to the rule in force.

Since 2026-12-07 a participant id is read without the characters nobody sees (Unicode's Cf: a zero-width space, a
byte order mark, a bidi mark). A home that ingested such an id before holds it under the old rule's pseudonym, and
the same id ingested after under the new one: one person counted as two, and a summits or exchanges file sent
again stored its delegates twice (their ``record_id`` is the event id and the pseudonym). The lake holds no raw id
to key again, but every part names the archived original it came from (``part-<sha16>``): its cells beyond ASCII
are the only ids the two rules read apart, and an old pseudonym found in the part is replaced by the new one (in
``record_id`` too). Run once per home (a marker under ``state/rekeyed``), by the ingest of a programme file, under
the lake's writer lock; a part without its archived original keeps its pseudonyms (said in the log)."""

from __future__ import annotations

import logging
import unicodedata

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scn import lake
from scn.ingest import readers
from scn.ingest.parse import as_text
from scn.ingest.programme import person_handle
from scn.ingest.result import IngestError
from scn.lake.io import archived_sources, fsync_path, replace_file
from scn.privacy.pseudonyms import pseudonymise
from scn.settings import paths

log = logging.getLogger(__name__)
TABLE = "programme_participants"
RULE = "person-handle-format-characters-2026-12-07"  # the marker's name: one re-key per rule change


def handle_before(s: pd.Series) -> pd.Series:
    """``person_handle`` before 2026-12-07: format characters kept (``jane<zero-width space>@x.org`` was not
    ``jane@x.org``)."""
    def one(v: str) -> str:
        bare = "".join(c for c in unicodedata.normalize("NFKD", v) if not unicodedata.combining(c))
        return " ".join(unicodedata.normalize("NFC", bare).casefold().split())
    text = as_text(s)
    return text.map({v: one(v) for v in text.dropna().unique()}).astype("string")


def _renames(values: pd.Series) -> dict[str, str]:
    """Old pseudonym -> new one for the values the two rules read apart."""
    old = pseudonymise("programme", handle_before(values))
    new = pseudonymise("programme", person_handle(values))
    differ = old.ne(new).fillna(False).astype(bool)
    return dict(zip(old[differ].astype(str), new[differ].astype(str), strict=True))


def _source_values(part_name: str) -> pd.Series | None:
    """The distinct cells beyond ASCII of the archived original of a part, None when it is not archived."""
    sources = archived_sources(part_name)
    if not sources:
        return None
    try:
        frame = readers.read_tabular(sources[0]).frame
    except (IngestError, OSError) as exc:  # an original that cannot be read: its part keeps its pseudonyms
        log.warning("%s: its original %s cannot be read (%s): its participants keep their pseudonyms", part_name,
                    sources[0], exc)
        return pd.Series([], dtype="string")
    cells = pd.Series(pd.unique(frame.astype("string").to_numpy().ravel()), dtype="string").dropna()
    return cells[cells.str.contains(r"[^\x00-\x7f]", regex=True)]


def _rekey(table: pa.Table, renames: dict[str, str]) -> tuple[pa.Table, int]:
    """The part's rows with old pseudonyms replaced (``record_id`` = ``<activity id>:<pseudonym>`` too)."""
    frame = table.to_pandas()
    old = frame["person_pseudo"].astype("string")
    hit = old.isin(set(renames)).fillna(False).astype(bool)
    if not hit.any():
        return table, 0
    new = old.where(~hit, old.map(renames))
    derived = frame["record_id"].astype("string").eq(frame["activity_id"].astype("string") + ":" + old)
    derived = derived.fillna(False).astype(bool) & hit
    frame["record_id"] = frame["record_id"].where(~derived, frame["activity_id"].astype("string") + ":" + new)
    frame["person_pseudo"] = new
    return pa.Table.from_pandas(frame, schema=table.schema, preserve_index=False), int(hit.sum())


def rekey_people() -> int:
    """Re-key the pseudonyms the home stored under the rule before (once per home); rows re-keyed."""
    marker = paths().home / "state" / "rekeyed" / RULE
    if marker.exists():
        return 0
    changed = 0
    if lake.has_table(TABLE):
        folder = lake.table_dir(TABLE)
        for part in sorted(folder.glob("part-*.parquet")):
            values = _source_values(part.name)
            if values is None:
                log.warning("%s: no archived original: its participants keep the pseudonyms they had", part.name)
                continue
            renames = _renames(values) if len(values) else {}
            if renames:
                table, n = _rekey(pq.read_table(part), renames)
                if n:
                    replace_file(part, table)
                    changed += n
        if changed:
            fsync_path(folder)
    marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker.write_text(f"{changed} rows re-keyed\n", encoding="utf-8")
    return changed
