"""Review-loop tables computed from the review store and the lake, stored in the lake and published as is:
``review_accuracy`` (per city x language, measured on reviewed posts), ``classifier_rates`` (the error rates the
adjusted counts use) and ``adjusted_counts`` (flagged posts per city x area x month, raw and adjusted)."""

from __future__ import annotations

from dagster import AssetKey, AssetsDefinition

from assets.keys import analysis_key, lake_key, warehouse_key
from assets.lake_tables import lake_table_asset


def _review_asset(name: str, deps: list[AssetKey], description: str) -> AssetsDefinition:
    """An asset computing ``scn.review.tables.<name>()`` and storing it as the lake table ``name``."""
    return lake_table_asset(name, deps, description, module="scn.review.tables", group="review")


review_assets = [
    _review_asset("review_accuracy", [lake_key("post_labels")],
                  "Per city x language: the labelling measured on the reviewed random stratum (precision, recall, "
                  "F1 of hate, macro-F1, 95% intervals, n, Cohen's kappa); figures on fewer posts than the "
                  "disclosure threshold are left empty."),
    _review_asset("classifier_rates", [lake_key("posts_enriched"), analysis_key("classifier_eval")],
                  "Per city x language: true- and false-positive rates of the flagged class, measured on the "
                  "city's reviewed posts when enough, else the held-out evaluation's (rates_source)."),
]
review_assets.append(_review_asset(
    "adjusted_counts", [warehouse_key("int_area_month_lang"), analysis_key("classifier_rates")],
    "Per city x official area x month: flagged posts raw and adjusted for the classifier's errors (adjusted "
    "classify-and-count per language, summed), with a 95% interval and the source of the rates."))
