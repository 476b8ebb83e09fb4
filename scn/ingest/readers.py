"""Turn a user's file into a frame of strings: encodings, BOMs, CSV dialects, JSON Lines, XLSX.

Every reader returns all values as strings (``None`` for empty cells) with a 1-based ``source_row``; typing and
validation happen later, per family. Problems that make a whole file unusable raise ``IngestError``.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, compress
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from scn.ingest.result import IngestError, printable
from scn.scratch import scratch
from scn.settings import settings

Progress = Callable[[int], None] | None
BLOCK_BYTES = 1 << 22
SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
LEGACY_ENCODINGS = ["cp1252", "cp1256", "cp1251"]  # Western European, Arabic, Cyrillic Windows code pages
BINARY_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"BZh",
                b"\xd0\xcf\x11\xe0", b"SQLite format")
ROW = "source_row"
MAX_COLUMNS = 10_000  # more columns than this is not a table we can use
MAX_NAME_CHARS = 1_000  # longest column name (a header that is really a data line, or an attack)
SAFE_JSON_KEY = re.compile(r"[\w\- /.:@#]+")  # keys DuckDB's JSON path reads as written; others go through a MAP
XLSX_MAX_ROWS, XLSX_MAX_COLUMNS = 1_048_576, 16_384  # the limits of the XLSX format (Excel)
XLSX_RATIO_FLOOR = 1 << 20  # parts smaller than this are not judged by their compression ratio
XLSX_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
XLSX_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
XLSX_CELL = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")
XLSX_XML_PARTS = (".xml", ".rels", ".vml")  # the parts openpyxl (expat, lxml) parses as XML
# a document type or an entity declaration, in any encoding an XML parser reads without being told (an XLSX part
# never has one: entity expansion, a billion laughs, or an external entity naming a file on the machine)
XLSX_DOCTYPE = re.compile(b"|".join(re.escape(word.encode(enc)) for word in ("<!DOCTYPE", "<!ENTITY")
                                    for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")))
JSON_MAX_DEPTH = 64  # nesting of a whole JSON document (an X response: 6, a Telegram export: 4)
JSON_MAX_CONTAINERS = 10_000_000  # objects and arrays in one document (a dict is some 64 bytes in memory)
JSON_STEP = np.zeros(256, dtype=np.int8)
JSON_STEP[[ord("["), ord("{")]], JSON_STEP[[ord("]"), ord("}")]] = 1, -1


def max_line_bytes() -> int:
    """Longest line accepted in a line-oriented file (``SCN_INGEST_MAX_LINE_BYTES``, default 64 MiB)."""
    return settings().ingest_max_line_bytes


@dataclass
class Table:
    """Strings read from a file: ``frame`` (with ``source_row``), rows that could not be parsed at all."""

    frame: pd.DataFrame
    bad_rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[ROW, "reason", "raw"]))
    encoding: str = "utf-8"
    sheet: str | None = None  # the workbook sheet read (XLSX)


def fail(path: Path, problem: str) -> IngestError:
    return IngestError(f"{printable(path.name)}: {problem}")


def _shown(name: str, limit: int = 60) -> str:
    name = printable(name)
    return name if len(name) <= limit else name[:limit] + "…"


def check_columns(path: Path, names: Iterable[object]) -> list[str]:
    """The column names of a file, checked before any frame is built from them: at most ``MAX_COLUMNS``, each at
    most ``MAX_NAME_CHARS`` long, none named ``source_row`` (the row number), no name twice (compared stripped).
    A blank name becomes ``_blank<N>`` (N: its position), which no family reads."""
    names = ["" if n is None else str(n) for n in names]
    if len(names) > MAX_COLUMNS:
        raise fail(path, f"{len(names)} columns (the limit is {MAX_COLUMNS})")
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names, 1):
        if len(name) > MAX_NAME_CHARS:
            raise fail(path, f"column {i} has a name of {len(name)} characters (the limit is {MAX_NAME_CHARS}; "
                             "is the first line a header?)")
        key = name.strip().lstrip("\ufeff").strip()
        if not key:
            out.append(f"_blank{i}")
            continue
        if key == ROW:
            raise fail(path, f"column {i} is named '{ROW}', a name reserved for the row number: rename it")
        if key in seen:
            raise fail(path, f"duplicate column '{_shown(key)}' (columns {seen[key]} and {i}): rename one")
        seen[key] = i
        out.append(name)
    return out


def head(path: Path, n: int = SAMPLE_BYTES) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def check_table_size(path: Path) -> None:
    """IngestError naming the file unless it is at most ``SCN_INGEST_TABLE_MAX_BYTES``: a CSV or JSON Lines file
    becomes one frame in memory (its rows, as strings, take several times its bytes). Checked before it is read."""
    size, limit = path.stat().st_size, settings().ingest_table_max_bytes
    if size > limit:
        raise fail(path, f"a table of {size:,} bytes (the limit is {limit:,}, SCN_INGEST_TABLE_MAX_BYTES): send it "
                         "in parts (by month, by area)")


class TextBudget:
    """The characters of a workbook's cells read so far, held to ``SCN_INGEST_TABLE_MAX_BYTES`` as a CSV's bytes
    are: an XLSX cell may name a shared string (kept once in ``sharedStrings.xml``) instead of holding its text,
    so a workbook of a few kB whose rows all name one long string passes every size, ratio and cell limit and
    still becomes a frame of gigabytes. Counted while the rows are read, before the frame is built."""

    def __init__(self, path: Path) -> None:
        self.path, self.used, self.limit = path, 0, settings().ingest_table_max_bytes

    def take(self, texts: list[str | None]) -> list[str | None]:
        """Count one row's texts (returned); IngestError naming the file and the limit once they pass it."""
        self.used += sum(len(t) for t in texts if t is not None)
        if self.used > self.limit:
            raise fail(self.path, f"the workbook's cells hold more than {self.limit:,} characters of text (the limit "
                                  f"is {self.limit:,}, SCN_INGEST_TABLE_MAX_BYTES): send it in parts")
        return texts


