"""The review tables' counts are parts of one another: ``classifier_rates`` shows n beside positives and negatives
(n = positives + negatives), positives beside true positives (the rest: hateful posts the labelling missed),
negatives beside false positives, and the rates tpr = true positives / positives, fpr = false positives /
negatives; ``review_accuracy`` shows n and positives beside precision and recall with their Wilson intervals, and
a Wilson interval with its point names its numerator and denominator (2 of 3 and 4 of 6 have the same point, not
the same interval). Each count suppressed alone let a hidden one follow from the others (40 reviewed less 37
negatives: 3 positives), and the figures gave small counts of posts back (a recall of 2 of 3 hateful posts).

The attacker here is written apart from the rule: it enumerates every confusion matrix (true and false positives,
false and true negatives) that agrees with what an official's copy shows (a hidden count is 1 or more) and
reports a count that takes one value in 1..k-1 in all of them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scn.privacy.disclosure import for_audience
from scn.review.metrics import accuracy_report, wilson
from scn.review.published import shown_only

K = 5
BOUND = 61  # no count of these worlds is above 60: an attacker enumerating to 61 loses no matrix that matters
COUNTS = ("true_positives", "false_negatives", "false_positives", "true_negatives", "positives", "negatives",
          "predicted", "n")


def _grid(n: int | None) -> dict[str, np.ndarray]:
    """Every matrix (tp, fn, fp, tn), each 0..BOUND, summing to n when n is known (n unknown: the hateful half
    (tp, fn) and the other half (fp, tn) each 0..BOUND, every pair of halves, ``_halves``)."""
    r = np.arange(BOUND + 1)
    tp, fn, fp = (a.ravel() for a in np.meshgrid(r, r, r, indexing="ij"))
    tn = (n if n is not None else 0) - tp - fn - fp
    keep = tn >= 0
    return _derived(tp[keep], fn[keep], fp[keep], tn[keep])


def _halves(row: pd.Series, rates: dict[str, tuple[str, str]]) -> list[str]:
    """The values an official row pins where n is hidden (``classifier_rates`` only: no count spans the halves
    but n): each half enumerated apart."""
    r = np.arange(BOUND + 1)
    a, b = (x.ravel() for x in np.meshgrid(r, r, indexing="ij"))
    halves = {"true_positives": a, "false_negatives": b, "positives": a + b}, \
        {"false_positives": a, "true_negatives": b, "negatives": a + b}
    values = {}
    for half in halves:
        ok = np.ones(len(a), dtype=bool)
        for col in (c for c in half if c in row.index):
            v = _value(row, col)
            ok &= (half[col] == v) if v is not None else (half[col] >= 1)
        for rate, (num, den) in rates.items():
            v = _value(row, rate)
            if num in half and v is not None:
                ok &= (half[den] > 0) & np.isclose(half[num] / np.maximum(half[den], 1), v, rtol=0, atol=1e-9)
        values.update({c: np.unique(x[ok]) for c, x in half.items()})
    values["n"] = np.unique(np.add.outer(values["positives"], values["negatives"]))
    return [f"{c}={int(v[0])}" for c, v in values.items() if len(v) == 1 and 1 <= v[0] <= K - 1]


def _derived(tp: np.ndarray, fn: np.ndarray, fp: np.ndarray, tn: np.ndarray) -> dict[str, np.ndarray]:
    return {"true_positives": tp, "false_negatives": fn, "false_positives": fp, "true_negatives": tn,
            "positives": tp + fn, "negatives": fp + tn, "predicted": tp + fp, "n": tp + fn + fp + tn}


def _value(row: pd.Series, col: str) -> float | None:
    v = row.get(col)
    return None if v is None or pd.isna(v) else float(v)


def _pins(row: pd.Series, k: int, rates: dict[str, tuple[str, str]], intervals: bool) -> list[str]:
    """The counts of ``COUNTS`` one official row pins at a value in 1..k-1 (and any count shown at 1..k-1)."""
    n = _value(row, "n")
    if n is None:
        return _halves(row, rates)
    g = _grid(int(n))
    ok = np.ones(len(g["n"]), dtype=bool)
    for col in COUNTS:
        if col not in row.index:
            continue
        v = _value(row, col)
        ok &= (g[col] == v) if v is not None else (g[col] >= 1)  # zero is always shown
    for rate, (num, den) in rates.items():
        v = _value(row, rate)
        if v is None:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            ok &= (g[den] > 0) & np.isclose(g[num] / np.where(g[den] > 0, g[den], 1), v, rtol=0, atol=1e-9)
        low, high = _value(row, f"{rate}_low"), _value(row, f"{rate}_high")
        if intervals and low is not None and high is not None:
            code = g[num] * (4 * BOUND + 1) + g[den]
            fits = [c for c in np.unique(code[ok]) if np.allclose(
                wilson(float(c // (4 * BOUND + 1)), float(c % (4 * BOUND + 1))), (low, high), rtol=0, atol=1e-9)]
            ok &= np.isin(code, fits)
    if not ok.any():
        return ["no matrix fits"]
    out = []
    for col in COUNTS:
        values = np.unique(g[col][ok])
        shown = _value(row, col)
        if len(values) == 1 and 1 <= values[0] <= k - 1 or shown is not None and 1 <= shown <= k - 1:
            out.append(f"{col}={int(values[0])}")
    return out


RATES_RATES = {"tpr": ("true_positives", "positives"), "fpr": ("false_positives", "negatives")}
ACCURACY_RATES = {"precision": ("true_positives", "predicted"), "recall": ("true_positives", "positives")}


def _rates_row(tp: int, fn: int, fp: int, tn: int) -> pd.DataFrame:
    pos, neg = tp + fn, fp + tn
    return pd.DataFrame([{"city_id": "tyre", "lang": "ar", "platform": "telegram", "n": pos + neg,
                          "true_positives": float(tp), "positives": float(pos), "false_positives": float(fp),
                          "negatives": float(neg), "tpr": tp / pos if pos else np.nan,
                          "fpr": fp / neg if neg else np.nan, "rates_source": "review"}])


def test_a_hidden_positives_count_does_not_follow_from_n_less_the_negatives() -> None:
    official = for_audience("classifier_rates", _rates_row(2, 1, 6, 31), "official", k=K, min_group=None)
    staff = for_audience("classifier_rates", _rates_row(2, 1, 6, 31), "staff", k=K, min_group=None)
    assert "positives=3" in _pins(staff.iloc[0], K, RATES_RATES, False)
    assert _pins(official.iloc[0], K, RATES_RATES, False) == [], official.T


def test_a_rate_beside_its_denominator_does_not_give_a_hidden_numerator() -> None:
    """20 hateful reviewed posts shown, 3 of them flagged hidden: a tpr of 0.15 gave 3 back."""
    official = for_audience("classifier_rates", _rates_row(3, 17, 10, 30), "official", k=K, min_group=None)
    assert _pins(official.iloc[0], K, RATES_RATES, False) == [], official.T


def test_the_posts_the_labelling_missed_are_a_count_too() -> None:
    """12 hateful reviewed posts, 10 flagged: 2 missed (positives less true positives)."""
    official = for_audience("classifier_rates", _rates_row(10, 2, 10, 30), "official", k=K, min_group=None)
    assert _pins(official.iloc[0], K, RATES_RATES, False) == [], official.T
    assert official["true_positives"].iloc[0] == 10  # the part is kept, its count hidden (as RESTS)


def _accuracy_row(tp: int, fn: int, fp: int, tn: int) -> pd.DataFrame:
    truth = np.array(["hate"] * (tp + fn) + ["none"] * (fp + tn), dtype=object)
    label = np.array(["hate"] * tp + ["none"] * fn + ["hate"] * fp + ["none"] * tn, dtype=object)
    report = accuracy_report(truth, label)
    row = {"city_id": "tyre", "lang": "ar", **report, "kappa": 0.7, "kappa_posts": 20, "sampled": 200,
           "labelled": 200, "true_positives": tp, "predicted": tp + fp}
    return shown_only(pd.DataFrame([row]), K)


def test_a_recall_with_its_interval_names_a_hidden_positives_count() -> None:
    """40 reviewed, 3 of them hateful (hidden): recall 0.67 (0.21-0.94) is 2 of 3, not 4 of 6."""
    row = _accuracy_row(2, 1, 4, 33)
    staff = for_audience("review_accuracy", row, "staff", k=K, min_group=None)
    assert "positives=3" in _pins(staff.iloc[0], K, ACCURACY_RATES, True)
    official = for_audience("review_accuracy", row, "official", k=K, min_group=None)
    assert _pins(official.iloc[0], K, ACCURACY_RATES, True) == [], official.T
    assert official["n"].iloc[0] == 40 and "true_positives" not in official.columns


@pytest.mark.parametrize("seed", [0, 1])
def test_no_random_review_row_gives_a_small_count_back(seed: int) -> None:
    """Random reviewed samples (10-60 posts, any share hateful, any accuracy), k = 5: the official copy of either
    table pins no count at 1..4; staff's copy does in most worlds (the attacker finds what there is to find)."""
    rng = np.random.default_rng(seed)
    leaks, staff_leaks = [], 0
    for _ in range(40):
        n = int(rng.integers(10, 61))
        pos = int(rng.binomial(n, rng.uniform(0.02, 0.98)))
        tp = int(rng.binomial(pos, rng.uniform(0.3, 1.0)))
        fp = int(rng.binomial(n - pos, rng.uniform(0.0, 0.4)))
        cells = (tp, pos - tp, fp, n - pos - fp)
        for name, frame, rates, intervals in (
                ("classifier_rates", _rates_row(*cells), RATES_RATES, False),
                ("review_accuracy", _accuracy_row(*cells), ACCURACY_RATES, True)):
            official = for_audience(name, frame, "official", k=K, min_group=None).iloc[0]
            found = _pins(official, K, rates, intervals)
            leaks += [f"{name} {cells}: {found}"] if found else []
            staff_leaks += bool(_pins(frame.iloc[0], K, rates, intervals))
    assert leaks == [], "\n".join(leaks)
    assert staff_leaks >= 40  # of 80 rows


