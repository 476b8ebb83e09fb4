"""Accuracy with intervals, agreement and sampling: the numbers the review page and `scn review` report."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score
from statsmodels.stats.proportion import proportion_confint

from scn.review.agreement import consensus, kappa
from scn.review.metrics import accuracy_report, macro_f1, wilson
from scn.review.sampling import draw, uncertainty

CLASSES = ["hate", "offensive", "none"]


def test_accuracy_report_matches_sklearn_and_intervals_hold_the_estimate() -> None:
    rng = np.random.default_rng(0)
    truth = rng.choice(CLASSES, 312, p=[0.2, 0.3, 0.5])
    pred = np.where(rng.random(312) < 0.7, truth, rng.choice(CLASSES, 312))
    r = accuracy_report(truth, pred)
    assert r["n"] == 312
    assert np.isclose(r["precision"], precision_score(truth == "hate", pred == "hate"))
    assert np.isclose(r["recall"], recall_score(truth == "hate", pred == "hate"))
    assert np.isclose(r["f1"], f1_score(truth == "hate", pred == "hate"))
    assert np.isclose(r["macro_f1"], f1_score(truth, pred, average="macro"))
    assert np.isclose(macro_f1(truth, pred), r["macro_f1"])
    for m in ("precision", "recall", "f1", "macro_f1", "accuracy"):
        assert r[f"{m}_low"] < r[m] < r[f"{m}_high"], m
    assert np.allclose(wilson(30, 80), proportion_confint(30, 80, method="wilson"))


def test_kappa_and_consensus() -> None:
    t = pd.Timestamp("2026-01-01", tz="UTC")
    a = ["hate", "none", "none", "offensive", "hate", "none"]
    b = ["hate", "none", "offensive", "offensive", "none", "none"]
    keys = [f"p{i}" for i in range(6)]
    labels = pd.DataFrame({"post_key": keys * 2, "reviewer": ["r1"] * 6 + ["r2"] * 6, "label": a + b,
                           "target": None, "labelled_at": [t] * 6 + [t + pd.Timedelta("1h")] * 6})
    k, n = kappa(labels)
    assert n == 6 and np.isclose(k, cohen_kappa_score(a, b))
    third = pd.DataFrame({"post_key": ["p2"], "reviewer": ["r3"], "label": ["offensive"], "target": ["origin"],
                          "labelled_at": [t + pd.Timedelta("2h")]})
    agreed = consensus(pd.concat([labels, third])).set_index("post_key")
    assert agreed.loc["p2", "label"] == "offensive" and agreed.loc["p2", "reviewers"] == 3  # majority
    assert agreed.loc["p4", "label"] == "hate"  # a tie: the earliest label
    assert kappa(labels.iloc[:1])[0] is None


def test_sample_strata_random_and_uncertain_never_twice() -> None:
    pop = pd.DataFrame({"post_key": [f"k{i}" for i in range(200)], "score_hate": np.linspace(0, 1, 200)})
    first = draw(pop, 40, seed=1)
    assert (first["stratum"] == "random").sum() == 20 and (first["stratum"] == "uncertainty").sum() == 20
    unsure = first[first["stratum"] == "uncertainty"]
    rest = pop[~pop["post_key"].isin(first["post_key"])]
    assert uncertainty(unsure["score_hate"]).min() >= uncertainty(rest["score_hate"]).max()
    second = draw(pop, 40, seed=2, exclude=first["post_key"])
    assert not set(first["post_key"]) & set(second["post_key"])
    assert draw(pop, 500, seed=3)["post_key"].is_unique
