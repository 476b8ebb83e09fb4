"""The dbt marts (transforms/models/marts/*.sql): their names are the names the platform publishes."""

from pathlib import Path

MARTS_DIR = Path(__file__).resolve().parents[2] / "transforms" / "models" / "marts"
MARTS = tuple(sorted(p.stem for p in MARTS_DIR.glob("*.sql")))
