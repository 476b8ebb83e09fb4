"""Review-loop tables computed from the review store and the lake, stored in the lake and published as is:
``review_accuracy`` (per city x language, measured on reviewed posts), ``classifier_rates`` (the error rates the
adjusted counts use) and ``adjusted_counts`` (flagged posts per city x area x month, raw and adjusted), which a
run scoped to the changed cities recomputes for those cities and for those whose error rates changed only."""

from functools import partial

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, asset

from assets.keys import analysis_key, lake_key, warehouse_key
from assets.lake_tables import lake_table_asset
from assets.per_city import per_city_result, recompute, scope
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only

ADJUSTED_RATES = "adjusted_counts_rates"  # the classifier_rates the kept rows of adjusted_counts were computed with
ADJUSTED_DEPS = [warehouse_key("int_area_month_lang"), analysis_key("classifier_rates")]


def _review_asset(name: str, deps: list[AssetKey], description: str) -> AssetsDefinition:
    """An asset computing ``scn.review.tables.<name>()`` and storing it as the lake table ``name``."""
    return lake_table_asset(name, deps, description, module="scn.review.tables", group="review")


review_assets = [
    _review_asset("review_accuracy", [lake_key("post_labels")],
                  "Per city x language: the labelling measured on the reviewed random stratum (precision, recall, "
                  "F1 of hate, macro-F1, 95% intervals, n, Cohen's kappa), re-weighted per platform to the city's "
                  "posts' mix now when every platform's stratum allows (sample_mix, posts_mix, weighted); figures "
                  "on fewer posts than the disclosure threshold are left empty."),
    _review_asset("classifier_rates", [lake_key("posts_enriched"), analysis_key("classifier_eval")],
                  "Per city x language x platform: true- and false-positive rates of the flagged class, measured "
                  "on the city's reviewed posts of that platform when enough (post-stratified: each platform's "
                  "posts corrected with their own rates, whatever the mix now), else the held-out evaluation's of "
                  "that language and platform, else none (rates_source)."),
]


@asset(key=analysis_key("adjusted_counts"), group_name="review", deps=ADJUSTED_DEPS, retry_policy=retry_policy(),
       description="Per city x official area x month: flagged posts raw and adjusted for the classifier's errors "
                   "(adjusted classify-and-count per language and platform, summed), with a 95% interval, the "
                   "source of the rates and the posts corrected and not. Per city: a scoped run recomputes its "
                   "changed cities, and those whose error rates changed, only.")
@transient_only
def adjusted_counts(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
    """The cities in scope and those whose ``classifier_rates`` rows changed since the last result (a review
    changes a city's rates without new data of its own); every other city's rows kept from the last result."""
    from scn.analysis.tables import cities_differing, previous_table
    from scn.review import tables

    with lake.scope():
        rates = tables.adjusting_rates()
        done = recompute("adjusted_counts", *scope(context, ADJUSTED_DEPS),
                         partial(tables.adjusted_counts, rates=rates), tables.ADJUSTED_KEYS,
                         widen=lambda: cities_differing(previous_table(ADJUSTED_RATES), rates))  # rates read once
    lake.replace_table("adjusted_counts", done.frame)
    lake.replace_table(ADJUSTED_RATES, rates)
    context.log.info(f"adjusted_counts: computed {len(done.computed)} cities ({done.reason}), kept {done.kept}")
    return per_city_result(done.frame, done.computed, done.kept, done.reason, preview=False)


review_assets.append(adjusted_counts)
