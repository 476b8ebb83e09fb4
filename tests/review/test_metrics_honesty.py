"""The review loop's F1 intervals cover what they claim: macro-F1 over every label class, F1 and macro-F1 intervals
from the posterior of the confusion matrix, and none (null bounds with a note) on samples too small for one."""

from __future__ import annotations

import numpy as np

from scn.review import metrics
from scn.review.metrics import accuracy_report

CL = np.array(["hate", "offensive", "none"], dtype=object)


def _world(prior: list[float], conf: list[list[float]]) -> tuple[np.ndarray, float, float]:
    joint = np.asarray(prior)[:, None] * np.asarray(conf)
    f1 = [2 * joint[k, k] / (joint[k].sum() + joint[:, k].sum()) for k in range(3)]
    return joint.ravel(), f1[0], float(np.mean(f1))


def test_f1_intervals_cover_in_a_good_classifiers_world() -> None:
    # a good classifier, 30 reviewed posts: the percentile bootstrap covered the F1 33% and macro-F1 51% of the
    # time here (its resamples of a near-perfect sample are near-perfect); the posterior intervals ~97%
    joint, f1, macro = _world([0.25, 0.25, 0.5], [[0.97, 0.02, 0.01], [0.02, 0.96, 0.02], [0.005, 0.01, 0.985]])
    rng = np.random.default_rng(3)
    hits = {"f1": [], "macro_f1": []}
    for d in range(200):
        cells = rng.choice(9, 30, p=joint)
        r = accuracy_report(CL[cells // 3], CL[cells % 3], seed=d)
        for name, truth in (("f1", f1), ("macro_f1", macro)):
            if not np.isnan(r[f"{name}_low"]):
                hits[name].append(r[f"{name}_low"] <= truth <= r[f"{name}_high"])
    for name, h in hits.items():
        assert len(h) >= 100 and np.mean(h) >= 0.9, (name, np.mean(h), len(h))


def test_macro_f1_averages_every_class_and_small_samples_get_no_interval() -> None:
    # offensive only predicted, never reviewed as such: its F1 is 0 and counts in the mean (not "classes present")
    truth = np.array(["hate"] * 6 + ["none"] * 6, dtype=object)
    pred = np.array(["hate"] * 5 + ["offensive"] + ["none"] * 6, dtype=object)
    r = accuracy_report(truth, pred)
    assert np.isclose(r["macro_f1"], (2 * 5 / 11 + 0 + 1) / 3)
    assert r["n"] < metrics.MIN_REVIEWED and r["f1_interval_note"] == r["macro_f1_interval_note"] == "too_few_reviewed"
    assert np.isnan(r["f1_low"]) and np.isnan(r["macro_f1_high"]) and r["f1"] == 10 / 11  # the point stays
    # enough posts, but one class reviewed too rarely for macro-F1; enough flagged posts for F1
    big_t = np.array(["hate"] * 12 + ["offensive"] * 2 + ["none"] * 20, dtype=object)
    big_p = np.array(["hate"] * 10 + ["none"] * 2 + ["offensive", "none"] + ["none"] * 19 + ["hate"], dtype=object)
    big = accuracy_report(big_t, big_p)
    assert big["f1_interval_note"] is None and big["f1_low"] < big["f1"] < big["f1_high"]
    assert big["macro_f1_interval_note"] == "too_few_per_class" and np.isnan(big["macro_f1_low"])
    # a class absent from both the reviewers' and the predicted labels: macro-F1 not measured, no interval
    absent = accuracy_report(big_t[big_t != "offensive"], big_t[big_t != "offensive"])
    assert np.isnan(absent["macro_f1"]) and np.isnan(absent["macro_f1_high"])
    assert absent["macro_f1_interval_note"] == "class_not_reviewed" and absent["f1_interval_note"] is None
    # fewer reviewed flagged posts than MIN_POSITIVES: the F1 is shown without an interval
    few_t = np.array(["hate"] * 4 + ["offensive"] * 5 + ["none"] * 25, dtype=object)
    few = accuracy_report(few_t, np.roll(few_t, 1))
    assert few["n"] >= metrics.MIN_REVIEWED and few["positives"] < metrics.MIN_POSITIVES
    assert few["f1_interval_note"] == "too_few_positives"
    assert np.isnan(few["f1_low"]) and np.isnan(few["f1_high"]) and not np.isnan(few["f1"])
    assert {few["f1_interval_note"], few["macro_f1_interval_note"]} <= set(metrics.INTERVAL_NOTES)
    # the Wilson intervals are unchanged and still given
    assert few["recall_low"] < few["recall_high"] and few["accuracy_low"] < few["accuracy_high"]
    assert accuracy_report([], [])["f1_interval_note"] == "no_posts" and metrics.MIN_CLASS_POSTS >= 1
