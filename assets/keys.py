"""Asset keys shared across domains: where a table lives names its key (a leaf module: imports no domain)."""

from dagster import AssetKey

SNAPSHOT_KEY = AssetKey(["serving", "snapshot"])


def lake_key(table: str) -> AssetKey:
    """A Parquet table in the lake (ingest and enrichment outputs)."""
    return AssetKey(["lake", table])


def warehouse_key(model: str) -> AssetKey:
    """A dbt model in the DuckDB warehouse."""
    return AssetKey(["warehouse", model])


def analysis_key(name: str) -> AssetKey:
    """A table computed by the analysis domain (stored in the lake, published)."""
    return AssetKey(["analysis", name])