def test_figures_resting_on_no_small_count_are_shown() -> None:
    """20 of 30 hateful posts flagged, 8 of 48 others: every count 8 or more; the figures and n stay."""
    official = for_audience("review_accuracy", _accuracy_row(20, 10, 8, 40), "official", k=K, min_group=None)
    assert official[["n", "positives"]].iloc[0].tolist() == [78, 30]
    assert official[["precision", "recall", "f1", "recall_low"]].notna().all(axis=None)
    official = for_audience("classifier_rates", _rates_row(20, 10, 8, 40), "official", k=K, min_group=None)
    assert official[["n", "positives", "negatives", "tpr", "fpr"]].notna().all(axis=None)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_withheld_figures_are_not_called_not_measured(lang: str) -> None:
    """An official whose figures are withheld (3 false positives of 78 reviewed posts) reads that they are withheld
    for small counts, not that the language was "not measured yet"; staff read the figures."""
    from dashboards.components.review import accuracy_lines
    from dashboards.i18n import t

    row = _accuracy_row(20, 10, 3, 45)
    official = " ".join(accuracy_lines(for_audience("review_accuracy", row, "official", k=K, min_group=None),
                                       lang, details=False))
    staff = " ".join(accuracy_lines(for_audience("review_accuracy", row, "staff", k=K, min_group=None), lang,
                                    details=False))
    assert t("review_loop_withheld", lang, code="ar", n=78, k=K) == official
    assert "0.87" in staff  # precision 20 / 23
