"""A ``both_directions`` says which check failed. When only the same-month check failed (hate crimes of month t move
with hateful posts of month t, beyond the lag-1 link), the page says the direction cannot be told from monthly
counts (the link may act within weeks, or something else may drive both), not that a common cause is likely:
``same_month_effect``, a real link acting within the month as well as a month later, was told "a common cause may
explain it" (docs/geo.md). Rows published before ``failed_checks`` keep the generic sentence."""

from __future__ import annotations

import re

import pytest

from dashboards import i18n
from dashboards.components import city
from geo.verdict import verdict
from tests.support.verdict_rows import FACTS, LANGS
from tests.support.verdict_rows import rows as _rows
from tests.support.verdict_rows import table as _table

COMMON_CAUSE = {"en": "common cause", "fr": "cause commune", "ar": "سبب مشترك"}
CHECKS = ("reverse_direction", "placebo", "negative_control", "same_month", "reverse_placebo",
          "reverse_negative_control", "trend_only")


def _with_same(rows: list[dict], raw: tuple[float, float] = (1.25, 1e-8),
               det: tuple[float, float] = (1.24, 1e-8)) -> list[dict]:
    """``rows`` with the same-month fits (geo.direction): by default significant the forward's way, raw and
    detrended (the check fails)."""
    return [*rows, {"analysis": "same_month", "lag": 0, "estimate": raw[0], "p_value": raw[1]},
            {"analysis": "same_month_detrended", "lag": 0, "estimate": det[0], "p_value": det[1]}]


def _detrended(rows: list[dict], fwd: tuple[float, float], rev: tuple[float, float] = (1.0, 0.6)) -> list[dict]:
    """``rows`` with detrended fits (a cell panel): the forward and reverse at lag 1, passing checks."""
    def r(analysis: str, lag: int, est: float, p: float) -> dict:
        return {"analysis": analysis, "lag": lag, "estimate": est, "p_value": p}
    return [*rows, r("speech_to_crime_detrended", 1, *fwd), r("crime_to_speech_detrended", 1, *rev),
            r("placebo_lead_detrended", -1, 1.0, 0.7), r("negative_control_detrended", 1, 1.0, 0.8)]


def test_only_the_same_month_check_failing_is_within_month_only() -> None:
    code, ev = verdict(_with_same(_rows(1.2, 1e-4)), FACTS)
    assert code == "both_directions" and ev["common_cause_likely"]  # the verdict code and the flag are kept
    assert ev["failed_checks"] == ["same_month"] and ev["within_month_only"] is True


def test_same_month_with_the_reverse_direction_names_both_and_is_not_within_month_only() -> None:
    code, ev = verdict(_with_same(_rows(1.2, 1e-4, rev_p=1e-3)), FACTS)
    assert code == "both_directions" and ev["common_cause_likely"]
    assert ev["failed_checks"] == ["reverse_direction", "same_month"] and ev["within_month_only"] is False
    code, ev = verdict(_with_same(_rows(1.2, 1e-4, placebo=(1.15, 1e-3))), FACTS)
    assert ev["failed_checks"] == ["placebo", "same_month"] and not ev["within_month_only"]


def _reverse_placebo(rows: list[dict]) -> list[dict]:
    return [{**r, "estimate": 1.2, "p_value": 1e-3} if r["analysis"] == "reverse_placebo_lead" else r for r in rows]


@pytest.mark.parametrize(("rows", "failed"), [
    (_rows(1.2, 1e-4, rev_p=1e-3), ["reverse_direction"]),
    (_rows(1.2, 1e-4, placebo=(1.15, 1e-3)), ["placebo"]),
    (_rows(1.2, 1e-4, control=(1.15, 1e-3)), ["negative_control"]),
    (_rows(1.2, 1e-4, rcontrol=(1.15, 1e-3)), ["negative_control"]),  # other crimes -> speech echoing the forward
    (_reverse_placebo(_rows(1.0, 0.6, rev_p=1e-5)), ["reverse_placebo"]),
    (_rows(1.0, 0.6, rev_p=1e-5, rcontrol=(1.08, 1e-3)), ["reverse_negative_control"]),
    (_detrended(_rows(1.2, 1e-4), fwd=(1.01, 0.7)), ["trend_only"]),  # gone once each cell's trend is removed
    (_with_same(_rows(1.2, 1e-4), det=(1.01, 0.8)), []),  # raw only (a drift): the check passes, speech_leads
    (_rows(1.2, 1e-4), []), (_rows(1.0, 0.6, rev_p=1e-5), []), (_rows(1.05, 0.2), []),
    (_rows(1.0, 0.6, placebo=(1.15, 1e-3)), []),  # a placebo echo with no forward direction fails nothing
])
def test_failed_checks_name_exactly_the_checks_behind_both_directions(rows: list[dict], failed: list[str]) -> None:
    code, ev = verdict(rows, FACTS)
    assert ev["failed_checks"] == failed and set(failed) <= set(CHECKS)
    assert (code == "both_directions") == bool(failed) == ev["common_cause_likely"]
    assert ev["within_month_only"] is False


