"""The dbt marts (transforms/models/marts/*.sql): their names are the names the platform publishes, and a content
hash of each to compare two warehouses."""

import hashlib
from pathlib import Path

import duckdb

MARTS_DIR = Path(__file__).resolve().parents[2] / "transforms" / "models" / "marts"
MARTS = tuple(sorted(p.stem for p in MARTS_DIR.glob("*.sql")))


def _canonical(row: tuple) -> str:
    # DuckDB's parallel aggregation may sum floats in a different order from run to run: compare floats to
    # 10 significant digits, everything else exactly
    return repr(tuple(f"{v:.10g}" if isinstance(v, float) else v for v in row))


def mart_hashes(warehouse: Path) -> dict[str, str]:
    """Content hash of every mart, independent of row order and of float summation order."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        built = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        marts = [m for m in MARTS if m in built]
        for mart in marts:
            rows = con.execute(f"select * from {mart}").fetchall()
            digest = hashlib.sha256()
            for row in sorted(_canonical(r) for r in rows):
                digest.update(row.encode())
            out[mart] = f"{len(rows)}:{digest.hexdigest()[:16]}"
    return out
