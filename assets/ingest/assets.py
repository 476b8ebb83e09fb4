"""Ingest assets: one per source family; each ingests the inbox files not yet in the ingest log."""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from assets.ingest.partitions import CITY_PARTITIONS, PARTITIONED_KINDS
from assets.keys import lake_key
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only
from scn.ingest.families import FAMILY_TABLES

LEDGER_TABLES = ("quarantine", "ingest_log")


def _ingest_family(kind: str, tables: tuple[str, ...]):
    deps = [] if kind == "cities" else [lake_key("cities")]
    if kind in ("social", "crime", "survey", "area-attributes", "crime-counts"):
        deps.append(lake_key("areas"))

    @multi_asset(
        retry_policy=retry_policy(),
        name=f"ingest_{kind.replace('-', '_')}",
        group_name="ingest",
        specs=[AssetSpec(lake_key(t), deps=deps, description=f"Lake table `{t}` (Parquet), ingested from "
                         f"$SCN_HOME/inbox/{kind}/") for t in tables],
        can_subset=False,
        partitions_def=CITY_PARTITIONS if kind in PARTITIONED_KINDS else None,
        # a range of cities (a backfill, `scn run`, the daily run) is one run, not one run per city
        backfill_policy=BackfillPolicy.single_run() if kind in PARTITIONED_KINDS else None,
    )
    @transient_only
    def _asset(context: AssetExecutionContext, lake: LakeResource) -> Iterator[MaterializeResult]:
        cities = context.partition_keys if context.has_partition_key_range or context.has_partition_key else None
        if cities is not None:
            context.log.info(f"cities: {', '.join(cities)}")
        from scn.ingest.pipeline import ingest_inbox

        with lake.scope():
            results = ingest_inbox(kind, cities=cities)
        lake.ensure_tables(tables)
        for r in results:
            context.log.info(f"{r.file}: read {r.rows_read}, accepted {r.accepted}, quarantined {r.quarantined}, "
                             f"duplicates {r.duplicates}")
        files = [{"file": r.file, "accepted": r.accepted, "quarantined": r.quarantined,
                  "duplicates": r.duplicates} for r in results]
        for t in tables:
            rows = lake.row_count(t)
            yield MaterializeResult(asset_key=lake_key(t), metadata={
                "rows": rows,
                "files_ingested": len(results),
                "accepted_this_run": sum(r.accepted for r in results),
                "quarantined_this_run": sum(r.quarantined for r in results),
                "files": MetadataValue.json(files[:50]),
            })

    return _asset


ingest_assets = [_ingest_family(kind, tables) for kind, tables in FAMILY_TABLES.items()]


@multi_asset(
    retry_policy=retry_policy(),
    name="ingest_ledger",
    group_name="ingest",
    specs=[
        AssetSpec(lake_key("quarantine"), deps=[lake_key(t) for ts in FAMILY_TABLES.values() for t in ts],
                  description="Rows that failed validation: file, row, field, reason (author fields removed)."),
        AssetSpec(lake_key("ingest_log"), deps=[lake_key(t) for ts in FAMILY_TABLES.values() for t in ts],
                  description="One row per ingested file: counts, content hash, archive location."),
    ],
)
@transient_only
def ingest_ledger(lake: LakeResource) -> Iterator[MaterializeResult]:
    """Summarise what the ingests wrote to the quarantine and the ingest log."""
    lake.ensure_tables(LEDGER_TABLES)
    q = lake.read_table("quarantine")
    log = lake.read_table("ingest_log")
    by_reason = q.groupby(["kind", "field"]).size().sort_values(ascending=False).head(20) if len(q) else None
    yield MaterializeResult(asset_key=lake_key("quarantine"), metadata={
        "rows": len(q),
        "top_fields": MetadataValue.md(by_reason.to_frame("rows").to_markdown() if by_reason is not None else "none"),
    })
    yield MaterializeResult(asset_key=lake_key("ingest_log"), metadata={"files": len(log)})
