"""Analysis assets downstream of the marts: correlations, alerts, risk, classifier coverage and evaluation."""


from collections.abc import Callable

import pandas as pd
from dagster import AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from assets.retry import retry_policy, transient_only
from scn import analysis, lake


def analysis_key(name: str) -> AssetKey:
    return AssetKey(["analysis", name])


def _analysis_asset(name: str, compute: Callable[[], pd.DataFrame], deps: list[AssetKey],
                    description: str) -> AssetsDefinition:
    @asset(key=analysis_key(name), group_name="analysis", deps=deps, description=description,
           retry_policy=retry_policy())
    @transient_only
    def _asset() -> MaterializeResult:
        frame = compute()
        lake.replace_table(name, frame)
        meta: dict = {"rows": len(frame)}
        if "city_id" in frame and len(frame):
            meta["cities"] = int(frame["city_id"].nunique())
        if len(frame):
            meta["preview"] = MetadataValue.md(frame.head(10).astype(str).to_markdown(index=False))
        return MaterializeResult(metadata=meta)

    return _asset


def _wh(name: str) -> AssetKey:
    return AssetKey(["warehouse", name])


analysis_assets = [
    _analysis_asset("correlations", analysis.correlations, [_wh("mart_cell_month"), AssetKey(["lake", "areas"])],
                    "Per city: Spearman (permutation p), lagged cross-correlation, negative binomial rate ratio "
                    "of hate crimes per flagged post a month earlier, bivariate Moran's I; each with CI and n."),
    _analysis_asset("alerts", analysis.alerts, [AssetKey(["lake", "posts_enriched"]), AssetKey(["lake", "posts"])],
                    "Early warning: weekly bursts of flagged speech per area against its own baseline, and "
                    "coordinated posting (near-duplicate texts from many accounts in a short window)."),
    _analysis_asset("risk", analysis.risk, [_wh("mart_area_month"), _wh("mart_survey_indices")],
                    "Local risk profile: areas ranked by recent speech, crime and survey resilience, with reasons."),
    _analysis_asset("classifier_coverage", analysis.classifier_coverage, [AssetKey(["lake", "posts_enriched"])],
                    "Posts per city and language, assessed by the classifier or not (languages it does not cover)."),
    _analysis_asset("classifier_eval", analysis.classifier_evaluation, [AssetKey(["lake", "post_labels"])],
                    "Held-out precision, recall and F1 per language and class of the classifier in use."),
]
