"""Analysis assets downstream of the marts: correlations, alerts, risk, classifier coverage and evaluation."""

from __future__ import annotations

from dagster import AssetKey, AssetsDefinition

from assets.keys import analysis_key, lake_key, warehouse_key
from assets.lake_tables import lake_table_asset


def _analysis_asset(name: str, deps: list[AssetKey], description: str, function: str | None = None
                    ) -> AssetsDefinition:
    """An asset computing ``scn.analysis.tables.<function or name>()`` and storing it as the lake table ``name``."""
    return lake_table_asset(name, deps, description, module="scn.analysis.tables", group="analysis",
                            function=function, preview=True)


analysis_assets = [
    _analysis_asset("correlations", [warehouse_key("cell_month"), warehouse_key("area_period"),
                                     warehouse_key("area_attribute_year"), lake_key("areas"),
                                     analysis_key("classifier_rates")],
                    "Per city: within-place fixed-effects rate ratios per doubling of hateful posts both ways "
                    "(speech -> later crime, crime -> later speech), spillover, placebo lead, negative control, "
                    "prewhitened secondary statistics; each with CI and n; and a direction verdict with evidence. "
                    "Flagged counts adjusted with the city's own review-measured error rates when it has them "
                    "(intervals widened over their 95% ranges). Cities with published hate-crime counts per area "
                    "are analysed at area level (areas x the counts' period, population as exposure); every row "
                    "says its level and period."),
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
