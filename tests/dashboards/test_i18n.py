"""The analysis tables carry codes and numbers, the dashboards say them in English, French and Arabic: every
code the pipeline writes has a sentence in the three languages, real pipeline output renders with its numbers
filled in, and the city page shows those sentences in the language chosen."""

from __future__ import annotations

import json

import h3
import numpy as np
import pandas as pd
import pytest

from dashboards import i18n
from tests.support.dash_client import route

LANGS = tuple(i18n.LANGS)
# codes of correlations.detail that geo/correlate.py writes without exporting them as constants
EFFECTS, OFFSETS, SES = ("area", "cell", "none"), ("log_population", "log_exposure_mean_posts",
                                                 "none_cell_effects"), ("cluster_robust", "model_based")


def _clean(text: str | None) -> str:
    assert text, "nothing rendered"
    assert "{" not in text and "}" not in text and "_" not in text, f"unrendered code or field in {text!r}"
    return text


def _strings(node: object) -> list[str]:
    """Every text in a callback response (table cells, paragraphs, labels)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_every_string_is_in_every_language() -> None:
    for key, entry in {**i18n.TEXT, **i18n.COLUMNS}.items():
        assert set(entry) == set(LANGS) and all(entry.values()), key


def test_every_code_of_the_pipeline_has_words() -> None:
    from geo.correlate import CAVEAT_CODES, METHOD_CODES, NOTE_CODES
    from geo.risk import REASON_CODES
    from geo.warning import EVIDENCE_CODE as BURST
    from scn.analysis.coordination import EVIDENCE_CODE as DUPLICATES

    keys = ([f"method_{c}" for c in METHOD_CODES.values()] + [f"caveat_{c}" for c in CAVEAT_CODES.values()]
            + [f"note_{c}" for c in NOTE_CODES] + [f"effects_{c}" for c in EFFECTS]
            + [f"offset_{c}" for c in OFFSETS] + [f"se_{c}" for c in SES] + [f"reason_{c}" for c in REASON_CODES]
            + [f"evidence_{BURST}", f"evidence_{DUPLICATES}"] + [f"analysis_{a}" for a in METHOD_CODES])
    assert [k for k in keys if not i18n.has(k)] == []


@pytest.mark.parametrize("lang", LANGS)
def test_correlation_details_render(lang: str) -> None:
    from geo.correlate import city_correlations

    hexes = sorted(h3.grid_disk(h3.latlng_to_cell(51.5, -0.1, 8), 1))[:3]
    cm = pd.DataFrame([{"city_id": "x", "cell": c, "period": p, "posts": 5, "flagged_posts": i, "crimes": 2,
                        "hate_crimes": i % 2} for i, c in enumerate(hexes) for p in ("2026-01", "2026-02")])
    rows = city_correlations(cm, permutations=9)
    notes = {r.analysis: i18n.not_estimated(r.analysis, json.loads(r.detail), lang) for r in rows.itertuples()}
    assert set(notes) == {"spearman", "moran_bv", "xcorr", "nb_irr"}
    for text in notes.values():
        _clean(text)
    if lang == "en":
        assert notes["spearman"] == "Rank correlation was not estimated: fewer than 5 neighbourhoods have data."
        assert notes["xcorr"] == "Month-by-month correlation was not estimated: there are fewer than 5 months of data."
    detail = {"method": "nb2_glm_lag1", "effects": "area", "offset": "log_population", "se": "cluster_robust",
              "alpha": 0.5, "n_cells": 40, "n_periods": 12}
    assert "0.50" in _clean(i18n.method("nb_irr", detail, lang))
    _clean(i18n.caveat({"caveat": "colocation_only"}, lang))
    assert i18n.not_estimated("nb_irr", {"note": "a sentence from an older snapshot"}, lang) is None
    assert i18n.method("nb_irr", {"method": "a sentence from an older snapshot", "effects": "area"}, lang) is None


@pytest.mark.parametrize("lang", LANGS)
def test_alert_evidence_renders(lang: str) -> None:
    from geo.warning import speech_bursts
    from scn.analysis.coordination import coordinated_posting

    weeks = [f"2026-W{w:02d}" for w in range(1, 12)]
    area_week = pd.DataFrame({"city_id": "x", "area_code": "A", "week": weeks,
                              "flagged_posts": [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 14]})
    burst = speech_bursts(area_week)["evidence"].iloc[0]
    text = _clean(i18n.evidence(burst, lang, k=5))
    assert "14" in text and "2026-W11" in text and "8" in text
    posts = pd.DataFrame({"post_key": [f"p{i}" for i in range(7)], "city_id": "x",
                          "created_at": pd.date_range("2026-10-08 12:00", periods=7, freq="10min", tz="UTC"),
                          "text": "the very same message posted again by many different accounts today",
                          "author_pseudo": [f"a{i}" for i in range(7)], "label": "hate"})
    found = coordinated_posting(posts)["evidence"].iloc[0]
    text = i18n.evidence(found, lang, k=5)
    assert "7" in text and "2026-10-08 12:00" in text and "2026-10-08 13:00" in text
    assert "{" not in text and json.loads(found)["fingerprint"] in text
    assert i18n.evidence("an English sentence from an older snapshot", lang, k=5) == \
        "an English sentence from an older snapshot"


@pytest.mark.parametrize("lang", LANGS)
def test_risk_reasons_render(lang: str) -> None:
    from geo.risk import risk_profile

    am = pd.DataFrame([{"city_id": "x", "area_code": f"A{i}", "period": p, "flagged_posts": 3 * i,
                        "hate_crimes": i} for i in range(10) for p in ("2026-01", "2026-02", "2026-03")])
    risk = risk_profile(am)
    top, bottom = risk.iloc[0], risk.iloc[-1]
    text = _clean(i18n.reasons(top.reasons, top.speech_recent, top.crime_recent, top.resilience, lang, k=5))
    reasons = json.loads(top.reasons)
    assert "speech_rate_high" in reasons["codes"] and reasons["band"] == "high"  # bands, not counts
    assert "1.5" in text and "3" in text and f"{reasons['rank_interval'][1]}" in text and "{" not in text
    quiet = _clean(i18n.reasons(bottom.reasons, bottom.speech_recent, bottom.crime_recent, np.nan, lang, k=5))
    assert quiet == i18n.t("reasons_recent", lang, months=3, reasons=i18n.t("reason_no_signal", lang))
    hidden = i18n.reasons(json.dumps({"codes": ["speech_high"], "recent_months": 3}), pd.NA, 0, None, lang, k=5)
    assert i18n.t("fewer_than", lang, k=5) in hidden


@pytest.mark.parametrize("lang", LANGS)
def test_the_city_page_speaks_the_chosen_language(app_client, lang: str) -> None:
    r = app_client("sam").post("/_dash-update-component", json=route("/city/london", lang=lang))
    assert r.status_code == 200
    text = "\n".join(_strings(r.get_json()))
    burst = json.dumps({"code": "speech_burst", "flagged_posts": 6, "week": "2026-W40", "baseline": 0.5,
                        "baseline_weeks": 8, "p_value": 1.2e-05})
    reasons = i18n.reasons(json.dumps({"codes": ["speech_high", "crime_high"], "recent_months": 3}), 4, 12,
                           48.5, lang, k=5)
    for sentence in (i18n.evidence(burst, lang, k=5), reasons, i18n.alert_type("burst", lang),
                     i18n.t("how_computed", lang), i18n.t("lag_note", lang),
                     i18n.t("comparison", lang, cells=217, months=12, n=217 * 11)):
        assert sentence in text, sentence
    assert i18n.t("verdict_speech_leads", lang, change=i18n.t("pct_more", lang, pct=31), est=1.31, lo=1.12,
                  hi=1.53) in text
    for code in ("speech_burst", "speech_high", "speech_leads", "speech_to_crime", "fe_quasi_poisson_cell_month",
                 "rate_ratio_per_doubling"):
        assert code not in text
    if lang == "en":
        assert "Last 3 months: 4 flagged posts (top fifth of the city's areas); 12 hate crimes" in text


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_arabizi_is_named_apart_from_arabic(lang: str) -> None:
    """``ar-Latn`` (Arabizi, labelled apart from Arabic-script Arabic) reads as "Arabic (Latin)" in each language,
    never as the code nor as plain "Arabic"."""
    name = i18n.language("ar-Latn", lang)
    assert name.startswith(i18n.language("ar", lang)) and name != i18n.language("ar", lang) and "Latn" not in name