def check_cells(path: Path, rows: int, columns: int, what: str | None = None, *, streamed: bool = False) -> None:
    """IngestError unless ``rows`` x ``columns`` (the frame a table becomes) is within its reader's limit: a file
    of empty cells is some 15 times smaller than its frame. ``streamed``: a reader that streams Arrow batches (CSV,
    JSON Lines) into an Arrow-backed frame, some 15 bytes a cell at its peak: ``SCN_INGEST_TABLE_MAX_CELLS``
    (200,000,000, some 3 GB: what a dense table at ``SCN_INGEST_TABLE_MAX_BYTES`` costs anyway). Else a reader that
    builds a Python list of every cell (a workbook, ragged CSV rows, a published grid, a JSON document's records):
    ``SCN_INGEST_XLSX_MAX_CELLS``."""
    s = settings()
    limit, name = (s.ingest_table_max_cells, "SCN_INGEST_TABLE_MAX_CELLS") if streamed else \
        (s.ingest_xlsx_max_cells, "SCN_INGEST_XLSX_MAX_CELLS")
    cells = rows * columns
    if cells > limit:
        raise fail(path, f"{what or f'{rows:,} rows x {columns:,} columns'} make {cells:,} cells (the limit is "
                         f"{limit:,}, {name}): send it in parts")


def field_bound(path: Path, delimiter: str) -> int:
    """An upper bound of the fields of a delimited file (its delimiters and line ends, counted with numpy in
    blocks; a delimiter inside quotes counts too): checked before a reader builds a Python list of them."""
    codes = np.zeros(256, dtype=bool)
    codes[[ord(delimiter), 10]] = True
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(BLOCK_BYTES * 4):
            n += int(np.count_nonzero(codes[np.frombuffer(chunk, dtype=np.uint8)]))
    return n + 1


def check_text_file(path: Path) -> None:
    """Raise for an empty file or one that is binary (NUL bytes or a known binary signature)."""
    sample = head(path, 8192)
    if not sample.lstrip(codecs.BOM_UTF8).strip():
        raise fail(path, "empty file")
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if sample.startswith(BINARY_MAGIC) or b"\x00" in sample:
        raise fail(path, "binary file, not text (expected CSV or JSON)")
    with open(path, "rb") as fh:  # a NUL byte further on (one cell of a text file): read, not sampled
        fh.seek(len(sample))
        offset = len(sample)
        while block := fh.read(BLOCK_BYTES):
            at = block.find(b"\x00")
            if at >= 0:
                raise fail(path, f"a NUL byte at byte {offset + at:,}: not a text file (a binary cell or a broken "
                                 "export); remove it and send the file again")
            offset += len(block)


