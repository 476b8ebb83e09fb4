"""Which measured accuracy a city's posts get: the per-source evaluation of their language and platform, or none.

Light (pandas only) so the dashboards can import it. The evaluation table (``classifier_eval``) has one row per
language x dataset x class with the ``platform`` the dataset was collected on; a city's posts are counted per
language and platform (``classifier_coverage``).
"""

from __future__ import annotations

import pandas as pd

from scn.vocabularies import PLATFORM_ALIASES

SHOWN_COLUMNS = ["lang", "platform", "posts", "dataset", "macro_f1", "baseline_macro_f1", "n"]


def canonical_platform(platform: pd.Series) -> pd.Series:
    """Lower-case platform names with aliases folded (``twitter`` -> ``x``); missing -> ``unknown``."""
    p = pd.Series(platform, dtype=object).fillna("unknown").astype(str).str.strip().str.lower()
    return p.replace(PLATFORM_ALIASES)


def shown_accuracy(evaluation: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """One row per language x platform of ``posts`` (columns lang, posts and platform - a frame without
    ``platform`` counts as ``unknown``): the figure to show for them.

    It is the evaluation measured on data of that language *and* platform - when several datasets match, the one
    with the lowest macro-F1, so a weak source is never hidden behind a strong one - or, when none matches,
    ``dataset`` None and no figures ("not measured"). Evaluation rows without a platform match no posts.
    """
    if posts is None or posts.empty or evaluation is None or evaluation.empty:
        return pd.DataFrame(columns=SHOWN_COLUMNS)
    counts = posts.assign(platform=canonical_platform(posts["platform"]) if "platform" in posts.columns
                          else "unknown")
    counts = counts.groupby(["lang", "platform"], as_index=False)["posts"].sum()
    ev = evaluation.copy()
    ev["platform"] = canonical_platform(ev["platform"]) if "platform" in ev.columns else "unknown"
    ev = ev[ev["platform"].ne("unknown") & ev["macro_f1"].notna()]
    if "dataset" not in ev.columns:
        ev = ev.assign(dataset=None)
    ev = (ev.drop_duplicates(["lang", "platform", "dataset"])
          .sort_values("macro_f1", kind="stable").drop_duplicates(["lang", "platform"]))
    # a snapshot published before a column existed (``n``, ``baseline_macro_f1``) shows the figure without it
    ev = ev.reindex(columns=[*ev.columns, *(c for c in ("baseline_macro_f1", "n") if c not in ev.columns)])
    out = counts.merge(ev[["lang", "platform", "dataset", "macro_f1", "baseline_macro_f1", "n"]],
                       on=["lang", "platform"], how="left")
    return out.sort_values(["posts", "lang", "platform"], ascending=[False, True, True])[SHOWN_COLUMNS] \
        .reset_index(drop=True)
