"""scn.nlp.accuracy.shown_accuracy: which evaluation a city's posts are shown with."""

from __future__ import annotations

import pandas as pd

from scn.nlp.accuracy import shown_accuracy

EVAL = pd.DataFrame([
    {"lang": "en", "class": c, "dataset": d, "platform": p, "macro_f1": f, "baseline_macro_f1": b, "n": n,
     "ci_low": f - 0.03, "ci_high": f + 0.03}
    for d, p, f, b, n in [("davidson2017", "x", 0.75, 0.70, 4900), ("mlma2019", "x", 0.40, 0.35, 890),
                          ("partner.csv", None, 0.9, None, 50)]
    for c in ("hate", "offensive", "none")])


def test_weakest_matching_source_or_not_measured() -> None:
    posts = pd.DataFrame({"lang": ["en", "en", "en", "ar"], "platform": ["twitter", "x", "mastodon", "x"],
                          "posts": [10, 5, 7, 3]})
    shown = shown_accuracy(EVAL, posts).set_index(["lang", "platform"])
    assert shown.loc[("en", "x"), "posts"] == 15 and shown.loc[("en", "x"), "dataset"] == "mlma2019"
    assert shown.loc[("en", "x"), ["macro_f1", "baseline_macro_f1"]].tolist() == [0.40, 0.35]
    # a platform no labelled source comes from, and an evaluation without a platform: not measured
    assert shown.loc[("en", "mastodon"), ["macro_f1", "dataset"]].isna().all()
    assert pd.isna(shown.loc[("ar", "x"), "macro_f1"])


def test_posts_without_platform_and_empty_inputs() -> None:
    shown = shown_accuracy(EVAL, pd.DataFrame({"lang": ["en"], "posts": [4]}))
    assert shown["platform"].tolist() == ["unknown"] and shown["macro_f1"].isna().all()
    assert shown_accuracy(EVAL, pd.DataFrame(columns=["lang", "posts"])).empty
    assert shown_accuracy(pd.DataFrame(), pd.DataFrame({"lang": ["en"], "posts": [1]})).empty
