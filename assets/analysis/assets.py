"""Analysis assets downstream of the marts: correlations, alerts, risk, classifier coverage and evaluation.

In a run scoped to the cities whose data changed (the ``scn/changed-cities`` tag of an incremental `scn run`),
the per-city tables recompute those cities only and keep every other city's rows from the last run; the
network-wide steps (the Benjamini-Hochberg adjustment of ``correlations``) rerun over all cities, and the
classifier's evaluation, which reads no city's data, is kept while its inputs are unchanged.
"""

import hashlib
import json
from importlib import import_module

from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, MaterializeResult, asset

from assets.ingest.partitions import changed_cities
from assets.keys import analysis_key, lake_key, warehouse_key
from assets.per_city import per_city_result, recompute, scope
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only

ROWS_TABLE = "correlation_rows"  # per-city rows of `correlations` before the network-wide adjustment
RATES_TABLE = "correlation_rates"  # the per-city classifier error rates those rows were computed with


def _per_city_asset(name: str, deps: list[AssetKey], description: str) -> AssetsDefinition:
    """``analysis/<name>``: ``scn.analysis.tables.<name>(cities)`` for the cities in scope, the other cities'
    rows kept from the lake table ``name``."""
    @asset(key=analysis_key(name), group_name="analysis", deps=deps, description=description,
           retry_policy=retry_policy())
    @transient_only
    def _asset(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
        tables = import_module("scn.analysis.tables")  # the statistics stack: at run time only
        with lake.scope():
            done = recompute(name, *scope(context, deps), getattr(tables, name), tables.PER_CITY[name])
        lake.replace_table(name, done.frame)
        context.log.info(f"{name}: computed {len(done.computed)} cities ({done.reason}), kept {done.kept}")
        return per_city_result(done.frame, done.computed, done.kept, done.reason)

    return _asset


# every input ``correlations`` reads: a change in any of them recomputes every city in a scoped run
# (int_area_month_lang: the posts' mix of languages and platforms the rates are re-weighted to, platform_mix)
CORRELATION_DEPS = [warehouse_key("cell_month"), warehouse_key("area_period"), warehouse_key("area_attribute_year"),
                    warehouse_key("int_area_month_lang"), lake_key("areas"), analysis_key("classifier_rates")]


@asset(key=analysis_key("correlations"), group_name="analysis", deps=CORRELATION_DEPS, retry_policy=retry_policy(),
       description="Per city: within-place fixed-effects rate ratios per doubling of hateful posts both ways "
                   "(speech -> later crime, crime -> later speech), spillover, placebo lead, negative control, "
                   "prewhitened secondary statistics; each with CI and n; and a direction verdict with evidence. "
                   "Flagged counts adjusted with the city's own review-measured error rates when it has them "
                   "(intervals widened over their 95% ranges). Cities with published hate-crime counts per area "
                   "are analysed at area level (areas x the counts' period, population as exposure); every row "
                   "says its level and period. Secondary p-values adjusted across the network (every city).")
@transient_only
def correlations(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
    """Per-city rows for the cities in scope (and those whose measured error rates changed), the other cities'
    rows kept from ``correlation_rows``; then the network-wide adjustment over every city."""
    import pyarrow as pa
    from threadpoolctl import threadpool_limits

    from scn.analysis import tables
    from scn.analysis.engine import adjust

    # one BLAS thread: the fits are many small matrices, for which the threads of a multithreaded BLAS cost more
    # than they save, most on a busy machine (the fit of a small world's city: 0.25 s -> 0.02 s measured)
    with lake.scope(), threadpool_limits(limits=1, user_api="blas"):
        rates = tables.measured_rates_table()
        # a city's own review-measured rates may change without new data of its own
        done = recompute(ROWS_TABLE, *scope(context, CORRELATION_DEPS), tables.correlation_rows, ["city_id"],
                         widen=lambda: tables.cities_differing(tables.previous_table(RATES_TABLE), rates))
        frame = pa.Table.from_pandas(adjust(done.frame.to_pandas()), preserve_index=False)
    lake.replace_table(ROWS_TABLE, done.frame)
    lake.replace_table(RATES_TABLE, rates)
    lake.replace_table("correlations", frame)
    context.log.info(f"correlations: computed {len(done.computed)} cities ({done.reason}), kept {done.kept}; "
                     "adjusted over all")
    return per_city_result(frame, done.computed, done.kept, done.reason)


def evaluation_inputs() -> str:
    """Fingerprint of what the classifier's evaluation reads (no city's data): the model spec and its files'
    stamps, the evaluation file, the shipped model card and the platform's code (a version that publishes other
    columns, an interval say, recomputes the table instead of keeping the one an older version wrote)."""
    from pathlib import Path

    from scn.code_version import code_version
    from scn.hashing import file_sha256, tree_stamp
    from scn.nlp.evaluation import model_card
    from scn.settings import settings

    s = settings()

    def stamp(spec: str | None) -> object:
        return tree_stamp(Path(spec)) if spec and Path(spec).exists() else spec

    eval_sha = file_sha256(Path(s.classifier_eval)) if s.classifier_eval and Path(s.classifier_eval).is_file() \
        else None
    text = json.dumps([s.classifier, stamp(s.classifier), s.classifier_eval, eval_sha, model_card(), code_version()],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@asset(key=analysis_key("classifier_eval"), group_name="analysis", deps=[lake_key("post_labels")],
       retry_policy=retry_policy(),
       description="Held-out precision, recall and F1 per language and class of the classifier in use.")
@transient_only
def classifier_eval(context: AssetExecutionContext, lake: LakeResource) -> MaterializeResult:
    """Network-wide and independent of the cities' posts: in a scoped run it is kept as it is when the model,
    its evaluation file and its card are those it was computed from; recomputed otherwise."""
    import pyarrow as pa

    from scn.analysis import tables

    with lake.scope():
        inputs = evaluation_inputs()
        last = context.instance.get_latest_materialization_event(context.asset_key)
        before = last.asset_materialization.metadata.get("inputs") if last and last.asset_materialization else None
        previous = tables.previous_table("classifier_eval")
        if changed_cities(context.run.tags) is not None and previous is not None and before is not None \
                and before.value == inputs:
            context.log.info("classifier_eval: inputs unchanged, kept as it is")
            return per_city_result(previous, None, 0, "kept (inputs unchanged)", extra={"inputs": inputs, "reused": True})
        frame = pa.Table.from_pandas(tables.classifier_evaluation(), preserve_index=False)
    lake.replace_table("classifier_eval", frame)
    return per_city_result(frame, None, 0, "computed", extra={"inputs": inputs, "reused": False})


analysis_assets: list[AssetsDefinition] = [
    correlations,
    _per_city_asset("alerts", [warehouse_key("area_week"), lake_key("posts"), lake_key("posts_enriched")],
                    "Early warning: weekly bursts of flagged speech per area against a seasonal negative-binomial "
                    "baseline (at most one false alert per area-year expected), and coordinated posting "
                    "(independent near-duplicate hateful texts from many accounts in a short window; shares "
                    "apart). Per city: a scoped run recomputes its changed cities only."),
    _per_city_asset("risk", [warehouse_key("area_month"), warehouse_key("survey_indices")],
                    "Local risk profile: areas ranked by empirical-Bayes smoothed rates of recent speech and hate "
                    "crime, with exceedance probabilities, 90% rank intervals and reasons as bands. Per city: a "
                    "scoped run recomputes its changed cities only."),
    classifier_eval,
]
