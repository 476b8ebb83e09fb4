"""The review domain's lake tables, computed from the review store and the lake (the assets in assets/review call
these; each returns a frame, the asset stores it)."""

from __future__ import annotations

import pandas as pd

from scn import lake
from scn.ingest.social.posts import KEY_PLATFORM
from scn.review import published


def review_accuracy() -> pd.DataFrame:
    """Per city x language, measured on the reviewed random stratum (``published.accuracy_table``, with the
    settings' disclosure threshold: this is the edge that reads it)."""
    from scn.settings import settings

    return published.accuracy_table(settings().suppress_below)


def _pairs() -> pd.DataFrame:
    """The city x language x platform of the enriched posts (the platform leads the post key, as the warehouse's
    ``int_area_month_lang`` and ``classifier_coverage`` read it)."""
    if not lake.has_table("posts_enriched"):
        return pd.DataFrame(columns=["city_id", "lang", "platform"])
    return lake.query("select distinct city_id, lang, coalesce(nullif(regexp_extract(post_key, ?, 1), ''), "
                      f"'unknown') as platform from {lake.scan('posts_enriched')} "
                      "where city_id is not null and lang is not null order by all", [KEY_PLATFORM])


def classifier_rates() -> pd.DataFrame:
    """Per city x language x platform of the enriched posts: the error rates the adjusted counts use
    (``published.rates_table``)."""
    evaluation = lake.read_table("classifier_eval") if lake.has_table("classifier_eval") else pd.DataFrame()
    return published.rates_table(_pairs(), evaluation)


ADJUSTED_KEYS = ["city_id", "area_code", "period"]  # the grain of ``adjusted_counts``, its rows' order


def adjusting_rates() -> pd.DataFrame:
    """The lake's ``classifier_rates`` (the rates ``adjusted_counts`` corrects with); empty when none."""
    if lake.has_table("classifier_rates"):
        return lake.read_table("classifier_rates")
    return pd.DataFrame(columns=["city_id", "lang", "platform", "true_positives", "positives", "false_positives", "negatives",
                                 "rates_source"])


def adjusted_counts(cities: list[str] | None = None, rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per city x official area x month (of ``cities``; None: every city): flagged posts raw and adjusted for the
    classifier's errors, with a 95% interval and the rates' source (``scn.review.prevalence.adjusted_counts``
    over the warehouse's ``int_area_month_lang`` and ``rates``, the lake's ``classifier_rates`` when None), in
    ``ADJUSTED_KEYS`` order; on each row its city adjusted as a total over all its areas and months
    (``CITY_COLUMNS``: the figure the city page shows, not the sum of the rows).
    Each city's draws come from a seed of its own id: its rows are the same whichever cities are computed with
    it (a run scoped to the changed cities equals a run over every city)."""
    from scn.analysis.tables import city_filter, read_warehouse, warehouse_tables
    from scn.hashing import name_seed
    from scn.review.prevalence import CITY_COLUMNS, COUNT_COLUMNS
    from scn.review.prevalence import adjusted_counts as adjust

    keys = ADJUSTED_KEYS
    empty = pd.DataFrame(columns=[*keys, *COUNT_COLUMNS, *CITY_COLUMNS])
    if "int_area_month_lang" not in warehouse_tables():
        return empty
    counts = read_warehouse(f"select * from int_area_month_lang{city_filter(cities)} order by all")
    rates = adjusting_rates() if rates is None else rates
    frames = [adjust(part, rates, keys, seed=name_seed(str(city)))
              for city, part in counts.groupby("city_id", sort=True)]
    out = pd.concat(frames, ignore_index=True) if frames else empty
    out = out.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    return out.astype({"city_id": "string", "area_code": "string", "period": "string", "rates_source": "string",
                       "city_rates_source": "string"})
