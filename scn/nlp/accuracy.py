"""Which measured accuracy a city's posts get: the per-source evaluation of their language and platform, or none.

Light (pandas only) so the dashboards can import it. The evaluation table (``classifier_eval``) has one row per
language x dataset x class with the ``platform`` the dataset was collected on; a city's posts are counted per
language and platform (``classifier_coverage``). A figure measured on fewer than ``MIN_HELD_OUT`` held-out posts
is withheld (status ``too_few``), and so is one published without its 95% interval (``no_interval``); each shown
figure carries n, its interval and whether the model beats the in-source baseline by the paired margin's interval
(``baseline_verdict``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.vocabularies import PLATFORM_ALIASES

MIN_HELD_OUT = 30  # held-out posts below which a source's macro-F1 is withheld (as scn.review.metrics.MIN_REVIEWED)
FIGURES = ["macro_f1", "ci_low", "ci_high", "baseline_macro_f1", "margin", "margin_ci_low", "margin_ci_high"]
SHOWN_COLUMNS = ["lang", "platform", "posts", "dataset", "status", "n", *FIGURES, "vs_baseline"]
VERDICTS = ("beats", "no_clear_difference", "worse", "no_interval", "not_tested")
# ``classifier_eval``'s source of the shipped model card's rows: held-out tweets of sets selected by hate keywords
CARD_SOURCE = "held-out split (model card)"


def canonical_platform(platform: pd.Series) -> pd.Series:
    """Lower-case platform names with aliases folded (``twitter`` -> ``x``); missing -> ``unknown``."""
    p = pd.Series(platform, dtype=object).fillna("unknown").astype(str).str.strip().str.lower()
    return p.replace(PLATFORM_ALIASES)


def _number(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as numbers (NaN where not one); all NaN when ``frame`` lacks it (a snapshot published before it)."""
    return pd.to_numeric(frame[name], errors="coerce") if name in frame.columns else pd.Series(np.nan, frame.index)


def baseline_verdict(frame: pd.DataFrame) -> pd.Series:
    """Per row: ``beats`` when the paired margin's 95% interval over the in-source baseline is above 0, ``worse``
    when below, ``no_clear_difference`` when it spans 0; ``no_interval`` when both figures are there but the
    margin has no interval (a bare margin is no evidence either way); ``not_tested`` without either figure."""
    low, high = _number(frame, "margin_ci_low"), _number(frame, "margin_ci_high")
    both = _number(frame, "macro_f1").notna() & _number(frame, "baseline_macro_f1").notna()
    verdict = np.select([~both, low.isna() | high.isna(), low > 0, high < 0],
                        ["not_tested", "no_interval", "beats", "worse"], "no_clear_difference")
    return pd.Series(verdict, index=frame.index, dtype=object)


def measurable(evaluation: pd.DataFrame) -> pd.Series:
    """Rows of ``classifier_eval`` whose figure may be shown: a macro-F1 measured on at least ``MIN_HELD_OUT``
    posts, with its 95% interval."""
    return (_number(evaluation, "macro_f1").notna() & _number(evaluation, "n").ge(MIN_HELD_OUT)
            & _number(evaluation, "ci_low").notna() & _number(evaluation, "ci_high").notna())


def unshown_status(evaluation: pd.DataFrame) -> pd.Series:
    """Why a measured row is not ``measurable``: ``too_few`` (n below ``MIN_HELD_OUT``) or ``no_interval``."""
    return pd.Series(np.where(_number(evaluation, "n").ge(MIN_HELD_OUT), "no_interval", "too_few"), index=evaluation.index, dtype=object)


def shown_accuracy(evaluation: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """One row per language x platform of ``posts`` (columns lang, posts and platform - a frame without
    ``platform`` counts as ``unknown``): the figure to show for them, with ``status``:

    ``measured``: the evaluation measured on at least ``MIN_HELD_OUT`` held-out posts of that language *and*
    platform - when several datasets match, the one with the lowest macro-F1, so a weak source is never hidden
    behind a strong one - with n, its interval and ``vs_baseline`` (``baseline_verdict``); ``too_few`` /
    ``no_interval``: only sources of fewer posts or without an interval match (n of the largest, no figures);
    ``not_measured``: none matches (no figures).
    Evaluation rows without a platform match no posts.
    """
    if posts is None or posts.empty or evaluation is None or evaluation.empty:
        return pd.DataFrame(columns=SHOWN_COLUMNS)
    counts = posts.assign(platform=canonical_platform(posts["platform"]) if "platform" in posts.columns
                          else "unknown")
    counts = counts.groupby(["lang", "platform"], as_index=False)["posts"].sum()
    # a snapshot published before a column existed (``n``, ``baseline_macro_f1``, an interval) shows without it
    ev = evaluation.reindex(columns=[*evaluation.columns, *(c for c in ("dataset", "n", *FIGURES)
                                                             if c not in evaluation.columns)])
    ev["platform"] = canonical_platform(ev["platform"]) if "platform" in evaluation.columns else "unknown"
    ev = ev[ev["platform"].ne("unknown") & ev["macro_f1"].notna()].drop_duplicates(["lang", "platform", "dataset"])
    ok = measurable(ev)
    measured = ev[ok].sort_values("macro_f1", kind="stable").drop_duplicates(["lang", "platform"])
    few = (ev[~ok].assign(n=pd.to_numeric(ev.loc[~ok, "n"], errors="coerce"))
           .sort_values("n", ascending=False, kind="stable").drop_duplicates(["lang", "platform"]))
    few = few[~few.set_index(["lang", "platform"]).index.isin(measured.set_index(["lang", "platform"]).index)]
    few = few.assign(status=unshown_status(few), **dict.fromkeys(FIGURES, np.nan))
    chosen = pd.concat([measured.assign(status="measured"), few], ignore_index=True)
    out = counts.merge(chosen[["lang", "platform", "dataset", "status", "n", *FIGURES]], on=["lang", "platform"],
                       how="left")
    out["status"] = out["status"].fillna("not_measured")
    out["vs_baseline"] = baseline_verdict(out)
    return out.sort_values(["posts", "lang", "platform"], ascending=[False, True, True])[SHOWN_COLUMNS] \
        .reset_index(drop=True)


def measured_share(shown: pd.DataFrame) -> float | None:
    """Share of the posts of ``shown`` (``shown_accuracy``) whose language and platform have a shown figure;
    None without posts."""
    total = pd.to_numeric(shown["posts"], errors="coerce").sum() if len(shown) else 0
    if not total:
        return None
    return float(pd.to_numeric(shown["posts"], errors="coerce")[shown["status"].eq("measured")].sum() / total)


def flagged_shares(evaluation: pd.DataFrame) -> pd.Series:
    """Per language x dataset of the model card's rows (``CARD_SOURCE``), the share of the held-out posts labelled
    hate or offensive (from the per-class ``support``): how keyword-selected the posts the figures measure are."""
    ev = evaluation.reindex(columns=["lang", "dataset", "source", "class", "support"])
    ev = ev[ev["source"].eq(CARD_SOURCE) & ev["dataset"].notna()]
    support = pd.to_numeric(ev["support"], errors="coerce").fillna(0)
    flagged = support.where(ev["class"].isin(["hate", "offensive"]), 0)
    by = [ev["lang"], ev["dataset"]]
    total = support.groupby(by).sum()
    return (flagged.groupby(by).sum() / total)[total > 0]

