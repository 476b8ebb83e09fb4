"""The data-health page's accuracy tables: the classifier per language x labelled source (model beside the in-source
baseline, n, 95% CI; from the published ``classifier_eval``) and, per member city, the accuracy measured on its
reviewed posts (the published ``review_accuracy``) or "not measured". Frames in, frames out (words in ``lang``)."""

from __future__ import annotations

import pandas as pd

from dashboards.i18n import t
from scn.review.metrics import MIN_CLASS_POSTS, MIN_POSITIVES, MIN_REVIEWED
from scn.settings import suppress_below

SOURCE_COLUMNS = ["lang", "dataset", "platform", "n", "macro_f1", "ci_low", "ci_high", "baseline_macro_f1", "margin"]
NO_INTERVAL = {"too_few_reviewed": MIN_REVIEWED, "too_few_positives": MIN_POSITIVES,  # worded codes -> their k
               "too_few_per_class": MIN_CLASS_POSTS, "class_not_reviewed": 0}
CITY_COLUMNS = ["city_id", "lang", "status", "n", "precision_ci", "recall_ci", "f1_ci", "macro_f1_ci", "kappa"]


def by_source(evaluation: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per language x labelled source of ``classifier_eval`` (one row per class there): the model's
    held-out macro-F1 with its interval beside the in-source baseline's. A language whose model was not measured
    keeps its row, with ``dataset`` "not measured" and no figures; no row pools sources."""
    if evaluation.empty:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    ev = evaluation.reindex(columns=[*SOURCE_COLUMNS, "source"]).drop_duplicates(["lang", "dataset", "source"])
    ev["dataset"] = ev["dataset"].astype(object).where(ev["dataset"].notna(), t("not_measured", lang))
    return ev.sort_values(["lang", "macro_f1"], kind="stable")[SOURCE_COLUMNS].reset_index(drop=True)


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
