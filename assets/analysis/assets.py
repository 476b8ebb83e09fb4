"""Analysis assets downstream of the marts: correlations, alerts, risk, classifier coverage and evaluation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dagster import AssetKey, AssetsDefinition, MaterializeResult, MetadataValue, asset

from assets.keys import analysis_key, lake_key, warehouse_key
from assets.resources import LakeResource
from assets.retry import retry_policy, transient_only

if TYPE_CHECKING:
    import pandas as pd


def _analysis_asset(name: str, deps: list[AssetKey], description: str, function: str | None = None
                    ) -> AssetsDefinition:
    """An asset computing ``scn.analysis.tables.<function or name>()`` and storing it as the lake table ``name``."""
    @asset(key=analysis_key(name), group_name="analysis", deps=deps, description=description,
           retry_policy=retry_policy())
    @transient_only
    def _asset(lake: LakeResource) -> MaterializeResult:
        # imported when the step runs: the statistics stack (statsmodels, libpysal) would otherwise make every
        # load of the code location (webserver, daemon, sensors) several seconds slower
        from scn.analysis import tables

        compute: Callable[[], pd.DataFrame] = getattr(tables, function or name)
        with lake.scope():
            frame = compute()
        lake.replace_table(name, frame)
        meta: dict = {"rows": len(frame)}
        if "city_id" in frame and len(frame):
            meta["cities"] = int(frame["city_id"].nunique())
        if len(frame):
            meta["preview"] = MetadataValue.md(frame.head(10).astype(str).to_markdown(index=False))
        return MaterializeResult(metadata=meta)

    return _asset


analysis_assets = [
    _analysis_asset("correlations", [warehouse_key("cell_month"), lake_key("areas"),
                                     analysis_key("classifier_rates")],
                    "Per city: within-place fixed-effects rate ratios per doubling of hateful posts both ways "
                    "(speech -> later crime, crime -> later speech), spillover, placebo lead, negative control, "
                    "prewhitened secondary statistics; each with CI and n; and a direction verdict with evidence. "
                    "Flagged counts adjusted with the city's own review-measured error rates when it has them "
                    "(intervals widened over their 95% ranges)."),
    _analysis_asset("alerts", [warehouse_key("area_week"), lake_key("posts"), lake_key("posts_enriched")],
                    "Early warning: weekly bursts of flagged speech per area against a seasonal negative-binomial "
                    "baseline (at most one false alert per area-year expected), and coordinated posting "
                    "(independent near-duplicate hateful texts from many accounts in a short window; shares apart)."),
    _analysis_asset("risk", [warehouse_key("area_month"), warehouse_key("survey_indices")],
                    "Local risk profile: areas ranked by empirical-Bayes smoothed rates of recent speech and hate "
                    "crime, with exceedance probabilities, 90% rank intervals and reasons as bands."),
    _analysis_asset("classifier_eval", [lake_key("post_labels")],
                    "Held-out precision, recall and F1 per language and class of the classifier in use.",
                    function="classifier_evaluation"),
]
