"""Enrichment assets: speech labels (incremental by model version) and locations of posts and crimes."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from assets.keys import lake_key
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only


@asset(retry_policy=retry_policy(), key=lake_key("post_labels"), group_name="enrich", deps=[lake_key("posts")],
       description="Speech label per post (hate | offensive | none, score, assessed flag, model version). "
                   "Only posts without a label from the current model version are classified.")
@transient_only
def post_labels(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
    from scn.enrich import tables  # the NLP and geo stacks load when the step runs

    with lake.scope():
        summary = tables.classify_new_posts()
    context.log.info(f"classified {summary['classified']} posts with {summary['model_version']}")
    return MaterializeResult(metadata={**summary, "rows": lake.row_count("post_labels")})


@asset(retry_policy=retry_policy(), key=lake_key("posts_enriched"), group_name="enrich",
       deps=[lake_key("posts"), lake_key("post_labels"), lake_key("areas"), lake_key("cities")],
       description="Posts without text or pseudonym: month, week, label, location precision "
                   "(cell | area | city | unknown), area and H3 cell.")
@transient_only
def posts_enriched(lake: LakeResource) -> MaterializeResult:
    from scn.enrich import tables  # the NLP and geo stacks load when the step runs

    with lake.scope():
        rows = tables.enrich_posts()
    precision = lake.value_counts("posts_enriched", "precision")
    return MaterializeResult(metadata={"rows": rows, **{f"precision_{k}": v for k, v in precision.items()}})


@asset(retry_policy=retry_policy(), key=lake_key("crimes_enriched"), group_name="enrich",
       deps=[lake_key("crimes"), lake_key("areas")],
       description="Crime records with month, week, location precision, area and H3 cell.")
@transient_only
def crimes_enriched(lake: LakeResource) -> MaterializeResult:
    from scn.enrich import tables  # the NLP and geo stacks load when the step runs

    with lake.scope():
        rows = tables.enrich_crimes()
    return MaterializeResult(metadata={"rows": rows})


enrich_assets = [post_labels, posts_enriched, crimes_enriched]
