"""Publish: the serving snapshot dashboards and exports read, swapped in atomically after a good run."""


from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from assets.keys import SNAPSHOT_KEY, analysis_key
from assets.publish.health import asset_health, check_results, collection_health
from assets.resources import ServingResource, WarehouseResource
from assets.retry import retry_policy, transient_only
from assets.transforms.assets import mart_keys

ANALYSIS_PUBLISHED = ("correlations", "alerts", "risk", "classifier_eval", "review_accuracy", "classifier_rates",
                      "adjusted_counts")


@asset(
    retry_policy=retry_policy(),
    key=SNAPSHOT_KEY,
    group_name="publish",
    deps=[*mart_keys(), *(analysis_key(t) for t in ANALYSIS_PUBLISHED)],
    description="Serving snapshot: every mart (under its own name, cities and areas included) and the "
                "analysis tables, as Parquet under serving/snapshots/<id>/; serving/current swapped atomically. "
                "Tables whose content is unchanged since the last snapshot are linked from it, not written again.",
)
@transient_only
def serving_snapshot(context: AssetExecutionContext, warehouse: WarehouseResource,
                     serving_store: ServingResource) -> MaterializeResult:
    from scn import lake
    from scn.publish import serving

    with serving_store.scope(), warehouse.connect() as con:
        built = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        marts = sorted(k.path[-1] for k in mart_keys() if k.path[-1] in built)
        data_date = con.execute("select max(period) from city_month").fetchone()[0] \
            if "city_month" in marts else None
    with serving_store.scope():
        # `order by all`: the same warehouse always publishes byte-identical tables (reproducible snapshots)
        queries = {m: f"select * from {m} order by all" for m in marts}
        fingerprints = {}  # a lake table's parts are named by their content's hash: its fingerprint for free
        for t in ANALYSIS_PUBLISHED:
            if lake.has_table(t):
                queries[t] = f"select * from {lake.scan(t)} order by all"
                fingerprints[t] = ",".join(sorted(p.name for p in lake.table_dir(t).glob("part-*.parquet")))
        from scn.ingest.ingest_warnings import published as ingest_warnings

        health = {"asset_health": asset_health(context), "check_results": check_results(context),
                  "collection_health": collection_health(context), "ingest_warnings": ingest_warnings()}
        snap = serving.publish(health, run_id=context.run_id, data_date=data_date,
                               from_duckdb=(warehouse.path(), queries), fingerprints=fingerprints)
        meta = serving.manifest(snap)
    context.log.info(f"snapshot: {len(meta['reused'])} of {len(meta['tables'])} tables reused unchanged")
    return MaterializeResult(metadata={
        "snapshot": str(snap),
        "tables": MetadataValue.json(meta["tables"]),
        "reused": MetadataValue.json(meta["reused"]),
        "data_date": str(data_date),
    })
