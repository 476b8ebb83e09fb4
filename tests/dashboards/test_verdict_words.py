"""The city page's words follow the engine's verdict: each verdict says what was compared, the unit, the
interval and n, and only ``speech_leads`` says hateful posts came first (a common cause is never worded as speech
leading crime)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards import i18n
from dashboards.components import city
from tests.support.verdict_rows import LANGS
from tests.support.verdict_rows import table as _table


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("verdict", ["speech_leads", "crime_leads", "both_directions", "no_link"])
def test_each_verdict_states_comparison_unit_interval_and_n(monkeypatch, verdict: str, lang: str) -> None:
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table(verdict))
    texts, methods = city.findings("x", lang, "official")
    text = " ".join(texts)
    assert i18n.t("comparison", lang, cells=61, months=24, n=1403) in text  # within-place, adjusted, n
    assert "1.12" in text and "0.97" in text and "1.29" in text  # the estimate with its 95% interval
    came_first = i18n.t("verdict_speech_leads", lang, change="", est=0, lo=0, hi=0).split(".")[0]
    assert (came_first in text) == (verdict == "speech_leads")
    assert (i18n.t("common_cause", lang) in text) == (verdict == "both_directions")
    if verdict == "crime_leads":
        assert "1.20" in text and "1.08" in text  # the reverse direction's estimate and interval
    assert i18n.t("not_causation", lang) in text
    assert i18n.t("cluster_area", lang) in methods[0]
    for code in (verdict, "speech_to_crime", "{", "}"):
        assert code not in text


@pytest.mark.parametrize("lang", LANGS)
def test_insufficient_data_says_why_and_no_estimate(monkeypatch, lang: str) -> None:
    monkeypatch.setattr(city, "_correlations",
                        lambda city_id, audience: _table("insufficient_data", note="too_few_hate_crimes"))
    texts, methods = city.findings("x", lang, "official")
    assert texts == [i18n.t("verdict_insufficient_data", lang, why=i18n.t("insufficient_too_few_hate_crimes", lang),
                            cells=61, months=24, n=1403)] and methods == []
    assert "1.12" not in texts[0]


def test_no_verdict_row_no_findings(monkeypatch) -> None:
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table("no_link").iloc[:3])
    assert city.findings("x", "en", "official") == ([], [])


@pytest.mark.parametrize("lang", LANGS)
def test_spillover_and_a_decrease_are_said_beside_the_verdict_never_as_speech_leading(monkeypatch,
                                                                                       lang: str) -> None:
    table = _table("no_link", spillover_found=True, forward_fewer=True)
    table = pd.concat([table, table.iloc[:1].assign(analysis="spillover", estimate=1.21, ci_low=1.05,
                                                    ci_high=1.40, p_value=0.01)], ignore_index=True)
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: table)
    text = " ".join(city.findings("x", lang, "official")[0])
    first = i18n.t("spillover_found", lang, change="", est=0, lo=0, hi=0, n=0).split(":")[0]
    assert first in text and "1.21" in text and "1.05" in text and "1.40" in text
    assert i18n.t("forward_fewer", lang, change="", est=0, lo=0, hi=0).split("(")[0] in text
    came_first = i18n.t("verdict_speech_leads", lang, change="", est=0, lo=0, hi=0).split(".")[0]
    assert came_first not in text
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table("no_link"))
    plain = " ".join(city.findings("x", lang, "official")[0])
    assert first not in plain and i18n.t("forward_fewer", lang, change="", est=0, lo=0, hi=0).split("(")[0] \
        not in plain


@pytest.mark.parametrize("lang", LANGS)
def test_a_negative_control_that_could_not_run_is_not_listed_as_run(monkeypatch, lang: str) -> None:
    """A city whose crimes are all hate crimes: the negative control has nothing to fit (its estimate null);
    the methods said "non-hate crimes as a negative control" all the same."""
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table("no_link",
                                                                               negative_control_estimate=None))
    _, methods = city.findings("x", lang, "official")
    assert methods[-1] == i18n.t("method_no_negative_control", lang)
    monkeypatch.setattr(city, "_correlations", lambda city_id, audience: _table("no_link",
                                                                               negative_control_estimate=1.02))
    assert i18n.t("method_no_negative_control", lang) not in city.findings("x", lang, "official")[1]


@pytest.mark.parametrize("lang", LANGS)
def test_the_city_page_says_which_calendar_its_months_are_cut_in(monkeypatch, lang: str) -> None:
    """A city's months and weeks are its local ones (the registry's time zone) or UTC when it gave none: the page
    says which (a Mombasa post at 01:30 on 1 June counts in May on UTC, and nothing said so)."""
    zones = {"mombasa": "Africa/Nairobi", "tromso": None}
    monkeypatch.setattr(city.data, "table", lambda name, city_id=None: pd.DataFrame(
        {"city_id": [city_id], "timezone": [zones[city_id]]}) if name == "cities" else pd.DataFrame())
    assert city.calendar_note("mombasa", lang) == i18n.t("calendar_zone", lang, zone="Africa/Nairobi")
    assert city.calendar_note("tromso", lang) == i18n.t("calendar_utc", lang)
    assert "UTC" in city.calendar_note("tromso", lang) and "Africa/Nairobi" in city.calendar_note("mombasa", lang)
