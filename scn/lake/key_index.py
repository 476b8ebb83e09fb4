"""Which keys a lake table already holds, remembered between the files one process ingests.

Ingest drops a file's rows whose key is already in the lake. Asking the lake's Parquet parts each time reads every
key of the table once per file: on the large world (10M posts, 289 files) that was half of ingest. The index reads
each part's keys once, as 128-bit MD5 numbers of the key (DuckDB ``md5_number``, 16 bytes a row, held in a
``DigestSet`` of sorted NumPy runs), and later reads only the parts that are new since; a part ingest writes itself
is not even read (``written``: its keys are those it just asked about). A process's first ask is answered by one
join of the frame's keys with the parts' instead (0.35 s against 2.35 s to build the set, on the large world's
9.9M posts): a run that ingests one file never builds the set; one that ingests more builds it at its second
ask. A part that changed or vanished (a part removed, or rewritten behind the index's back) makes it read every
part again, so the answer is always the lake's as it is on disk.

The index is per process and per table folder (another ``SCN_HOME`` is another index; the least recently used of
more than ``KEEP`` is dropped), never shared with a forked child; callers hold the lake's writer lock, as for any
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

from scn.hashing import stat_stamp
from scn.lake.digest_set import DigestSet
from scn.lake.io import checked_parts, set_aside_unparsable, table_dir
from scn.scratch import literal_path, scratch

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
    """The digests of one table's keys (a DigestSet), with the stamps of the parts they were read from."""

    def __init__(self, folder: Path, keys: list[str]) -> None:
        self.folder, self.keys = folder, keys
        self.stamps: dict[str, list[int]] = {}  # part name -> its file stamp (``_part_stamps``)
        self.seen = DigestSet()
        self.asked: tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray] | None = None  # the last frame asked
        self.joined = False  # the first ask was answered by a join (``_joined``); later asks build the set

    def _refresh(self) -> None:
        now = _part_stamps(self.folder)
        if any(now.get(p) != s for p, s in self.stamps.items()):  # a part changed or vanished: read them all
            self.seen, self.stamps = DigestSet(), {}
        new = [literal_path(self.folder / p) for p in now if p not in self.stamps]
        if new:
            try:
                got = self._digests(new)
            except duckdb.Error:
                if not set_aside_unparsable(self.folder):  # a footer damaged in place: set aside, read the rest
                    raise
                self.seen, self.stamps = DigestSet(), {}
                self._refresh()
                return
            self.seen.add(got["hi"], got["lo"])
        self.stamps = now

    def _digests(self, parts: list[str]) -> dict[str, np.ndarray]:
        with scratch() as con:
            return con.execute(f"select {_halves('d')} from (select {digest_sql(self.keys, 'l')} as d from "
                               "read_parquet(?, union_by_name=true) l) where d is not null order by hi",
                               [parts]).fetchnumpy()  # sorted by DuckDB's parallel sort: the set need not

    def contains(self, frame: pd.DataFrame) -> np.ndarray:
        """True where the row's key is in the table (a NULL key part: never)."""
        if not self.joined:
            self.joined = True
            return self._joined(frame)
        self._refresh()
        probe = self._probe(frame)
        with scratch() as con:
            con.register("probe", probe)
            got = con.execute(f"select _i, {_halves('d')} from (select _i, {digest_sql(self.keys, 'p')} as d "
                              "from probe p) where d is not null").fetchnumpy()
        at = got["_i"].astype(np.int64)
        out = np.zeros(len(frame), dtype=bool)
        out[at] = self.seen.contains(got["hi"], got["lo"])
        self.asked = (frame, at, got["hi"], got["lo"])
        return out

    def _probe(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame's key columns as text, with each row's position (``_i``)."""
        return frame[self.keys].astype("string").assign(_i=np.arange(len(frame)))

    def _joined(self, frame: pd.DataFrame) -> np.ndarray:
        """``contains`` by one join of the frame's keys with every part's, as text (equal where their digests are;
        a NULL key part matches nothing), without reading the keys into the set."""
        out = np.zeros(len(frame), dtype=bool)
        parts = [literal_path(self.folder / p) for p in sorted(_part_stamps(self.folder))]
        if not parts or not len(frame):
            return out
        probe = self._probe(frame)
        on = " and ".join(f'l."{k}"::varchar = p."{k}"' for k in self.keys)
        try:
            with scratch() as con:
                con.register("probe", probe)
                got = con.execute(f"select distinct p._i from probe p join read_parquet(?, union_by_name=true) l "
                                  f"on {on}", [parts]).fetchnumpy()
        except duckdb.Error:
            if not set_aside_unparsable(self.folder):  # a footer damaged in place: set aside, ask the rest
                raise
            return self._joined(frame)
        out[got["_i"].astype(np.int64)] = True
        return out

    def written(self, asked: pd.DataFrame, rows: np.ndarray, part: Path) -> None:
        """Rows ``rows`` (positions) of ``asked``, the frame last asked about, are now in ``part``, with nothing
        else new: add their digests and the part's stamp, so the part is not read back."""
        if self.asked is None or self.asked[0] is not asked:
            self.asked = None
            return  # not the frame last asked about: the part will be read
        _, at, hi, lo = self.asked
        self.asked = None
        keep = np.isin(at, rows)
        self.seen.add(hi[keep], lo[keep])
        self.stamps[part.name] = stat_stamp(part.stat())


def _part_stamps(folder: Path) -> dict[str, list[int]]:
    """Part name -> ``scn.hashing.stat_stamp`` of the table's parts: one directory scan and one stat a part (this
    runs once per ingested file, over every part). An unreadable part is set aside first (``checked_parts``): its
    keys are not in the lake (the index reads every part again, as for any part that vanished), so a file ingested
    again to replace it is taken, not dropped as duplicates."""
    checked_parts(folder)
    stamps: dict[str, list[int]] = {}
    try:
        with os.scandir(folder) as entries:
            for e in entries:
                if e.name.startswith("part-") and e.name.endswith(".parquet") and e.is_file():
                    stamps[e.name] = stat_stamp(e.stat())
    except FileNotFoundError:
        pass
    return stamps


def _halves(d: str) -> str:
    """A 128-bit digest as its high and low 64 bits."""
    return f"({d} >> 64)::ubigint as hi, ({d} & 18446744073709551615::uhugeint)::ubigint as lo"


def in_lake(table: str, keys: list[str], frame: pd.DataFrame) -> np.ndarray:
    """True where ``frame``'s key (the columns ``keys``) is already in lake table ``table``."""
    with _LOCK:
        return _index(table, keys).contains(frame)


def written(table: str, keys: list[str], asked: pd.DataFrame, rows: np.ndarray, part: Path) -> None:
    """After ``in_lake`` on the frame ``asked``, its rows at positions ``rows`` were written as ``part``
    (a new part, or one merged with the rows it held): the index takes their keys from what it was asked, instead
    of reading the part back. Callers hold the writer lock from ``in_lake`` to here."""
    with _LOCK:
        _index(table, keys).written(asked, rows, part)


def _index(table: str, keys: list[str]) -> _KeyIndex:
    """This process's index of the table's keys (built on first use; the least recently used beyond KEEP dropped)."""
    folder = table_dir(table)
    name = (os.getpid(), str(folder), tuple(keys))  # a forked child builds its own
    index = _INDEXES.get(name)
    if index is None:
        index = _INDEXES[name] = _KeyIndex(folder, keys)
        while len(_INDEXES) > KEEP:
            _INDEXES.popitem(last=False)
    _INDEXES.move_to_end(name)
    return index