def detect_encoding(path: Path) -> str:
    """utf-8 (BOM or not) when the whole file decodes as UTF-8, UTF-16 by BOM, else the best legacy code page."""
    sample = head(path, 4)
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE starts both LE BOMs
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    first_bad = b""
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(BLOCK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            fh.seek(max(0, fh.tell() - BLOCK_BYTES))
            first_bad = fh.read(SAMPLE_BYTES)
    matches = from_bytes(first_bad, cp_isolation=LEGACY_ENCODINGS)
    best = matches.best()
    cp1252 = next((m for m in matches if m.encoding == "cp1252"), None)
    if best is None or (cp1252 is not None and cp1252.percent_chaos <= best.percent_chaos + 1.0):
        best = cp1252  # ties (short samples) go to the commonest legacy encoding
    encoding = best.encoding if best else "latin-1"
    try:
        with open(path, encoding=encoding) as fh:
            while fh.read(BLOCK_BYTES):
                pass
    except UnicodeDecodeError:
        encoding = "latin-1"  # decodes any byte
    return encoding


LINE_ENDS = np.zeros(256, dtype=bool)
LINE_ENDS[[10, 13]] = True  # \n, and \r: an old Mac's line end (CSV and JSON Lines readers end lines at either)


def longest_line(path: Path) -> int:
    """Length in bytes of the longest line (ended by ``\n``, ``\r\n`` or ``\r``), scanned in blocks with numpy."""
    longest, run = 0, 0
    with open(path, "rb") as fh:
        while chunk := fh.read(BLOCK_BYTES * 4):
            nl = np.flatnonzero(LINE_ENDS[np.frombuffer(chunk, dtype=np.uint8)])
            if len(nl) == 0:
                run += len(chunk)
                continue
            longest = max(longest, run + int(nl[0]), int(np.diff(nl).max(initial=0)))
            run = len(chunk) - int(nl[-1]) - 1
    return max(longest, run)


def check_line_lengths(path: Path) -> int:
    """Raise when a line is longer than ``max_line_bytes()``; return the longest line's length."""
    longest = longest_line(path)
    if longest > max_line_bytes():
        raise fail(path, f"a line of {longest / 2**20:.0f} MB exceeds the {max_line_bytes() / 2**20:.0f} MB limit "
                         "(not a line-oriented file?)")
    return longest


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as fh:
        line = fh.readline()
    return line.lstrip("\ufeff")


def sniff_delimiter(header: str) -> str:
    """The delimiter that splits the header line into the most fields (``,`` wins ties)."""
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def _allow_long_fields() -> None:
    """The csv module refuses fields over 128 KiB by default; ours are bounded by the line limit instead."""
    if csv.field_size_limit() < max_line_bytes():
        csv.field_size_limit(max_line_bytes())


def _csv_with_stdlib(path: Path, encoding: str, delimiter: str, width: int, named: int) -> Table:
    """Every record as a Python list (their fields bounded first: ``check_cells``, the workbooks' limit): the
    fallback of ``_csv_ragged`` when Arrow's records and the stdlib reader's do not match. Records of another width
    than the header's are cut, padded (``_fit``) or bad rows; blank lines are no records."""
    fields = field_bound(path, delimiter)
    check_cells(path, fields, 1, f"up to {fields:,} fields")
    with open(path, encoding=encoding, newline="") as fh:
        try:
            records = list(filter(None, csv.reader(fh, delimiter=delimiter)))[1:]
        except csv.Error as exc:
            raise fail(path, f"not a readable CSV file ({exc})") from exc
    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    ok = _fit(records, width, named)
    rows = np.arange(1, len(records) + 1)
    frame = _text_frame(list(compress(records, ok)), width).assign(**{ROW: rows[ok]})
    return Table(frame, _bad_records(rows[~ok], width, lengths[~ok], map(delimiter.join, compress(records, ~ok))),
                 encoding)


def _text_frame(records: list[list[str]], width: int) -> pd.DataFrame:
    """Records of ``width`` fields as text columns ``c0..`` (empty fields missing)."""
    names = [f"c{i}" for i in range(width)]
    if not records:
        return pd.DataFrame({n: pd.Series(dtype="string") for n in names})
    return pd.DataFrame(records, columns=names, dtype="string").replace("", None)


def _bad_records(rows: np.ndarray, width: int, found: np.ndarray | int, raw: Iterable[str]) -> pd.DataFrame:
    """Bad rows of records of the wrong width (``found`` fields each, or all)."""
    if not len(rows):
        return pd.DataFrame(columns=[ROW, "reason", "raw"])
    found = np.broadcast_to(np.asarray(found, dtype=np.int64), rows.shape)
    return pd.DataFrame({ROW: rows, "reason": [f"expected {width} fields, found {n}" for n in found],
                         "raw": pd.Series(list(raw), dtype=object).to_numpy()})


def read_csv(path: Path, progress: Progress = None) -> Table:
    """A delimited text file (``, ; tab |`` sniffed from the header), any encoding, quoted newlines allowed; at most
    ``SCN_INGEST_TABLE_MAX_BYTES``."""
    check_table_size(path)
    check_text_file(path)
    longest = check_line_lengths(path)
    encoding = detect_encoding(path)
    header_line = _first_line(path, encoding)
    _allow_long_fields()
    try:
        delimiter = sniff_delimiter(header_line)
        header = next(csv.reader([header_line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error as exc:
        raise fail(path, f"unreadable header row ({exc})") from exc
    if not any(h.strip() for h in header):
        raise fail(path, "no header row")
    named = next((i for i in range(len(header), 0, -1) if header[i - 1].strip()), 0)  # up to the last named
    written, header = header, check_columns(path, header)
    try:
        frame = _arrow_csv(path, encoding, delimiter, len(header), longest, progress)
        out = Table(frame.assign(**{ROW: np.arange(1, len(frame) + 1)}), encoding=encoding)
    except pa.ArrowInvalid as exc:
        if "columns" not in str(exc):
            raise fail(path, f"not a readable CSV file ({str(exc).splitlines()[0][:120]})") from exc
        out = _csv_ragged(path, encoding, delimiter, len(header), named, longest, progress)
    out.frame.columns = [*header, ROW]
    return repeated_header(out, written, delimiter)


def _arrow_csv(path: Path, encoding: str, delimiter: str, width: int, longest: int, progress: Progress,
               invalid: Callable[[Any], str] | None = None) -> pd.DataFrame:
    """The records after the header as text columns ``c0..`` (Arrow batches into an Arrow-backed frame, held to
    ``SCN_INGEST_TABLE_MAX_CELLS`` as they come); a record of another width raises ``ArrowInvalid``, or goes to
    ``invalid`` (Arrow's invalid-row handler) when given. Blank lines are no records."""
    names = [f"c{i}" for i in range(width)]
    read_opts = pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=encoding,
                                  block_size=max(BLOCK_BYTES, 2 * longest + 1024))
    parse_opts = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid)
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True,
                                   null_values=[""], quoted_strings_can_be_null=True)
    batches, rows = [], 0
    with pacsv.open_csv(path, read_options=read_opts, parse_options=parse_opts, convert_options=convert) as reader:
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            check_cells(path, rows, width, streamed=True)  # before the frame: empty cells cost little here
            if progress:
                progress(rows)
    return pa.Table.from_batches(batches, schema=reader.schema).to_pandas(types_mapper=_text_type)


def _record_lengths(path: Path, encoding: str, delimiter: str) -> np.ndarray:
    """The number of fields of every record after the header (the stdlib reader, no list kept: only lengths),
    blank lines left out as Arrow leaves them out."""
    with open(path, encoding=encoding, newline="") as fh:
        records = csv.reader(fh, delimiter=delimiter)
        try:
            next(records, None)
            lengths = np.fromiter(map(len, records), dtype=np.int64)
        except csv.Error as exc:
            raise fail(path, f"not a readable CSV file ({exc})") from exc
    return lengths[lengths > 0]


def _fit(records: list[list[str]], width: int, named: int) -> np.ndarray:
    """Which records of another width than the header's are read (cut or padded in place): a spreadsheet's empty
    trailing columns are no fault. A record longer than the header whose extra fields are all empty is cut, one
    short only of the header's unnamed trailing columns (``named``: up to its last named one) padded; no other."""
    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    long = np.flatnonzero(lengths > width)
    empty_tail = long[np.fromiter((not any(records[i][width:]) for i in long), dtype=bool, count=len(long))]
    short = np.flatnonzero((lengths >= max(named, 1)) & (lengths < width))
    for i in empty_tail:
        records[i] = records[i][:width]
    for i in short:
        records[i] = records[i] + [""] * (width - len(records[i]))
    return (lengths == width) | np.isin(np.arange(len(records)), np.r_[empty_tail, short])


def _csv_ragged(path: Path, encoding: str, delimiter: str, width: int, named: int, longest: int,
                progress: Progress) -> Table:
    """A CSV whose records are not all of the header's width. The width most records have streams through Arrow
    (as any CSV: ``SCN_INGEST_TABLE_MAX_CELLS``); only the records of other widths are read as Python lists (held
    to the workbooks' ``SCN_INGEST_XLSX_MAX_CELLS``), and those the header cannot take become bad rows naming
    their record (``_fit``: a spreadsheet's empty trailing columns are read). Records are told apart by a first
    pass of the stdlib reader that keeps only their lengths; should Arrow's records not match its, the whole file
    is read by the stdlib reader (``_csv_with_stdlib``)."""
    lengths = _record_lengths(path, encoding, delimiter)
    widths, counts = np.unique(lengths, return_counts=True)
    wide = int(widths[counts.argmax()]) if len(widths) else width  # most records' width: streamed
    odd = lengths != wide
    check_cells(path, int(lengths[odd].sum()), 1, f"{int(odd.sum()):,} records of another width with "
                                                  f"{int(lengths[odd].sum()):,} fields")
    texts: list[str] = []

    def other(row: Any) -> str:  # Arrow's invalid-row handler: keep the record's text, leave it out of the batch
        texts.append(row.text)
        return "skip"

    try:
        frame = _arrow_csv(path, encoding, delimiter, wide, longest, progress, other)
    except pa.ArrowInvalid as exc:
        raise fail(path, f"not a readable CSV file ({str(exc).splitlines()[0][:120]})") from exc
    records = [next(csv.reader(io.StringIO(t, newline=""), delimiter=delimiter), []) for t in texts]
    if len(frame) != int((~odd).sum()) or [len(r) for r in records] != lengths[odd].tolist():
        return _csv_with_stdlib(path, encoding, delimiter, width, named)
    rows = np.arange(1, len(lengths) + 1)
    main_rows, bad = rows[~odd], []
    if wide > width:  # most records end in empty fields past the header (a spreadsheet's): cut them
        extra = frame.iloc[:, width:].notna().any(axis=1).to_numpy(dtype=bool)
        bad.append(_bad_records(main_rows[extra], width, wide, frame[extra].fillna("").agg(delimiter.join, axis=1)))
        frame, main_rows = frame.loc[~extra, frame.columns[:width]].reset_index(drop=True), main_rows[~extra]
    elif wide < width:
        if wide >= max(named, 1):  # short only of the header's unnamed trailing columns: padded
            frame = frame.assign(**{f"c{i}": pd.Series(pd.NA, index=frame.index, dtype="string")
                                    for i in range(wide, width)})
        else:
            bad.append(_bad_records(main_rows, width, wide, frame.fillna("").agg(delimiter.join, axis=1)))
            frame, main_rows = frame.iloc[:0], main_rows[:0]
    ok = _fit(records, width, named)
    bad.append(_bad_records(rows[odd][~ok], width, lengths[odd][~ok], map(delimiter.join, compress(records, ~ok))))
    frame = frame.assign(**{ROW: main_rows})
    if ok.any():
        fixed = _text_frame(list(compress(records, ok)), width).assign(**{ROW: rows[odd][ok]})
        frame = pd.concat([frame, fixed], ignore_index=True).sort_values(ROW, kind="stable").reset_index(drop=True)
    bad_rows = pd.concat([b for b in bad if len(b)] or bad[-1:], ignore_index=True).sort_values(ROW)
    return Table(frame, bad_rows.reset_index(drop=True), encoding)


def repeated_header(table: Table, written: list[str], delimiter: str = ",") -> Table:
    """``table`` with the rows that repeat its header (``written``: two exports joined into one file; a workbook's
    header row; a JSON Lines file's keys, an object whose values are its keys) moved to its bad rows: every named
    column holds its own name (compared stripped), column by column over all rows. Every tabular reader's."""
    frame = table.frame
    named = [(col, name.strip()) for col, name in zip(frame.columns, written, strict=False) if name.strip()]
    if frame.empty or not named:
        return table
    again = np.ones(len(frame), dtype=bool)
    for col, name in named:  # each column on the rows still in question: one pass over the first, as a rule
        at = np.flatnonzero(again)
        again[at] = frame[col].iloc[at].str.strip().eq(name).fillna(False).to_numpy(dtype=bool)
        if not again.any():
            return table
    found = pd.DataFrame({ROW: frame.loc[again, ROW].to_numpy(), "reason": "the header row again (two files joined?)",
                          "raw": delimiter.join(written)})
    bad = pd.concat([b for b in (table.bad_rows, found) if not b.empty], ignore_index=True).sort_values(ROW)
    table.frame, table.bad_rows = frame[~again].reset_index(drop=True), bad.reset_index(drop=True)
    return table


def _text_type(t: pa.DataType) -> pd.StringDtype | None:
    """pandas' string type for Arrow's text types (``to_pandas(types_mapper=...)``)."""
    return pd.StringDtype() if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t) \
        else None


