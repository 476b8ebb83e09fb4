"""Ingest assets: one per source family; each ingests the inbox files not yet in the ingest log."""


from collections.abc import Iterator

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    DynamicPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    asset_check,
    multi_asset,
)

from assets.retry import retry_policy, transient_only
from scn import lake
from scn.lake_schema import ensure_tables

# family -> lake tables it writes (docs/CONTRACTS.md)
FAMILY_TABLES: dict[str, tuple[str, ...]] = {
    "cities": ("cities",),
    "boundaries": ("areas",),
    "social": ("posts",),
    "crime": ("crimes",),
    "survey": ("survey_responses", "survey_codebook"),
    "programme": ("programme_activities", "programme_participants", "programme_grants"),
}
LEDGER_TABLES = ("quarantine", "ingest_log")
# families whose files arrive per city (inbox/<kind>/<city_id>/): their assets are partitioned by city. The member
# registry and the programme records are network-wide files and stay unpartitioned.
CITY_PARTITIONS = DynamicPartitionsDefinition(name="city")
PARTITIONED_KINDS = ("boundaries", "social", "crime", "survey")
MAX_QUARANTINE_RATE = 0.05


def partitioned_keys() -> list[AssetKey]:
    """Lake tables written by the city-partitioned ingest assets."""
    return [lake_key(t) for k in PARTITIONED_KINDS for t in FAMILY_TABLES[k]]


def lake_key(table: str) -> AssetKey:
    return AssetKey(["lake", table])


def _ingest_family(kind: str, tables: tuple[str, ...]):
    deps = [] if kind == "cities" else [lake_key("cities")]
    if kind in ("social", "crime", "survey"):
        deps.append(lake_key("areas"))

    @multi_asset(
        retry_policy=retry_policy(),
        name=f"ingest_{kind}",
        group_name="ingest",
        specs=[AssetSpec(lake_key(t), deps=deps, description=f"Lake table `{t}` (Parquet), ingested from "
                         f"$SCN_HOME/inbox/{kind}/") for t in tables],
        can_subset=False,
        partitions_def=CITY_PARTITIONS if kind in PARTITIONED_KINDS else None,
        # a range of cities (a backfill, `scn run`, the daily run) is one run, not one run per city
        backfill_policy=BackfillPolicy.single_run() if kind in PARTITIONED_KINDS else None,
    )
    @transient_only
    def _asset(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
        from scn.ingest import ingest_inbox

        cities = context.partition_keys if context.has_partition_key_range or context.has_partition_key else None
        if cities is not None:
            context.log.info(f"cities: {', '.join(cities)}")
        results = ingest_inbox(kind, cities=cities)
        ensure_tables(tables)
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
def ingest_ledger() -> Iterator[MaterializeResult]:
    """Summarise what the ingests wrote to the quarantine and the ingest log."""
    ensure_tables(LEDGER_TABLES)
    q = lake.read_table("quarantine")
    log = lake.read_table("ingest_log")
    by_reason = q.groupby(["kind", "field"]).size().sort_values(ascending=False).head(20) if len(q) else None
    yield MaterializeResult(asset_key=lake_key("quarantine"), metadata={
        "rows": len(q),
        "top_fields": MetadataValue.md(by_reason.to_frame("rows").to_markdown() if by_reason is not None else "none"),
    })
    yield MaterializeResult(asset_key=lake_key("ingest_log"), metadata={"files": len(log)})


@asset_check(asset=lake_key("quarantine"), description="Share of rows quarantined per family stays under 5%.")
def quarantine_rate() -> AssetCheckResult:
    log = lake.read_table("ingest_log")
    if log.empty:
        return AssetCheckResult(passed=True, metadata={"files": 0})
    per_kind = log.groupby("kind")[["rows_read", "quarantined"]].sum()
    rate = (per_kind["quarantined"] / per_kind["rows_read"].clip(lower=1)).round(4)
    worst = float(rate.max())
    return AssetCheckResult(
        passed=worst <= MAX_QUARANTINE_RATE,
        severity=AssetCheckSeverity.WARN,
        metadata={"worst_rate": worst, "rates": MetadataValue.json(rate.to_dict())},
    )
