"""The city page says the level a verdict was measured at (issue 18): a city whose hate crime is published as
yearly counts per area reads "measured at area level (area x year)", with the exposure, the absorbed attributes
and the short panel's limits, in EN/FR/AR; a cell-level verdict gets none of these sentences."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from dashboards import i18n
from dashboards.components import city

LANGS = ("en", "fr", "ar")


def _table(verdict: str, **evidence: object) -> pd.DataFrame:
    ev = {"n_cells_with_hate": 30, "n_cells": 33, "n_periods": 9, "forward_lag": 1, "reverse_lag": 1,
          "common_cause_likely": False, "cluster": "area", "max_lag": 1, **evidence}
    rows = [{"city_id": "x", "analysis": "speech_to_crime", "lag": 1, "estimate": 1.15, "ci_low": 1.08,
             "ci_high": 1.22, "p_value": 0.001, "n": 264, "detail": "{}", "verdict": verdict},
            {"city_id": "x", "analysis": "verdict", "lag": 0, "estimate": np.nan, "ci_low": np.nan,
             "ci_high": np.nan, "p_value": np.nan, "n": 297, "detail": json.dumps(ev), "verdict": verdict}]
    return pd.DataFrame(rows)


AREA = {"level": "area", "period": "year", "hate_source": "counts", "exposure": "population_varying",
        "controls": [], "absorbed_by_area_effects": ["imd_score"], "few_periods": True}


@pytest.mark.parametrize("lang", LANGS)
def test_yearly_counts_city_page_says_area_level(monkeypatch, lang: str) -> None:
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table("speech_leads", **AREA))
    texts, methods = city.findings("x", lang, "official")
    words = {"period": i18n.t("period_year", lang), "periods": i18n.t("periods_year", lang)}
    assert methods == [i18n.t("method_engine_area", lang, max_lag=1, **words)]
    assert texts[0] == i18n.t("level_area_counts", lang, **words)
    assert i18n.t("comparison_area", lang, cells=33, months=9, n=264, **words) in texts
    assert i18n.t("area_exposure", lang, **words) in texts
    assert i18n.t("area_absorbed", lang, names="imd_score") in texts
    assert i18n.t("area_few_periods", lang, months=9, **words) in texts
    assert i18n.t("comparison", lang, cells=33, months=9, n=264) not in texts
    if lang == "en":
        assert "Measured at area level (area x year) because hate crime for this city is published as counts " \
               "per area and year" in texts[0]


@pytest.mark.parametrize("lang", LANGS)
def test_insufficient_area_data_still_says_the_level(monkeypatch, lang: str) -> None:
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table(
        "insufficient_data", note="too_few_periods", **AREA))
    texts, methods = city.findings("x", lang, "official")
    assert len(texts) == 2 and methods == []
    assert texts[1] == i18n.t("level_area_counts", lang, period=i18n.t("period_year", lang),
                              periods=i18n.t("periods_year", lang))


def test_cell_level_verdict_has_no_area_sentence(monkeypatch) -> None:
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table("no_link", level="cell"))
    texts, _ = city.findings("x", "en", "official")
    assert not any("area level" in x for x in texts)
    assert i18n.t("comparison", "en", cells=33, months=9, n=264) in texts


def test_unknown_hate_says_why(monkeypatch) -> None:
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table(
        "insufficient_data", note="hate_unknown", level="cell"))
    texts, _ = city.findings("x", "en", "official")
    assert i18n.t("insufficient_hate_unknown", "en") in texts[0]