JSONL_TYPE = "case when json_valid(line) then json_type(line::json) end"
JSONL_LINE_END = r"\r\n|\r|\n"  # what JSON Lines (and the old reader) end a line with; never valid inside a string


def _block_end(text: str) -> int:
    """Where a block of lines ends: after its last line end, but not after a ``\r`` that ends the text (its
    ``\n`` may start the next read); 0 when it holds none."""
    at = max(text.rfind("\n"), text.rfind("\r"))
    if at == len(text) - 1 and text[at] == "\r":
        at = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at))
    return at + 1


def _jsonl_chunks(path: Path, encoding: str) -> Iterator[pa.Table]:
    """The lines of a JSON Lines file, some ``BLOCK_BYTES`` characters at a time (to the end of a line): tables
    of (``source_row``, ``line``) without blank lines, split by Arrow (no Python string per line). A line ends at
    ``\n``, ``\r\n`` or ``\r`` (an old Mac's file is read in blocks as well: completing a block to the next ``\n``
    read it whole), never at U+2028 or U+0085, which a JSON string may hold; a BOM is dropped."""
    row, carry, first = 0, "", True
    with open(path, encoding=encoding, newline="") as fh:
        while True:
            read = fh.read(BLOCK_BYTES)
            text = carry + read
            if not text:
                return
            cut = _block_end(text) if read else len(text)  # the end of the file ends its last line
            if cut == 0:  # no line end yet: a line longer than the block (bounded by the line limit)
                carry = text
                continue
            block, carry = text[:cut], text[cut:]
            del text
            if first:
                block, first = block.lstrip("\ufeff"), False
            lines = pc.list_flatten(pc.split_pattern_regex(pa.array([block], pa.large_string()), JSONL_LINE_END))
            if block.endswith(("\n", "\r")):
                lines = lines[:-1]
            del block
            rows = pa.array(np.arange(row + 1, row + len(lines) + 1), pa.int64())
            row += len(lines)
            yield pa.table({ROW: rows, "line": lines}).filter(pc.not_equal(pc.utf8_trim_whitespace(lines), ""))


