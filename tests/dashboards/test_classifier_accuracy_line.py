"""The city page's accuracy line shows, per language and platform of the city's posts, the model card's figure
measured on data of that language and platform (the weakest matching source), or "not measured"."""

from __future__ import annotations

import pandas as pd
import pytest

from scn.nlp.evaluation import evaluation_table


def test_city_accuracy_line_comes_from_the_matching_language_and_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards.components import city

    evaluation = evaluation_table()
    coverage = pd.DataFrame({"city_id": "saida", "lang": ["en", "en", "fr", "sq"],
                             "platform": ["x", "facebook", "x", "x"], "posts": [500, 300, 200, 100],
                             "assessed": [500, 300, 200, 100], "lexicon": [0, 0, 0, 100], "not_assessed": 0})
    tables = {"classifier_eval": evaluation, "classifier_coverage": coverage}
    monkeypatch.setattr(city.data, "table", lambda name, city_id=None: tables.get(name, pd.DataFrame()).copy())
    line = city.classifier_line("saida", "en", "staff")
    per_source = evaluation.drop_duplicates(["lang", "dataset"])
    en = per_source[(per_source["lang"] == "en") & (per_source["platform"] == "x")]
    weakest = en.sort_values("macro_f1").iloc[0]
    assert len(en) == 2  # Davidson 2017 and MLMA 2019: the line must show the weaker one
    assert f"English (X) {weakest.macro_f1:.2f} (95% CI {weakest.ci_low:.2f}–{weakest.ci_high:.2f}, n = {weakest.n}; " \
           f"baseline {weakest.baseline_macro_f1:.2f}: " in line
    fr = per_source[per_source["lang"] == "fr"].iloc[0]
    assert f"French (X) {fr.macro_f1:.2f} (95% CI {fr.ci_low:.2f}–{fr.ci_high:.2f}, n = {fr.n}; " \
           f"baseline {fr.baseline_macro_f1:.2f}: " in line
    assert "English (Facebook) not measured" in line and "Albanian (X) not measured" in line  # no labelled data there
    pooled = evaluation_table().pipe(lambda e: e[e["lang"] == "en"])["macro_f1"].max()
    assert pooled > weakest.macro_f1 and f"{pooled:.2f}" not in line.split("French (X)")[0]
