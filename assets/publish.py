"""Publish: the serving snapshot dashboards and exports read, swapped in atomically after a good run."""


import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from assets.dbt import mart_keys
from assets.health import asset_health, check_results, quarantine_summary
from assets.retry import retry_policy, transient_only
from scn import lake, serving
from scn.config import paths

# lake tables published as they are (no post text, no pseudonyms in any of them)
LAKE_PUBLISHED = ("cities", "areas")
ANALYSIS_PUBLISHED = ("correlations", "alerts", "risk", "classifier_eval", "classifier_coverage")


@asset(
    retry_policy=retry_policy(),
    key=AssetKey(["serving", "snapshot"]),
    group_name="publish",
    deps=[*mart_keys(), *(AssetKey(["analysis", t]) for t in ANALYSIS_PUBLISHED),
          *(AssetKey(["lake", t]) for t in LAKE_PUBLISHED)],
    description="Serving snapshot: every mart (without the `mart_` prefix), the analysis tables, cities and "
                "areas, as Parquet under serving/snapshots/<id>/; serving/current swapped atomically.",
)
@transient_only
def serving_snapshot(context: AssetExecutionContext) -> MaterializeResult:
    warehouse = paths().warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_name like 'mart\\_%' escape '\\' "
            "order by 1").fetchall()]
        data_date = con.execute("select max(period) from mart_city_month").fetchone()[0] \
            if "mart_city_month" in marts else None
    # `order by all`: the same warehouse always publishes byte-identical tables (reproducible snapshots)
    queries = {m.removeprefix("mart_"): f"select * from {m} order by all" for m in marts}
    for t in LAKE_PUBLISHED + ANALYSIS_PUBLISHED:
        if lake.has_table(t):
            queries[t] = f"select * from {lake.scan(t)} order by all"
    health = {"asset_health": asset_health(context), "check_results": check_results(context),
              "quarantine_summary": quarantine_summary()}
    snap = serving.publish(health, run_id=context.run_id, data_date=data_date, from_duckdb=(warehouse, queries))
    meta = serving.manifest(snap)
    return MaterializeResult(metadata={
        "snapshot": str(snap),
        "tables": MetadataValue.json(meta["tables"]),
        "data_date": str(data_date),
    })
