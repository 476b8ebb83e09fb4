"""Enrichment assets: speech labels (incremental by model version) and locations of posts and crimes."""


from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from assets.ingest import lake_key
from assets.retry import retry_policy, transient_only
from scn import enrich, lake


@asset(retry_policy=retry_policy(), key=lake_key("post_labels"), group_name="enrich", deps=[lake_key("posts")],
       description="Speech label per post (hate | offensive | none, score, assessed flag, model version). "
                   "Only posts without a label from the current model version are classified.")
@transient_only
def post_labels(context: AssetExecutionContext) -> MaterializeResult:
    summary = enrich.classify_new_posts()
    context.log.info(f"classified {summary['classified']} posts with {summary['model_version']}")
    return MaterializeResult(metadata={**summary, "rows": lake.row_count("post_labels")})


@asset(retry_policy=retry_policy(), key=lake_key("posts_enriched"), group_name="enrich",
       deps=[lake_key("posts"), lake_key("post_labels"), lake_key("areas"), lake_key("cities")],
       description="Posts without text or pseudonym: month, week, label, location precision "
                   "(cell | area | city | unknown), area and H3 cell.")
@transient_only
def posts_enriched() -> MaterializeResult:
    rows = enrich.enrich_posts()
    precision = lake.value_counts("posts_enriched", "precision")
    return MaterializeResult(metadata={"rows": rows, **{f"precision_{k}": v for k, v in precision.items()}})


@asset(retry_policy=retry_policy(), key=lake_key("crimes_enriched"), group_name="enrich",
       deps=[lake_key("crimes"), lake_key("areas")],
       description="Crime records with month, week, location precision, area and H3 cell.")
@transient_only
def crimes_enriched() -> MaterializeResult:
    return MaterializeResult(metadata={"rows": enrich.enrich_crimes()})


enrich_assets = [post_labels, posts_enriched, crimes_enriched]
ENRICHED_KEYS = [AssetKey(["lake", t]) for t in ("post_labels", "posts_enriched", "crimes_enriched")]