def read_jsonl(path: Path, progress: Progress = None) -> Table:
    """JSON Lines: one object per line; blank lines skipped; invalid lines, non-objects and objects with a key
    twice become bad rows (DuckDB does the JSON). Keys are column names (``check_columns``). At most
    ``SCN_INGEST_TABLE_MAX_BYTES``. Read in two streaming passes (kinds and keys; then the values of the objects),
    so memory holds the frame and a block of lines, never the whole text (a 301 MB file took 2.5 GB, 0.6 GB now).
    Objects x keys are held to ``SCN_INGEST_TABLE_MAX_CELLS`` as the first pass goes, before a value is read."""
    check_table_size(path)
    check_text_file(path)
    check_line_lengths(path)
    encoding = detect_encoding(path)
    first: dict[str, int] = {}  # key -> the first row holding it
    kinds, objects = [], 0
    with scratch() as con:
        for chunk in _jsonl_chunks(path, encoding):
            con.register("chunk", chunk)
            con.execute(f"create or replace temp table typed as select source_row, t, case when t = 'OBJECT' then "
                        f"json_keys(line::json) end as ks from (select source_row, line, {JSONL_TYPE} as t "
                        "from chunk)")
            con.execute("update typed set t = 'DUPLICATE' where len(ks) <> len(list_distinct(ks))")
            kinds.append(con.sql("select source_row, t, left(line, 2000) as line from typed join chunk "
                                 "using (source_row) where t is distinct from 'OBJECT' order by source_row")
                         .to_arrow_table())
            con.unregister("chunk")
            found = con.execute("select k, min(r) from (select unnest(ks) as k, r from (select ks, min(source_row) "
                                "as r from typed where t = 'OBJECT' group by ks)) group by k").fetchall()
            for k, r in found:
                first[k] = min(r, first.get(k, r))
            objects += con.execute("select count(*) from typed where t = 'OBJECT'").fetchall()[0][0]
            if len(first) > MAX_COLUMNS:
                check_columns(path, first)  # raises: too many columns, before the rest is read
            check_cells(path, objects, len(first), f"at least {objects:,} objects x {len(first):,} keys", streamed=True)
        con.execute("drop table if exists typed")
        keys = sorted(first, key=lambda k: (first[k], k))
        columns = check_columns(path, keys)
        if not keys and not objects:
            raise fail(path, "no JSON object on any line")
        bad = pa.concat_tables(kinds)
        con.register("bad", bad.select([ROW]))
        selects, inner, params = _json_columns(keys)
        parts, done = [], 0
        for chunk in _jsonl_chunks(path, encoding):
            con.register("chunk", chunk)
            parts.append(con.sql(f"select source_row{selects} from (select source_row, line{inner} from chunk "
                                 "anti join bad using (source_row)) order by source_row",
                                 params=params or None).to_arrow_table())
            con.unregister("chunk")
            done += parts[-1].num_rows
            if progress:
                progress(done)
        con.unregister("bad")
    values = pa.concat_tables(parts)
    del parts
    frame = values.to_pandas(types_mapper=_text_type, self_destruct=True, split_blocks=True)
    del values
    row_numbers = frame.pop(ROW).to_numpy(dtype=np.int64)
    frame.columns = columns
    frame[ROW] = row_numbers
    bad_frame = bad.to_pandas()
    reason = np.where(bad_frame["t"].isna(), "not valid JSON", np.where(
        bad_frame["t"].eq("DUPLICATE"), "a key appears twice in the object", "not a JSON object"))
    bad_rows = pd.DataFrame({ROW: bad_frame[ROW].to_numpy(), "reason": reason, "raw": bad_frame["line"].to_numpy()})
    return repeated_header(Table(frame, bad_rows, encoding), keys)  # an object whose values are its keys


