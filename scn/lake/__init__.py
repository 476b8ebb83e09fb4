"""The lake: append-only Parquet tables under $SCN_HOME/lake (``io``) with their Arrow schemas (``schema``)."""

from scn.lake.io import (
    DamagedPartError,
    checked_parts,
    drop_parts_except,
    ensure_table,
    ensure_tables,
    glob,
    has_table,
    keyed_parts,
    parts_stamp,
    private_dir,
    query,
    read_table,
    replace_keyed_part,
    replace_table,
    row_count,
    scan,
    table_dir,
    table_lock,
    value_counts,
    write_part,
    writer_lock,
)
from scn.lake.schema import LAKE_SCHEMAS, as_table

__all__ = ["LAKE_SCHEMAS", "DamagedPartError", "as_table", "checked_parts", "drop_parts_except", "ensure_table",
           "ensure_tables", "glob", "has_table", "keyed_parts", "parts_stamp", "private_dir", "query", "read_table",
           "replace_keyed_part", "replace_table", "row_count", "scan", "table_dir", "table_lock", "value_counts",
           "write_part", "writer_lock"]
