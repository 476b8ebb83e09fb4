"""The data-health page says, in every language the dashboards support, that the shipped model's figures are
measured on keyword-selected posts (the labelled sets' tweets were chosen by hate keywords: 72-88 % of their held-out
posts are hate or offensive), with the range read from the published ``classifier_eval``; a plugged-in model
measured on a partner's file is not said to be (Flask test client, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards import i18n
from scn.nlp.corpora import load_splits
from scn.nlp.evaluation import evaluation_table
from tests.support.dash_client import find_props, staff_page


def _page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, evaluation) -> dict:
    return staff_page(tmp_path, monkeypatch, {"classifier_eval": evaluation}, "/health", lang)


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_health_page_says_the_figures_are_measured_on_keyword_selected_posts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """The range is the share of hate or offensive posts among each source's held-out rows of the split file
    (computed here from the file itself, not from the published table): MLMA-ar 72 % to MLMA-en 88 %."""
    splits = load_splits()
    test = splits[splits["split"] == "test"]
    shares = test["label"].ne("none").groupby([test["lang"], test["source"]]).mean()
    assert shares.min() > 0.7  # the sets are mostly hate / offensive: not what a city's posts are
    note = find_props(_page(tmp_path, monkeypatch, lang, evaluation_table()), "health-keyword-selected")
    assert note is not None
    low, high = i18n.percent(shares.min(), lang), i18n.percent(shares.max(), lang)
    assert note["children"] == i18n.t("accuracy_keyword_selected", lang, datasets="davidson2017, mlma2019", low=low,
                                      high=high)
    assert low in note["children"] and high in note["children"]
    if lang != "en":  # worded in ``lang``, not English
        assert note["children"] != i18n.t("accuracy_keyword_selected", "en", datasets="davidson2017, mlma2019",
                                          low=low, high=high)


def test_a_plugged_in_models_own_file_is_not_called_keyword_selected(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows measured on a partner's file (``SCN_CLASSIFIER_EVAL``) are not the card's sets: no such note."""
    partner = evaluation_table().assign(source="partner.csv")
    page = _page(tmp_path, monkeypatch, "en", partner)
    assert find_props(page, "health-classifier") is not None
    assert find_props(page, "health-keyword-selected") is None
