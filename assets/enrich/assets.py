"""Enrichment assets, partitioned by city like the ingests: speech labels (incremental by model version) and
locations of posts and crimes, one lake part per city."""

from dagster import AssetExecutionContext, BackfillPolicy, MaterializeResult, MetadataValue, asset

from assets.ingest.partitions import CITY_PARTITIONS
from assets.keys import lake_key
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only

# a range of cities (`scn run`, the daily run, a backfill) is one run, as for the ingests
CITY_RANGE = {"partitions_def": CITY_PARTITIONS, "backfill_policy": BackfillPolicy.single_run()}


def _cities(context: AssetExecutionContext) -> list[str]:
    return list(context.partition_keys)


@asset(retry_policy=retry_policy(), key=lake_key("post_labels"), group_name="enrich", deps=[lake_key("posts")],
       description="Speech label per post (hate | offensive | none, score, assessed flag, model version). "
                   "Only the partition's posts without a label from the current model version are classified "
                   "(every post after a change of version).", **CITY_RANGE)
@transient_only
def post_labels(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
    from scn.enrich import tables  # the NLP and geo stacks load when the step runs

    with lake.scope():
        summary = tables.classify_new_posts(cities=_cities(context))
    context.log.info(f"classified {summary['classified']} posts with {summary['model_version']}")
    return MaterializeResult(metadata={**summary, "rows": lake.row_count("post_labels")})


@asset(retry_policy=retry_policy(), key=lake_key("posts_enriched"), group_name="enrich",
       deps=[lake_key("posts"), lake_key("post_labels"), lake_key("areas"), lake_key("cities")],
       description="Posts without text or pseudonym: month, week, label, location precision "
                   "(cell | area | city | unknown), area and H3 cell. One part per city, recomputed only when "
                   "the city's posts, labels, areas or registry row changed.", **CITY_RANGE)
@transient_only
def posts_enriched(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
    from scn.enrich import tables  # the NLP and geo stacks load when the step runs

    with lake.scope():
        done = tables.enrich_posts(cities=_cities(context))
    context.log.info(f"recomputed {', '.join(done['cities']) or 'no city'}; unchanged: "
                     f"{', '.join(done['unchanged']) or 'none'}")
    precision = lake.value_counts("posts_enriched", "precision")
    return MaterializeResult(metadata={"rows": lake.row_count("posts_enriched"), "rows_written": done["rows"],
                                       "cities_recomputed": MetadataValue.json(done["cities"]),
                                       **{f"precision_{k}": v for k, v in precision.items()}})


@asset(retry_policy=retry_policy(), key=lake_key("crimes_enriched"), group_name="enrich",
       deps=[lake_key("crimes"), lake_key("areas")],
       description="Crime records with month, week, location precision, area and H3 cell. One part per city, "
                   "recomputed only when the city's crimes or areas changed.", **CITY_RANGE)
@transient_only
def crimes_enriched(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
    from scn.enrich import tables  # the NLP and geo stacks load when the step runs

    with lake.scope():
        done = tables.enrich_crimes(cities=_cities(context))
    return MaterializeResult(metadata={"rows": lake.row_count("crimes_enriched"), "rows_written": done["rows"],
                                       "cities_recomputed": MetadataValue.json(done["cities"])})


enrich_assets = [post_labels, posts_enriched, crimes_enriched]
