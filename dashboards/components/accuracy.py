"""The data-health page's accuracy tables: the classifier per language x labelled source (model beside the in-source
baseline, n, 95% CI, whether the paired margin shows the model beats the baseline; withheld below
``scn.nlp.accuracy.MIN_HELD_OUT`` held-out posts; from the published ``classifier_eval``), the posts per language x
platform with the figure that covers them, and, per member city, the accuracy measured on its reviewed posts (the
published ``review_accuracy``) or "not measured". Frames in, frames out (words in ``lang``)."""

from __future__ import annotations

import pandas as pd

from dashboards.i18n import percent, t
from scn.nlp.accuracy import (
    FIGURES,
    MIN_HELD_OUT,
    baseline_verdict,
    canonical_platform,
    flagged_shares,
    measurable,
    measured_share,
    shown_accuracy,
    unshown_status,
)
from scn.review.metrics import MIN_CLASS_POSTS, MIN_POSITIVES, MIN_REVIEWED
from scn.settings import suppress_below

SOURCE_COLUMNS = ["lang", "dataset", "platform", "status", "n", "macro_f1", "ci_low", "ci_high", "baseline_macro_f1",
                  "margin", "margin_ci_low", "margin_ci_high", "vs_baseline"]
COVERAGE_COUNTS = ["posts", "assessed", "lexicon", "not_assessed"]
NO_INTERVAL = {"too_few_reviewed": MIN_REVIEWED, "too_few_positives": MIN_POSITIVES,  # worded codes -> their k
               "too_few_per_class": MIN_CLASS_POSTS, "class_not_reviewed": 0}
CITY_COLUMNS = ["city_id", "lang", "status", "n", "precision_ci", "recall_ci", "f1_ci", "macro_f1_ci", "kappa"]


def by_source(evaluation: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per language x labelled source of ``classifier_eval`` (one row per class there): the model's
    held-out macro-F1 with its interval beside the in-source baseline's and ``vs_baseline``, what the paired
    margin's interval says (``baseline_verdict``). A source of fewer than ``MIN_HELD_OUT`` held-out posts keeps its
    n and says so, without figures; a language whose model was not measured keeps its row, with ``dataset`` "not
    measured" and no figures; no row pools sources."""
    if evaluation.empty:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    ev = evaluation.reindex(columns=[*SOURCE_COLUMNS, "source"]).drop_duplicates(["lang", "dataset", "source",
                                                                                  "platform"])
    ok = measurable(ev)
    codes = unshown_status(ev).where(~ok, "measured").where(ev["macro_f1"].notna(), "not_measured")
    ev["status"] = _status(codes, ev["n"], lang)
    ev.loc[~ok, FIGURES] = None
    ev["vs_baseline"] = baseline_verdict(ev).map(lambda v: t(f"vs_baseline_{v}", lang))
    ev["dataset"] = ev["dataset"].astype(object).where(ev["dataset"].notna(), t("not_measured", lang))
    return ev.sort_values(["lang", "macro_f1"], kind="stable")[SOURCE_COLUMNS].reset_index(drop=True)


def keyword_selected(evaluation: pd.DataFrame, lang: str) -> str | None:
    """That the model card's labelled sets were selected by hate keywords, with the range of their held-out posts'
    hate-or-offensive share (``flagged_shares``), in ``lang``; None when no row is the card's."""
    shares = flagged_shares(evaluation)
    if shares.empty:
        return None
    datasets = ", ".join(sorted(set(shares.index.get_level_values("dataset"))))
    return t("accuracy_keyword_selected", lang, datasets=datasets, low=percent(shares.min(), lang),
             high=percent(shares.max(), lang))


def _status(status: pd.Series, n: pd.Series, lang: str) -> pd.Series:
    """``scn.nlp.accuracy`` status codes (measured, too_few, no_interval, not_measured) in ``lang``, with n."""
    n = pd.to_numeric(n, errors="coerce")
    words = status.map({"measured": t("accuracy_measured", lang), "not_measured": t("not_measured", lang)})
    for code in ("too_few", "no_interval"):
        at = status.eq(code)
        words[at] = [t(f"accuracy_{code}", lang, n=int(v) if pd.notna(v) else "?", k=MIN_HELD_OUT) for v in n[at]]
    return words.astype(object)


def coverage(coverage: pd.DataFrame, evaluation: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, float | None]:
    """The posts of every city per language x platform (``classifier_coverage``; platform aliases folded), each
    with ``status``: whether a held-out figure of that language and platform covers them
    (``scn.nlp.accuracy.shown_accuracy``); and the share of the posts so covered (None without posts)."""
    counts = [c for c in COVERAGE_COUNTS if c in coverage.columns]
    if "posts" not in counts:
        return coverage, None
    cov = coverage.assign(platform=canonical_platform(coverage["platform"]) if "platform" in coverage.columns
                          else "unknown").groupby(["lang", "platform"], as_index=False)[counts].sum()
    shown = shown_accuracy(evaluation, cov[["lang", "platform", "posts"]])
    if shown.empty:  # no evaluation published: nothing is measured
        shown = cov[["lang", "platform", "posts"]].assign(status="not_measured", n=None)
    words = _status(shown["status"], shown["n"], lang)
    out = cov.merge(shown[["lang", "platform"]].assign(status=words), on=["lang", "platform"], how="left")
    out = out.sort_values(["posts", "lang", "platform"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True), measured_share(shown)


def _ci(frame: pd.DataFrame, name: str, lang: str = "en") -> pd.Series:
    def fmt(v: pd.Series) -> pd.Series:
        return v.astype("float64").map("{:.2f}".format)

    low, high = frame[f"{name}_low"], frame[f"{name}_high"]
    text = fmt(frame[name]) + " (" + fmt(low) + "–" + fmt(high) + ")"
    note = frame[f"{name}_interval_note"] if f"{name}_interval_note" in frame.columns else pd.Series(None, frame.index)
    why = note.astype(object).map(lambda code: t(f"review_no_interval_{code}", lang, k=NO_INTERVAL[code]) if isinstance(code, str)
                                  and code in NO_INTERVAL else t("review_no_interval", lang))
    text = text.where(low.notna() & high.notna(), fmt(frame[name]) + " (" + why + ")")
    return text.where(frame[name].notna(), "–")


def by_city(cities: pd.Series, review: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per member city and reviewed language (a city with no reviewed language: one row, "not
    measured"): the published ``review_accuracy`` figures with their 95% intervals, or why they are missing."""
    cities = pd.DataFrame({"city_id": pd.Series(sorted(set(cities)), dtype=object)})
    if review.empty:
        review = pd.DataFrame(columns=["city_id", "lang", "n", "shown"])
    rows = cities.merge(review, on="city_id", how="left")
    measured = rows["shown"].fillna(False).astype(bool)
    reviewed = rows["lang"].notna()
    rows["status"] = t("not_measured", lang)
    rows.loc[measured, "status"] = t("review_measured", lang)
    rows.loc[reviewed & ~measured, "status"] = t("review_too_few", lang, k=suppress_below())
    for m in ("precision", "recall", "f1", "macro_f1"):
        rows[f"{m}_ci"] = _ci(rows, m, lang) if m in rows.columns else "–"
    rows["lang"] = rows["lang"].astype(object).where(reviewed, "–")
    return rows.reindex(columns=CITY_COLUMNS).reset_index(drop=True)
