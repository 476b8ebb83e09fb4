"""Which keys a lake table already holds, remembered between the files one process ingests.

Ingest drops a file's rows whose key is already in the lake. Asking the lake's Parquet parts each time reads every
key of the table once per file: on the large world (10M posts, 289 files) that was half of ingest. The index reads
each part's keys once, as 128-bit MD5 numbers of the key (DuckDB ``md5_number``, 16 bytes a row), and later asks
only the parts that are new since. A part that changed or vanished (a re-ingested file's part merged, a part
removed) makes it read every part again, so the answer is always the lake's as it is on disk.

The index is per process and per table folder (another ``SCN_HOME`` is another index; the least recently used of
more than ``KEEP`` is closed), never shared with a forked child; callers hold the lake's writer lock, as for any
read-the-lake-then-write step.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scn.hashing import tree_stamp
from scn.lake.io import table_dir

KEEP = 4  # indexes kept open per process (tables x homes); a test session opens many homes
_LOCK = threading.Lock()
_INDEXES: OrderedDict[tuple[int, str, tuple[str, ...]], _KeyIndex] = OrderedDict()


def digest_sql(keys: list[str], alias: str) -> str:
    """The 128-bit digest of a row's key columns, NULL when any of them is NULL (a NULL key matches nothing, as
    in SQL). Several columns are joined with their lengths, so ("ab", "c") and ("a", "bc") differ."""
    cols = [f'{alias}."{k}"::varchar' for k in keys]
    joined = cols[0] if len(cols) == 1 else " || ".join(f"length({c})::varchar || ':' || {c}" for c in cols)
    return f"md5_number({joined})"


class _KeyIndex:
    """The digests of one table's keys, with the stamps of the parts they were read from."""

    def __init__(self, folder: Path, keys: list[str]) -> None:
        self.folder, self.keys = folder, keys
        self.con = duckdb.connect()
        self.stamps: dict[str, list[int]] = {}  # part name -> its file stamp (scn.hashing.tree_stamp)
        self.con.execute("create table seen (d uhugeint)")

    def _refresh(self) -> None:
        now = {name: stamp for name, *stamp in tree_stamp(self.folder, "part-*.parquet")}
        if any(now.get(p) != s for p, s in self.stamps.items()):  # a part changed or vanished: read them all
            self.con.execute("delete from seen")
            self.stamps = {}
        new = [str(self.folder / p) for p in now if p not in self.stamps]
        if new:
            self.con.execute(f"insert into seen select {digest_sql(self.keys, 'l')} from read_parquet(?, "
                             f"union_by_name=true) l", [new])
        self.stamps = now

    def contains(self, frame: pd.DataFrame) -> np.ndarray:
        """True where the row's key is in the table."""
        self._refresh()
        probe = frame[self.keys].astype("string").assign(_i=np.arange(len(frame)))
        self.con.register("probe", probe)
        try:
            hit = self.con.execute(f"select _i from probe p where {digest_sql(self.keys, 'p')} in "
                                   "(select d from seen)").fetchnumpy()["_i"]
        finally:
            self.con.unregister("probe")
        out = np.zeros(len(frame), dtype=bool)
        out[hit.astype(np.int64)] = True
        return out


def in_lake(table: str, keys: list[str], frame: pd.DataFrame) -> np.ndarray:
    """True where ``frame``'s key (the columns ``keys``) is already in lake table ``table``."""
    folder = table_dir(table)
    name = (os.getpid(), str(folder), tuple(keys))  # a forked child builds its own: a DuckDB handle is not fork-safe
    with _LOCK:
        index = _INDEXES.get(name)
        if index is None:
            index = _INDEXES[name] = _KeyIndex(folder, keys)
            while len(_INDEXES) > KEEP:
                (pid, _, _), old = _INDEXES.popitem(last=False)
                if pid == os.getpid():
                    old.con.close()
        _INDEXES.move_to_end(name)
        return index.contains(frame)
