"""What the city page's accuracy line and the data-health page claim about the classifier: per language and
platform of the posts, the figure measured on such data with its interval, n and whether it beats the in-source
baseline; "not measured" (never another language's or platform's figure) otherwise; a figure of too few held-out
posts withheld; and the share of the posts a measured figure covers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboards import i18n
from dashboards.app import create_app
from scn.nlp.accuracy import MIN_HELD_OUT
from scn.nlp.evaluation import evaluation_table, model_card
from tests.support.dash_client import find_props, route
from tests.support.snapshots import make_tables, publish_tables

# Mombasa: 95% of its posts Swahili from Telegram (never evaluated), 5% English from X (measured)
MOMBASA = pd.DataFrame({"city_id": "mombasa", "lang": ["sw", "en", "ar", "fr"],
                        "platform": ["telegram", "twitter", "x", "reddit"], "posts": [950, 30, 10, 10],
                        "assessed": [950, 30, 10, 10], "lexicon": [950, 0, 0, 0], "not_assessed": 0})


def _plugged_in() -> pd.DataFrame:
    """The shipped evaluation plus a partner's French Reddit file of 12 held-out posts (a figure of 0.95)."""
    ev = evaluation_table()
    tiny = ev[(ev["lang"] == "fr")].assign(dataset="partner.csv", platform="reddit", n=12, macro_f1=0.95,
                                           ci_low=0.7, ci_high=1.0, baseline_macro_f1=0.5, margin=0.45,
                                           margin_ci_low=0.1, margin_ci_high=0.8)
    return pd.concat([ev, tiny], ignore_index=True)


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_city_line_says_unmeasured_withholds_few_and_gives_interval_n_verdict_and_share(
        monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    from dashboards.components import city

    evaluation = _plugged_in()
    tables = {"classifier_eval": evaluation, "classifier_coverage": MOMBASA}
    monkeypatch.setattr(city.data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
    line = city.classifier_line("mombasa", lang, "staff")
    card = {(r["lang"], r["source"]): r for r in model_card()["evaluation"]}
    weakest_en = min((r for r in card.values() if r["lang"] == "en"), key=lambda r: r["macro_f1"])
    def name(code: str, platform: str) -> str:  # the language's and the platform's names, never their codes
        return f"{i18n.language(code, lang)} ({i18n.platform(platform, lang)})"

    assert f"{name('sw', 'telegram')} {i18n.t('not_measured', lang)}" in line  # no Swahili figure borrowed
    assert "sw (telegram)" not in line and "(x)" not in line
    en = city._score_text(name("en", "x"), pd.Series({"status": "measured", **{k: weakest_en[k] for k in (
        "macro_f1", "baseline_macro_f1", "n")}, "ci_low": weakest_en["ci95"][0], "ci_high": weakest_en["ci95"][1],
        "vs_baseline": "beats"}), lang)
    assert en in line and f"{weakest_en['ci95'][0]:.2f}" in en and str(weakest_en["n"]) in en
    ar = card[("ar", "mlma2019")]  # its paired margin interval spans 0: not shown to beat the baseline
    assert ar["margin_ci95"][0] < 0 < ar["margin_ci95"][1]
    assert i18n.t("vs_baseline_no_clear_difference", lang) in line.split(name("ar", "x"))[1].split(name("fr", "reddit"))[0]
    assert i18n.t("vs_baseline_beats", lang) in line.split(name("en", "x"))[1].split(name("ar", "x"))[0]
    # a 12-post French Reddit figure: withheld, saying why, never its 0.95
    assert i18n.t("accuracy_too_few", lang, n=12, k=MIN_HELD_OUT) in line and "0.95" not in line
    # 40 of 1000 posts (English and Arabic from X) have a measured figure: 4%, said beside the figures
    assert i18n.t("measured_share", lang, share=0.04) in line


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_health_page_withholds_few_says_the_baseline_verdict_and_the_measured_share(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(tmp_path, {**make_tables(0), "classifier_eval": _plugged_in(), "classifier_coverage": MOMBASA})
    client = create_app(tmp_path, local_staff=True).server.test_client()
    page = client.post("/_dash-update-component", json=route("/health", lang=lang)).get_json()
    rows = pd.DataFrame(find_props(page, "health-classifier")["data"]).set_index(["lang", "dataset"])
    tiny = rows.loc[("fr", "partner.csv")]
    assert tiny["n"] == 12 and tiny["status"] == i18n.t("accuracy_too_few", lang, n=12, k=MIN_HELD_OUT)
    assert tiny[["macro_f1", "ci_low", "ci_high", "baseline_macro_f1", "margin"]].isna().all()
    assert rows.loc[("ar", "mlma2019"), "vs_baseline"] == i18n.t("vs_baseline_no_clear_difference", lang)
    assert rows.loc[("en", "davidson2017"), "vs_baseline"] == i18n.t("vs_baseline_beats", lang)
    assert rows.loc[("en", "davidson2017"), "status"] == i18n.t("accuracy_measured", lang)
    # the coverage table keeps platforms apart and says per language x platform whether a figure covers it
    cov = pd.DataFrame(find_props(page, "health-coverage")["data"]).set_index(["lang", "platform"])
    assert cov.loc[("sw", "telegram"), "status"] == i18n.t("not_measured", lang)
    assert cov.loc[("en", "x"), "status"] == i18n.t("accuracy_measured", lang)  # "twitter" counted as X
    assert cov.loc[("fr", "reddit"), "status"] == i18n.t("accuracy_too_few", lang, n=12, k=MIN_HELD_OUT)
    share = find_props(page, "health-measured-share")["children"]
    assert share == i18n.t("measured_share_all", lang, share=0.04)


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_a_figure_published_without_its_interval_is_not_shown(lang: str) -> None:
    """A snapshot whose ``classifier_eval`` lacks the intervals (or the margin's): the health page keeps each
    source's n and says why no figure, and never says the model beats a baseline on a bare margin."""
    from dashboards.components import accuracy

    ev = evaluation_table()
    rows = accuracy.by_source(ev.drop(columns=["ci_low", "ci_high"]), lang).set_index(["lang", "dataset"])
    en = rows.loc[("en", "davidson2017")]
    assert en["status"] == i18n.t("accuracy_no_interval", lang, n=en["n"]) and pd.isna(en["macro_f1"])
    rows = accuracy.by_source(ev.drop(columns=["margin_ci_low", "margin_ci_high"]), lang)
    assert set(rows["vs_baseline"]) == {i18n.t("vs_baseline_no_interval", lang)}
    assert rows["macro_f1"].notna().all()  # the figure itself has its interval: shown


@pytest.mark.parametrize("measured_posts", [3, 997])
def test_an_officials_line_says_no_share_that_counts_fewer_than_k_posts(
        monkeypatch: pytest.MonkeyPatch, measured_posts: int) -> None:
    """The city's post totals are published, so a share of them is a count (3 of 1,000 posts: 0.3%): an official
    reads the measured, not-assessed and lexicon shares only when the posts they count and the rest are each none
    or at least k; staff read them always."""
    from dashboards.components import city

    cov = pd.DataFrame({"city_id": "mombasa", "lang": ["en", "sw"], "platform": ["x", "telegram"],
                        "posts": [measured_posts, 1000 - measured_posts], "not_assessed": [0, 2],
                        "lexicon": [0, 1000 - measured_posts - 2]})
    tables = {"classifier_eval": _plugged_in(), "classifier_coverage": cov}
    monkeypatch.setattr(city.data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
    share = measured_posts / 1000
    staff = city.classifier_line("mombasa", "en", "staff")
    assert i18n.t("measured_share", "en", share=share) in staff
    assert i18n.t("not_assessed", "en", share=0.002) in staff
    official = city.classifier_line("mombasa", "en", "official")
    assert i18n.t("measured_share", "en", share=share) not in official
    assert i18n.t("not_assessed", "en", share=0.002) not in official  # 2 posts not assessed
    assert (i18n.t("lexicon_share", "en", share=(1000 - measured_posts - 2) / 1000) in official) == \
        (measured_posts == 3)  # 995 by the lexicon and 5 not: both k or more; 1 post and 999: not said


def test_an_officials_shares_leave_no_small_remainder_between_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each share alone counts k or more posts with a rest of k or more, but the shares are of disjoint parts of
    the city's published total (100 posts: a share to 1% is a count): 57% measured and 40% not assessed left
    100 - 57 - 40 = 3 posts, the lexicon's, whose own share was withheld as fewer than k. An official reads no
    set of shares whose remainder is 1..k-1 (the smallest share said is dropped until none is); staff read them
    all."""
    from dashboards.components import city

    def line(measured: int, lexicon: int, audience: str) -> str:
        cov = pd.DataFrame({"city_id": "mombasa", "lang": ["en", "so", "ar"], "platform": ["twitter", "telegram", "telegram"],
                            "posts": [measured, 40, lexicon], "not_assessed": [0, 40, 0], "lexicon": [0, 0, lexicon]})
        tables = {"classifier_eval": _plugged_in(), "classifier_coverage": cov}
        monkeypatch.setattr(city.data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
        return city.classifier_line("mombasa", "en", audience)

    def said(measured: int, lexicon: int, text: str) -> list[bool]:
        return [i18n.t("measured_share", "en", share=measured / 100) in text,
                i18n.t("not_assessed", "en", share=0.4) in text,
                i18n.t("lexicon_share", "en", share=lexicon / 100) in text]

    assert said(50, 10, line(50, 10, "official")) == [True, True, True]  # nothing small: every share said
    assert said(57, 3, line(57, 3, "staff")) == [True, True, True]
    official = said(57, 3, line(57, 3, "official"))
    assert not official[2] and not all(official[:2]), official  # 100 - 57 - 40 would give the lexicon's 3


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_the_city_line_says_the_cards_figures_are_of_keyword_selected_posts(monkeypatch: pytest.MonkeyPatch,
                                                                           lang: str) -> None:
    """A figure the city's line shows from the model card's sets carries the health page's note (those sets are
    keyword-selected posts, with the share of them that is hate or offensive), for staff and officials alike, in
    ``lang``; figures measured on a partner's own file carry none."""
    from dashboards.components import city
    from dashboards.components.accuracy import keyword_selected
    from scn.nlp.accuracy import flagged_shares

    evaluation = _plugged_in()
    tables = {"classifier_eval": evaluation, "classifier_coverage": MOMBASA}
    monkeypatch.setattr(city.data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
    shown = flagged_shares(evaluation)
    english_and_arabic = evaluation[evaluation["lang"].isin(["en", "ar"])
                                    & evaluation["dataset"].eq("mlma2019")]  # the weakest measured for X posts
    note = keyword_selected(english_and_arabic, lang)
    assert note and len(shown) > 2
    for audience in ("staff", "official"):
        assert note in city.classifier_line("mombasa", lang, audience)
    tables["classifier_eval"] = evaluation.assign(source="partner.csv")
    line = city.classifier_line("mombasa", lang, "official")
    assert line is not None and i18n.t("vs_baseline_beats", lang) in line  # the figures still shown
    assert keyword_selected(evaluation, lang) not in line and note not in line