def test_insufficient_data_and_the_drift_rescue_list_no_failed_check() -> None:
    code, ev = verdict(_with_same(_rows(1.2, 1e-4)), {**FACTS, "hate_crimes": 8})
    assert code == "insufficient_data" and ev["failed_checks"] == [] and ev["within_month_only"] is False
    # the reverse direction carried by a drift (gone once detrended), speech -> crime holding detrended at p < 0.01
    code, ev = verdict(_detrended(_rows(1.2, 1e-4, rev_p=1e-3), fwd=(1.2, 1e-4)), FACTS)
    assert code == "speech_leads" and ev["drift_cleared"] and ev["failed_checks"] == []


def _bare(text: str) -> str:
    """``text`` without Arabic short-vowel marks (\"سببٌ مشترك\" and \"سبب مشترك\" are one phrase)."""
    return re.sub("[\u064b-\u0652]", "", text)


def _page(monkeypatch, lang: str, rows: list[dict]) -> str:
    """The city page's findings for a city whose verdict and evidence are ``geo.verdict`` of ``rows``."""
    code, ev = verdict(rows, FACTS)
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table(code, **ev))
    return " ".join(city.findings("x", lang, "official")[0])


def _first(key: str, lang: str) -> str:
    """The first clause of a verdict sentence (its own words, before any number)."""
    return i18n.t(key, lang, est=0, lo=0, hi=0).split("(")[0].split("،")[0].split(";")[0].split("；")[0]


@pytest.mark.parametrize("lang", LANGS)
def test_a_city_failing_only_the_same_month_check_is_told_the_month_hides_the_direction(monkeypatch,
                                                                                        lang: str) -> None:
    text = _page(monkeypatch, lang, _with_same(_rows(1.2, 1e-4)))
    assert i18n.t("verdict_within_month", lang, est=1.12, lo=0.97, hi=1.29) in text
    assert i18n.t("check_same_month", lang) in text
    assert i18n.t("verdict_both_directions", lang, est=1.12, lo=0.97, hi=1.29) not in text
    assert i18n.t("common_cause", lang) not in text  # the generic list of checks
    assert COMMON_CAUSE[lang] not in _bare(text)  # "a common cause may explain it" is not said at all
    for other in CHECKS[:3] + CHECKS[4:]:
        assert i18n.t(f"check_{other}", lang) not in text
    assert i18n.t("not_causation", lang) in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_failed_placebo_is_named_and_a_common_cause_said(monkeypatch, lang: str) -> None:
    text = _page(monkeypatch, lang, _rows(1.2, 1e-4, placebo=(1.15, 1e-3)))
    assert i18n.t("verdict_both_directions", lang, est=1.12, lo=0.97, hi=1.29) in text
    assert i18n.t("check_placebo", lang) in text
    assert i18n.t("common_cause", lang) not in text and i18n.t("check_same_month", lang) not in text
    assert _first("verdict_within_month", lang) not in text
    assert COMMON_CAUSE[lang] in _bare(text)


@pytest.mark.parametrize("lang", LANGS)
def test_same_month_and_reverse_direction_say_both_checks_and_a_common_cause(monkeypatch, lang: str) -> None:
    text = _page(monkeypatch, lang, _with_same(_rows(1.2, 1e-4, rev_p=1e-3)))
    assert i18n.t("verdict_both_directions", lang, est=1.12, lo=0.97, hi=1.29) in text
    assert i18n.t("check_reverse_direction", lang) in text and i18n.t("check_same_month", lang) in text
    assert text.index(i18n.t("check_reverse_direction", lang)) < text.index(i18n.t("check_same_month", lang))
    assert _first("verdict_within_month", lang) not in text


@pytest.mark.parametrize("lang", LANGS)
def test_rows_published_without_failed_checks_keep_the_generic_sentence(monkeypatch, lang: str) -> None:
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table("both_directions",
                                                                               same_month_failed=True))
    text = " ".join(city.findings("x", lang, "official")[0])
    assert i18n.t("verdict_both_directions", lang, est=1.12, lo=0.97, hi=1.29) in text
    assert i18n.t("common_cause", lang) in text
    assert not any(i18n.t(f"check_{c}", lang) in text for c in CHECKS)


def test_every_check_code_has_a_sentence_in_every_language() -> None:
    for key in ["verdict_within_month", *(f"check_{c}" for c in CHECKS)]:
        assert set(i18n.TEXT[key]) == set(i18n.LANGS) and all(i18n.TEXT[key].values()), key
        for lang in i18n.LANGS:
            text = i18n.t(key, lang, est=1.2, lo=1.1, hi=1.3)
            assert "{" not in text and "_" not in text, (key, lang)
