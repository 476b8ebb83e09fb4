"""Turn a user's file into a frame of strings: encodings, BOMs, CSV dialects, JSON Lines, XLSX.

Every reader returns all values as strings (``None`` for empty cells) with a 1-based ``source_row``; typing and
validation happen later, per family. Problems that make a whole file unusable raise ``IngestError``.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from scn.ingest.result import IngestError
from scn.settings import settings

Progress = Callable[[int], None] | None
BLOCK_BYTES = 1 << 22
SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
LEGACY_ENCODINGS = ["cp1252", "cp1256", "cp1251"]  # Western European, Arabic, Cyrillic Windows code pages
BINARY_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"BZh",
                b"\xd0\xcf\x11\xe0", b"SQLite format")
ROW = "source_row"


def max_line_bytes() -> int:
    """Longest line accepted in a line-oriented file (``SCN_INGEST_MAX_LINE_BYTES``, default 64 MiB)."""
    return settings().ingest_max_line_bytes


@dataclass
class Table:
    """Strings read from a file: ``frame`` (with ``source_row``), rows that could not be parsed at all."""

    frame: pd.DataFrame
    bad_rows: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[ROW, "reason", "raw"]))
    encoding: str = "utf-8"


def fail(path: Path, problem: str) -> IngestError:
    return IngestError(f"{path.name}: {problem}")


def head(path: Path, n: int = SAMPLE_BYTES) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def check_text_file(path: Path) -> None:
    """Raise for an empty file or one that is binary (NUL bytes or a known binary signature)."""
    sample = head(path, 8192)
    if not sample.lstrip(codecs.BOM_UTF8).strip():
        raise fail(path, "empty file")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    if sample.startswith(BINARY_MAGIC) or b"\x00" in sample:
        raise fail(path, "binary file, not text (expected CSV or JSON)")


def detect_encoding(path: Path) -> str:
    """utf-8 (BOM or not) when the whole file decodes as UTF-8, UTF-16 by BOM, else the best legacy code page."""
    sample = head(path, 4)
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


def longest_line(path: Path) -> int:
    """Length in bytes of the longest line, scanned in blocks with numpy."""
    longest, run = 0, 0
    with open(path, "rb") as fh:
        while chunk := fh.read(BLOCK_BYTES * 4):
            nl = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
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
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def _csv_with_stdlib(path: Path, encoding: str, delimiter: str, width: int) -> Table:
    """Slow path for files with ragged rows: every record is kept, wrong-width records become bad rows."""
    with open(path, encoding=encoding, newline="") as fh:
        records = list(csv.reader(fh, delimiter=delimiter))[1:]
    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    rows = np.arange(1, len(records) + 1)
    blank = lengths == 0
    ok = lengths == width
    good = records if ok.all() else list(compress(records, ok))
    frame = pd.DataFrame(good, columns=[f"c{i}" for i in range(width)], dtype="string") if good else \
        pd.DataFrame({f"c{i}": pd.Series(dtype="string") for i in range(width)})
    frame = frame.replace("", None)
    frame[ROW] = rows[ok]
    bad = ~ok & ~blank
    reason = f"expected {width} fields, found " + pd.Series(lengths[bad]).astype(str)
    bad_rows = pd.DataFrame({ROW: rows[bad], "reason": reason.to_numpy(),
                             "raw": list(map(delimiter.join, compress(records, bad)))})
    return Table(frame, bad_rows, encoding)


def read_csv(path: Path, progress: Progress = None) -> Table:
    """A delimited text file (``, ; tab |`` sniffed from the header), any encoding, quoted newlines allowed."""
    check_text_file(path)
    longest = check_line_lengths(path)
    encoding = detect_encoding(path)
    header_line = _first_line(path, encoding)
    delimiter = sniff_delimiter(header_line)
    header = next(csv.reader([header_line.rstrip("\r\n")], delimiter=delimiter), [])
    if not any(h.strip() for h in header):
        raise fail(path, "no header row")
    names = [f"c{i}" for i in range(len(header))]
    read_opts = pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=encoding,
                                  block_size=max(BLOCK_BYTES, 2 * longest + 1024))
    parse_opts = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True,
                                   null_values=[""], quoted_strings_can_be_null=True)
    try:
        batches, rows = [], 0
        with pacsv.open_csv(path, read_options=read_opts, parse_options=parse_opts,
                            convert_options=convert) as reader:
            for batch in reader:
                batches.append(batch)
                rows += batch.num_rows
                if progress:
                    progress(rows)
        table = pa.Table.from_batches(batches, schema=reader.schema)
        frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype() if t == pa.string() else None)
        frame[ROW] = np.arange(1, len(frame) + 1)
        out = Table(frame, encoding=encoding)
    except pa.ArrowInvalid as exc:
        if "columns" not in str(exc):
            raise fail(path, f"not a readable CSV file ({str(exc).splitlines()[0][:120]})") from exc
        out = _csv_with_stdlib(path, encoding, delimiter, len(header))
    out.frame.columns = [*header, ROW]
    return out


def read_jsonl(path: Path, progress: Progress = None) -> Table:
    """JSON Lines: one object per line; blank lines skipped; invalid lines become bad rows (DuckDB does the JSON)."""
    check_text_file(path)
    check_line_lengths(path)
    encoding = detect_encoding(path)
    text = path.read_text(encoding=encoding).lstrip("\ufeff")
    lines = pd.DataFrame({"line": text.splitlines()})
    lines[ROW] = np.arange(1, len(lines) + 1)
    lines = lines[lines["line"].str.strip() != ""]
    with duckdb.connect() as con:
        con.register("lines", lines)
        typed = con.execute("select source_row, line, case when json_valid(line) then json_type(line::json) end "
                            "as t from lines").df()
        ok = typed["t"] == "OBJECT"
        keys = con.execute("select distinct unnest(json_keys(line::json)) as k from typed where t = 'OBJECT'"
                           ).df()["k"].tolist()
        selects = ", ".join(f"json_extract_string(line::json, {_json_path(k)}) as c{i}" for i, k in enumerate(keys))
        values = con.execute(f"select source_row{', ' + selects if selects else ''} from typed where t = 'OBJECT' "
                             "order by source_row").df()
    if not keys and not ok.any():
        raise fail(path, "no JSON object on any line")
    frame = values[[f"c{i}" for i in range(len(keys))]].astype("string")
    frame.columns = keys
    frame[ROW] = values[ROW].to_numpy()
    bad = typed[~ok]
    bad_rows = pd.DataFrame({ROW: bad[ROW].to_numpy(),
                             "reason": np.where(bad["t"].isna(), "not valid JSON", "not a JSON object"),
                             "raw": bad["line"].str.slice(0, 2000).to_numpy()})
    if progress:
        progress(len(lines))
    return Table(frame, bad_rows, encoding)


def _json_path(key: str) -> str:
    return "'$.\"" + key.replace("'", "''").replace('"', '\\"') + "\"'"


def read_xlsx(path: Path, progress: Progress = None) -> Table:
    """The first sheet of an XLSX workbook, every cell as text."""
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise fail(path, f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    if frame.columns.empty:
        raise fail(path, "empty workbook")
    frame = frame.astype("string")
    frame.columns = [str(c) for c in frame.columns]
    frame[ROW] = np.arange(1, len(frame) + 1)
    if progress:
        progress(len(frame))
    return Table(frame)


def read_json_document(path: Path) -> object:
    """A whole JSON document (X API response, Telegram export), any encoding."""
    check_text_file(path)
    try:
        return json.loads(path.read_text(encoding=detect_encoding(path)).lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise fail(path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc


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
        check_text_file(path)
        if head(path, 4096).lstrip(codecs.BOM_UTF8).lstrip()[:1] == b"{":
            return read_jsonl(path, progress)
    return read_csv(path, progress)


def normalise_name(name: str) -> str:
    """Case- and punctuation-insensitive column name: ``" Crime ID"`` -> ``crime_id``."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lstrip("\ufeff").lower()).strip("_")


def canonical_columns(frame: pd.DataFrame, synonyms: dict[str, Iterable[str]]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename columns to canonical names by synonyms (first match wins); return the frame and canonical->original.

    Columns not named in ``synonyms`` are dropped (so stray identifying columns never reach the lake).
    """
    by_norm: dict[str, str] = {}
    for col in frame.columns:
        by_norm.setdefault(normalise_name(col), col)
    origin: dict[str, str] = {}
    for canon, names in synonyms.items():
        for name in (canon, *names):
            if name in by_norm:
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