def _json_columns(keys: list[str]) -> tuple[str, str, list[str]]:
    """(select list, extra inner columns, parameters): one text column per key. The plain keys are read with one
    JSON path each, all in one call (the line is parsed once); any other key (a path cannot name a key ending in a
    backslash, an empty key, ``*``...) is looked up in the object cast to a MAP, the key passed as a parameter
    (never spliced into SQL)."""
    selects, params, paths = [], [], []
    for i, k in enumerate(keys):
        if SAFE_JSON_KEY.fullmatch(k):
            paths.append(f"""'$."{k}"'""")
            selects.append(f"v[{len(paths)}] as c{i}")
        else:
            selects.append(f"json_extract_string(m[?], '$') as c{i}")
            params.append(k)
    inner = f", json_extract_string(line, [{', '.join(paths)}]) as v" if paths else ""
    inner += ", json_transform(line, '\"MAP(VARCHAR, JSON)\"') as m" if params else ""
    return "".join(", " + x for x in selects), inner, params


def _cell_text(value: object) -> str | None:
    """A workbook cell as text (as ``pandas.read_excel(dtype=str)`` would give it; whole floats without ``.0``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _dimension(path: Path, part: str, ref: str) -> None:
    """Refuse a sheet whose declared dimension (``A1:XFD1048576``) is beyond the format or
    ``SCN_INGEST_XLSX_MAX_CELLS``: openpyxl pads every row read to the declared width."""
    corners = [XLSX_CELL.fullmatch(c.strip()) for c in ref.split(":")] if ref.strip() else []
    if not corners or len(corners) > 2 or not all(corners):
        raise fail(path, f"sheet part {_shown(part)} declares an unreadable dimension '{_shown(ref)}'")
    cols = [_column_number(m[1]) if len(m[1]) <= 4 else XLSX_MAX_COLUMNS + 1 for m in corners]
    rows = [int(m[2]) if len(m[2]) <= 8 else XLSX_MAX_ROWS + 1 for m in corners]
    if max(rows) > XLSX_MAX_ROWS or max(cols) > XLSX_MAX_COLUMNS or min(rows) < 1:
        raise fail(path, f"sheet part {_shown(part)} declares the dimension '{_shown(ref)}', beyond the XLSX "
                         f"limits ({XLSX_MAX_ROWS} rows, {XLSX_MAX_COLUMNS} columns)")
    cells = (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)
    limit = settings().ingest_xlsx_max_cells
    if cells > limit:
        raise fail(path, f"sheet part {_shown(part)} declares the dimension '{_shown(ref)}' ({cells} cells; the "
                         f"limit is {limit}, SCN_INGEST_XLSX_MAX_CELLS)")


def _no_doctype(path: Path, z: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """IngestError naming the file and the part when the XML part declares a document type or an entity anywhere
    (read in blocks, within its declared size: a prolog may follow a long comment)."""
    tail = b""
    with z.open(part) as fh:
        while block := fh.read(BLOCK_BYTES):
            if XLSX_DOCTYPE.search(tail + block):
                raise fail(path, f"part {_shown(part.filename)} declares a document type or an entity (<!DOCTYPE, "
                                 "<!ENTITY): an XLSX part never does (entity expansion, external files); refused")
            tail = block[-64:]


def check_xlsx(path: Path) -> None:
    """Refuse a workbook before anything in it is decompressed beyond the head of its sheets: not a zip archive
    (or a damaged one), no ``[Content_Types].xml`` (not an Office file), an encrypted part or a compression other
    than deflate, parts whose declared uncompressed sizes exceed ``SCN_INGEST_XLSX_MAX_BYTES`` in all or
    ``SCN_INGEST_XLSX_MAX_MEMBER_BYTES`` for one, a part over 1 MiB compressed more than
    ``SCN_INGEST_XLSX_MAX_RATIO`` times (a zip bomb), a sheet declaring an absurd dimension, or an XML part
    declaring a document type or an entity (``_no_doctype``: a billion laughs, an external entity).

    The declared sizes bound the work: Python's zipfile (which openpyxl reads through) stops a part at its
    declared size, and a part that would inflate further fails its CRC check."""
    s = settings()
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
            names = {p.filename for p in parts}
            if "[Content_Types].xml" not in names:
                raise fail(path, "a zip archive without [Content_Types].xml: not an XLSX workbook")
            for p in parts:
                if p.flag_bits & 0x1:
                    raise fail(path, f"part {_shown(p.filename)} is encrypted (password-protected workbooks are "
                                     "not read)")
                if p.compress_type not in XLSX_METHODS:
                    raise fail(path, f"part {_shown(p.filename)} uses compression method {p.compress_type} "
                                     "(XLSX parts are stored or deflated)")
                if p.file_size > s.ingest_xlsx_max_member_bytes:
                    raise fail(path, f"part {_shown(p.filename)} would decompress to {p.file_size} bytes (the limit "
                                     f"is {s.ingest_xlsx_max_member_bytes}, SCN_INGEST_XLSX_MAX_MEMBER_BYTES)")
                ratio = p.file_size / max(p.compress_size, 1)
                if p.file_size > XLSX_RATIO_FLOOR and ratio > s.ingest_xlsx_max_ratio:
                    raise fail(path, f"part {_shown(p.filename)} is compressed {ratio:.0f} times (the limit is "
                                     f"{s.ingest_xlsx_max_ratio}, SCN_INGEST_XLSX_MAX_RATIO): a zip bomb?")
            total = sum(p.file_size for p in parts)
            if total > s.ingest_xlsx_max_bytes:
                raise fail(path, f"the workbook would decompress to {total} bytes in {len(parts)} parts (the limit "
                                 f"is {s.ingest_xlsx_max_bytes}, SCN_INGEST_XLSX_MAX_BYTES)")
            for p in parts:
                if p.filename.lower().endswith(XLSX_XML_PARTS) and not p.is_dir():
                    _no_doctype(path, z, p)
                if p.filename.lower().endswith(".xml") and not p.is_dir():
                    with z.open(p) as fh:
                        found = XLSX_DIMENSION.search(fh.read(1 << 16))
                    if found:
                        _dimension(path, p.filename, found[1].decode("ascii", "replace"))
    except IngestError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        raise fail(path, f"not a readable XLSX workbook (a damaged or invalid zip archive: "
                         f"{type(exc).__name__})") from exc


def sheet_rows(path: Path, sheet: Any, values_only: bool = True) -> Iterator[tuple]:
    """The rows of a read-only worksheet (openpyxl), refused past the format's last row: a row numbered
    ``r="99999999"`` would otherwise have openpyxl yield every missing row before it."""
    rows = sheet.iter_rows(max_row=XLSX_MAX_ROWS + 1, values_only=values_only)
    for n, row in enumerate(rows, 1):
        if n > XLSX_MAX_ROWS:
            raise fail(path, f"sheet '{_shown(sheet.title)}' has rows past row {XLSX_MAX_ROWS} (the XLSX limit)")
        yield row


def read_xlsx(path: Path, progress: Progress = None) -> Table:
    """The first *visible* sheet of an XLSX workbook (hidden sheets are skipped), every cell as text.

    Formulas give their cached value (the value Excel or LibreOffice saved); a row with a formula cell that has no
    cached value (a workbook written by a program that does not compute formulas) is a bad row naming the column.
    Row numbers are the sheet's (``source_row`` 1 = the sheet's second row); fully empty rows are skipped.
    The archive is checked first (:func:`check_xlsx`: zip bombs, absurd dimensions).
    """
    check_xlsx(path)
    try:
        import openpyxl

        values_book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise fail(path, f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        visible = [ws for ws in values_book.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise fail(path, "no visible sheet in the workbook")
        sheet = visible[0]
        formulas = formula_book[sheet.title]
        rows = zip(sheet_rows(path, sheet), sheet_rows(path, formulas, values_only=False), strict=False)
        first = next(rows, None)
        if first is None or not any(_cell_text(v) is not None for v in first[0]):
            raise fail(path, f"empty sheet '{_shown(sheet.title)}' (no header row)")
        header = [_cell_text(v) for v in first[0]]
        while header and header[-1] is None:
            header.pop()
        width = len(header)
        names = check_columns(path, header)
        records, numbers, bad = [], [], []
        budget = TextBudget(path)
        for number, (values, cells) in enumerate(rows, 1):
            texts = [_cell_text(v) for v in values[:width]]
            texts += [None] * (width - len(texts))
            budget.take(texts)
            missing = [names[i] for i, c in enumerate(cells[:width])
                       if getattr(c, "data_type", None) == "f" and (i >= len(values) or values[i] is None)]
            if missing:
                bad.append((number, missing[0], f"formula without a cached value in column '{_shown(missing[0])}' "
                            "(open and save the workbook in Excel or LibreOffice to compute it)",
                            json.dumps(dict(zip(names, texts, strict=True)), ensure_ascii=False, default=str)))
            elif any(t is not None for t in texts):
                records.append(texts)
                numbers.append(number)
    except IngestError:
        raise
    except Exception as exc:  # a damaged sheet can fail while streaming
        raise fail(path, f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    finally:
        values_book.close()
        formula_book.close()
    frame = pd.DataFrame(records, columns=[f"c{i}" for i in range(width)], dtype="string") if records else \
        pd.DataFrame({f"c{i}": pd.Series(dtype="string") for i in range(width)})
    frame.columns = names
    frame[ROW] = np.array(numbers, dtype=np.int64)
    bad_rows = pd.DataFrame(bad, columns=[ROW, "field", "reason", "raw"]) if bad else \
        pd.DataFrame(columns=[ROW, "field", "reason", "raw"])
    if progress:
        progress(len(frame) + len(bad_rows))
    return repeated_header(Table(frame, bad_rows, sheet=sheet.title), ["" if h is None else h for h in header])


LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(s: str) -> str:
    return LONE_SURROGATE.sub("\ufffd", s) if LONE_SURROGATE.search(s) else s


def _without_lone_surrogates(doc: object) -> object:
    """Replace unpaired surrogates (``"\\ud800"`` is valid JSON, not valid text) in keys and strings by U+FFFD."""
    if isinstance(doc, str):
        return _valid_text(doc)
    todo = [doc]
    while todo:  # iterative: a deeply nested document must not exhaust the stack
        node = todo.pop()
        if isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    node[i] = _valid_text(v)
                elif isinstance(v, list | dict):
                    todo.append(v)
        elif isinstance(node, dict):
            for k in list(node):
                v = node.pop(k) if LONE_SURROGATE.search(k) else node[k]
                node[_valid_text(k)] = _valid_text(v) if isinstance(v, str) else v
                if isinstance(v, list | dict):
                    todo.append(v)
    return doc


def check_json_size(path: Path, name: str | None = None) -> None:
    """IngestError naming the file unless it is at most ``SCN_INGEST_JSON_MAX_BYTES``: a whole JSON document is
    parsed at once, into several times its size in memory."""
    size, limit = path.stat().st_size, settings().ingest_json_max_bytes
    if size > limit:
        raise IngestError(f"{name or printable(path.name)}: a JSON document of {size:,} bytes (the limit is "
                          f"{limit:,}, SCN_INGEST_JSON_MAX_BYTES): send JSON Lines (one object a line) or parts")


def _string_quotes(data: np.ndarray) -> np.ndarray:
    """Positions of the quotes that open or close a JSON string in ``data`` (bytes): those not escaped by an odd
    run of backslashes before them (vectorised: a run is found from its end by the backslashes' positions)."""
    quotes = np.flatnonzero(data == ord('"'))
    after = quotes[(quotes > 0) & (data[np.maximum(quotes - 1, 0)] == ord("\\"))]  # quotes after a backslash
    if not len(after):
        return quotes
    slashes = np.flatnonzero(data == ord("\\"))
    starts = np.r_[True, np.diff(slashes) != 1]  # the first backslash of each run
    run_start = slashes[np.maximum.accumulate(np.where(starts, np.arange(len(slashes)), 0))]
    run = after - run_start[np.searchsorted(slashes, after - 1)]  # backslashes right before each
    return np.setdiff1d(quotes, after[run % 2 == 1], assume_unique=True)


def check_json_shape(path: Path, text: str) -> None:
    """IngestError unless the document ``text`` nests at most ``JSON_MAX_DEPTH`` deep and holds at most
    ``JSON_MAX_CONTAINERS`` objects and arrays: its brackets outside strings are counted before it is parsed."""
    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    brackets = np.flatnonzero(JSON_STEP[data])
    outside = np.searchsorted(_string_quotes(data), brackets) % 2 == 0  # an even number of quotes before it
    steps = JSON_STEP[data[brackets[outside]]]
    containers = int(np.count_nonzero(steps > 0))
    if containers > JSON_MAX_CONTAINERS:
        raise fail(path, f"{containers:,} objects and arrays (the limit is {JSON_MAX_CONTAINERS:,}): send JSON "
                         "Lines (one object a line) or parts")
    depth = int(np.cumsum(steps, dtype=np.int32).max(initial=0))
    if depth > JSON_MAX_DEPTH:
        raise fail(path, f"nested {depth} deep (the limit is {JSON_MAX_DEPTH})")


def check_records(path: Path, records: list) -> None:
    """IngestError unless the frame ``records`` (JSON objects) become fits the workbooks' cell limit: every key of
    any record is a column of every record (``SCN_INGEST_XLSX_MAX_CELLS``, records x keys)."""
    keys = dict.fromkeys(chain.from_iterable(r for r in records if isinstance(r, dict)))
    cells, limit = len(records) * len(keys), settings().ingest_xlsx_max_cells
    if cells > limit:
        raise fail(path, f"{len(records):,} records x {len(keys):,} keys make {cells:,} cells (the limit is "
                         f"{limit:,}, SCN_INGEST_XLSX_MAX_CELLS)")


def read_json_document(path: Path) -> object:
    """A whole JSON document (X API response, Telegram export), any encoding; unpaired surrogates replaced. Its
    size is checked before it is read, its depth and number of containers before it is parsed."""
    check_json_size(path)
    check_text_file(path)
    text = path.read_text(encoding=detect_encoding(path)).lstrip("\ufeff")
    check_json_shape(path, text)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise fail(path, "not usable JSON (nested too deeply)") from exc
    return _without_lone_surrogates(doc) if LONE_SURROGATE_ESCAPE.search(text) else doc


def read_tabular(path: Path, progress: Progress = None) -> Table:
    """CSV/TSV/TXT, JSON Lines or XLSX chosen by extension (by the first character when the extension is unknown)."""
    ext = path.suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return read_xlsx(path, progress)
    if ext == ".xls":
        raise fail(path, "legacy .xls workbooks are not supported: save it as .xlsx or CSV")
    if ext in (".jsonl", ".ndjson"):
        return read_jsonl(path, progress)
    if ext not in (".csv", ".tsv", ".txt"):
        check_table_size(path)
        check_text_file(path)
        if head(path, 4096).lstrip(codecs.BOM_UTF8).lstrip()[:1] == b"{":
            return read_jsonl(path, progress)
    return read_csv(path, progress)


def normalise_name(name: str) -> str:
    """Case- and punctuation-insensitive column name: ``" Crime ID"`` -> ``crime_id``."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")


def canonical_columns(frame: pd.DataFrame, synonyms: dict[str, Iterable[str]],
                      path: Path | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename columns to canonical names by synonyms (first match wins); return the frame and canonical->original.

    Columns not named in ``synonyms`` are dropped (so stray identifying columns never reach the lake). Two columns
    whose names compare equal (case, spaces and punctuation aside: ``id`` and ``ID``, ``text`` and ``Text``) where
    one is read raise IngestError naming both (``path``'s name first): the first used to win, silently.
    """
    by_norm: dict[str, str] = {}
    twins: dict[str, list[str]] = {}
    for col in frame.columns:
        twins.setdefault(normalise_name(col), []).append(col)
        by_norm.setdefault(normalise_name(col), col)
    origin: dict[str, str] = {}
    for canon, names in synonyms.items():
        for name in (canon, *names):
            if name in by_norm:
                if len(twins[name]) > 1:
                    a, b = (_shown(str(c)) for c in twins[name][:2])
                    problem = f"columns '{a}' and '{b}' are both read as '{canon}': rename or remove one"
                    raise fail(path, problem) if path is not None else IngestError(problem)
                origin[canon] = by_norm[name]
                break
    out = pd.DataFrame({canon: frame[orig] for canon, orig in origin.items()}, index=frame.index)
    if ROW in frame:
        out[ROW] = frame[ROW]
    return out, origin


def require(path: Path, origin: dict[str, str], required: Iterable[str], synonyms: dict[str, Iterable[str]]) -> None:
    """Raise naming the first required column that is missing (with the names accepted for it)."""
    for col in required:
        if col not in origin:
            alts = ", ".join(list(synonyms.get(col, ()))[:4])
            raise fail(path, f"missing required column '{col}'" + (f" (or {alts})" if alts else ""))

