"""The review loop's sentences (en, fr, ar): the measured accuracy of a city's labelling with its intervals,
reviewers' agreement and progress, for the review page and the city page. Numbers come from scn.review (the
review page, a reviewer's tool over the review store, measures live; the city page and the data-health page read
the figures published in the serving snapshot, ``review_accuracy``: no text, no lake, no review store)."""

from __future__ import annotations

import math

import pandas as pd

from dashboards import data, i18n
from scn.privacy.disclosure import for_audience


def t(key: str, lang: str, **fmt: object) -> str:
    """The review loop's string ``key`` in ``lang`` (dashboards/i18n.py, key ``review_loop_<key>``)."""
    return i18n.t(f"review_loop_{key}", lang, **fmt)


def _num(value: object) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def _ci(row: pd.Series, name: str, lang: str = "en") -> str:
    low, high = row.get(f"{name}_low"), row.get(f"{name}_high")
    if _num(row[name]) != "–" and "–" in (_num(low), _num(high)):  # F1 on too few posts: no interval given
        return f"{_num(row[name])} ({i18n.t('review_no_interval', lang)})"
    return f"{_num(row[name])} ({_num(low)}–{_num(high)})"


def accuracy_lines(table: pd.DataFrame, lang: str, details: bool = True) -> list[str]:
    """Sentences of an accuracy table (scn.review.loop.accuracy) in ``lang``: per language the measured accuracy
    and, with ``details``, reviewers' agreement and progress."""
    lines = []
    for row in (r for _, r in table.iterrows()):
        shown = bool(row["shown"]) if "shown" in row.index else row["n"] >= 2
        if shown and not (pd.isna(row["f1"]) and pd.isna(row["macro_f1"])):
            lines.append(t("measured", lang, code=row["lang"], n=int(row["n"]), p=_ci(row, "precision", lang),
                            r=_ci(row, "recall", lang), f1=_ci(row, "f1", lang), macro=_ci(row, "macro_f1", lang)))
        else:
            lines.append(t("not_measured", lang, code=row["lang"], n=i18n.count(row["n"], lang)))
        if not details:
            continue
        k = row["kappa"]
        lines.append(t("kappa", lang, k=f"{k:.2f}", n=i18n.count(row["kappa_posts"], lang)) if k is not None and not pd.isna(k)
                     else t("no_kappa", lang, n=i18n.count(row["kappa_posts"], lang)))
        lines.append(t("progress", lang, code=row["lang"], labelled=i18n.count(row["labelled"], lang),
                        sampled=i18n.count(row["sampled"], lang)))
    return lines


def published(city_id: str | None, audience: str) -> pd.DataFrame:
    """The published ``review_accuracy`` rows (of one city when given), as ``audience`` may see them."""
    return for_audience("review_accuracy", data.table("review_accuracy", city_id), audience)


def city_line(table: pd.DataFrame, lang: str) -> str | None:
    """The city page's sentence: accuracy measured on the city's own reviewed posts (None when not measured).
    ``table``: published ``review_accuracy`` rows; only rows with ``shown`` (enough reviewed posts) count."""
    if table.empty:
        return None
    measured = table[table["shown"].fillna(False).astype(bool)] if "shown" in table.columns \
        else table[table["n"] >= 2]
    return " ".join(accuracy_lines(measured, lang, details=False)) or None


def targets_table(city_id: str, lang: str, audience: str, months: int = 12) -> pd.DataFrame:
    """The published ``target_month`` rows of the city's latest ``months`` months as ``audience`` may see them
    (suppressed counts empty), target groups in ``lang``; newest month first."""
    rows = for_audience("target_month", data.table("target_month", city_id), audience)
    if rows.empty:
        return rows
    latest = sorted(rows["period"].unique())[-months:]
    rows = rows[rows["period"].isin(latest)]
    groups = rows["target"].astype(str)
    rows = rows.assign(target=groups.map({g: i18n.t(f"target_{g}", lang) for g in groups.unique()}))
    return rows[["period", "target", "flagged_posts"]].sort_values(["period", "target"], ascending=[False, True])
