"""The review loop's published tables (lake, then the serving snapshot; the dashboards read them only there).

- ``review_accuracy``: per city and language, the current labelling measured on the reviewed random stratum
  (scn.review.loop.accuracy: precision, recall, F1 of the flagged class and macro-F1 with 95% intervals, n,
  kappa). A figure measured on fewer than ``k`` reviewed posts (the disclosure threshold the caller passes:
  ``scn.review.tables`` reads the settings') is not published (its metrics are empty and ``shown`` is false): the
  page says "not measured" rather than show a figure of a handful of posts.
- ``classifier_rates``: per city, language and platform, the flagged class's true- and false-positive rates the
  adjusted counts use: the city's own (``rates_source`` ``review``, one row per platform its reviewed posts come
  from, measured on that platform's reviewed posts only, ``stratum_rates``: rates pooled over the sample describe
  the mix of platforms it was drawn under, not the mix of the posts corrected; a row of platform ``*`` only when the
  posts carry no key to tell; a platform added since keeps its own row) when its reviewed random stratum holds at
  least ``MIN_REVIEWED`` posts and the platform's at least ``MIN_CLASS`` hateful and ``MIN_CLASS`` other ones
  (rates measured on one or two hateful posts are 0 or 1 and correct nothing honestly), else the held-out
  evaluation of the classifier in use for that language on that platform (``classifier_eval``, the weakest source:
  ``model_card``), else none (``none``: a platform without held-out posts of its own borrows no other platform's
  rates). ``review_accuracy`` is re-weighted the same way to the city's posts' platform mix now where it can be
  (``scn.review.metrics.mix_report``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.ingest.social.posts import key_platforms
from scn.nlp.accuracy import MIN_HELD_OUT, canonical_platform
from scn.nlp.labels import FLAGGED_LABELS
from scn.review.prevalence import MIN_CLASS

MIN_REVIEWED = 30  # reviewed random-stratum posts a city's own error rates need
# MIN_CLASS (scn.review.prevalence): of them, hateful posts and other posts, each
METRICS = ("precision", "recall", "f1", "macro_f1", "accuracy")
ACCURACY_COLUMNS = ["city_id", "lang", "n", "positives",
                    *(f"{m}{s}" for m in METRICS for s in ("", "_low", "_high")),
                    "kappa", "kappa_posts", "sampled", "labelled", "shown",
                    "f1_interval_note", "macro_f1_interval_note",  # why an F1 has no interval (metrics.INTERVAL_NOTES)
                    "sample_mix", "posts_mix", "weighted",  # which platform mix the figures describe (mix_report)
                    # the reviewed posts' unweighted counts the figures rest on, for staff and the disclosure rule
                    # (``disclosure.REVIEW_COUNTS``: an official's copy has neither)
                    "true_positives", "predicted"]
NOTES = ["f1_interval_note", "macro_f1_interval_note"]
MIXES = ["sample_mix", "posts_mix"]
RATES_COLUMNS = ["city_id", "lang", "platform", "tpr", "fpr", "n", "true_positives", "positives", "false_positives",
                 "negatives", "rates_source", "dataset", "platforms"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


MIX_STEP = 0.01  # a published share's precision (``metrics.mix_text``: two decimals)


def mixes_said(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """``table`` (loop.accuracy rows) with ``posts_mix`` emptied where a platform's count of the city's posts in
    the language (``lang_posts``, the shares' total) could be 1..k-1 given its rounded share: beside the city's
    published post total, a share is a count (``x:0.01`` of 302 posts: 2..4). A platform listed has one post or
    more; its least count is (share - ``MIX_STEP`` / 2) x the total. Without ``lang_posts`` no mix is said."""
    out = table.copy()
    if "posts_mix" not in out.columns or out.empty:
        return out
    total = pd.to_numeric(out["lang_posts"], errors="coerce").to_numpy(dtype="float64") \
        if "lang_posts" in out.columns else np.full(len(out), np.nan)
    items = pd.Series(out["posts_mix"].to_numpy(dtype=object), index=np.arange(len(out))).astype("string")
    items = items.str.split(",").explode()
    share = pd.to_numeric(items.str.rsplit(":", n=1).str[1], errors="coerce").to_numpy(dtype="float64")
    least = (share - MIX_STEP / 2) * total[items.index.to_numpy()]
    few = pd.Series(~(least >= k) & items.notna().to_numpy(), index=items.index).groupby(level=0).any()
    hide = few.reindex(np.arange(len(out))).fillna(False).to_numpy(dtype=bool)
    out["posts_mix"] = out["posts_mix"].where(~hide, None)
    return out


def shown_only(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """``table`` (loop.accuracy rows) with ``shown`` = n >= ``k`` (the disclosure threshold the caller passes, at
    least 2), the metrics and kappa emptied where it is false and the posts' mix where it gives a platform's count
    of 1..k-1 (``mixes_said``)."""
    k = max(2, int(k))
    out = mixes_said(table, k).reindex(columns=ACCURACY_COLUMNS).copy()
    shown = pd.to_numeric(out["n"], errors="coerce").fillna(0).to_numpy() >= k
    figures = [c for c in ACCURACY_COLUMNS if c.startswith(METRICS) and c not in NOTES] + ["kappa"]
    out[figures] = out[figures].astype("float64")
    out.loc[~shown, figures] = np.nan
    out.loc[~shown, NOTES + MIXES] = None  # nothing measured is shown: no reason nor mix either
    out["weighted"] = out["weighted"].astype("boolean").fillna(False).astype(bool) & shown
    out["shown"] = shown
    return out


def accuracy_table(k: int, seed: int = 0) -> pd.DataFrame:
    """``review_accuracy``: every city with a review sample, measured now (``shown_only`` with ``k`` applied)."""
    from scn.review import loop, store

    cities = sorted(store.samples()["city_id"].dropna().unique())
    frames = [loop.accuracy(c, seed=seed) for c in cities]
    frames = [f for f in frames if len(f)]
    if not frames:
        return _typed(_empty(ACCURACY_COLUMNS))
    return _typed(shown_only(pd.concat(frames, ignore_index=True), k))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    ints = ["n", "positives", "kappa_posts", "sampled", "labelled"]
    floats = [c for c in ACCURACY_COLUMNS if c.startswith(METRICS) and c not in NOTES] + ["kappa"]
    return frame.astype({**dict.fromkeys(["city_id", "lang", *NOTES, *MIXES], "string"),
                         **dict.fromkeys(["true_positives", "predicted"], "Int64"),
                         **dict.fromkeys(ints, "int64"), **dict.fromkeys(floats, "float64"), "shown": "bool",
                         "weighted": "bool"})


def card_rates(evaluation: pd.DataFrame) -> pd.DataFrame:
    """Per language x platform of ``classifier_eval`` (one row per language x dataset x class, with the
    ``platform`` the dataset was collected on): the flagged class's counts on the held-out split of that
    language's and platform's weakest dataset (lowest macro-F1) of at least ``MIN_HELD_OUT`` posts (a dataset the
    dashboards withhold as too small corrects no count either), from per-class precision, recall, support:
    true_positives = recall x support, predicted = true_positives / precision (flagged classes summed).
    A dataset of no known platform gives no rates: they would describe posts of nowhere in particular."""
    cols = ["lang", "platform", "true_positives", "positives", "false_positives", "negatives", "dataset"]
    ev = evaluation[evaluation["macro_f1"].notna()] if len(evaluation) else evaluation
    if ev.empty:
        return _empty(cols)
    platform = canonical_platform(ev["platform"]) if "platform" in ev.columns else "unknown"
    ev = ev.assign(platform=platform)
    ev = ev[~ev["platform"].isin(["unknown", ""])]
    if ev.empty:
        return _empty(cols)
    ev = ev.assign(flag=ev["class"].isin(FLAGGED_LABELS), support=ev["support"].astype("float64"))
    tp = (ev["recall"].astype("float64") * ev["support"]).round()
    ev = ev.assign(tp=tp.where(ev["flag"], 0.0),
                   pred=np.divide(tp, ev["precision"].astype("float64"), out=np.zeros(len(ev)),
                                  where=ev["precision"].astype("float64").to_numpy() > 0).round()
                   * ev["flag"],
                   pos=ev["support"].where(ev["flag"], 0.0))
    per = ev.groupby(["lang", "platform", "dataset"], as_index=False).agg(
        true_positives=("tp", "sum"), predicted=("pred", "sum"), positives=("pos", "sum"), n=("support", "sum"),
        macro_f1=("macro_f1", "first"))
    per = per[per["n"] >= MIN_HELD_OUT]
    per = per.sort_values(["lang", "platform", "macro_f1"], kind="stable").drop_duplicates(["lang", "platform"])
    per["false_positives"] = (per["predicted"] - per["true_positives"]).clip(lower=0)
    per["negatives"] = per["n"] - per["positives"]
    return per[cols].reset_index(drop=True)


def stratum_rates(reviewed: pd.DataFrame, min_class: int = MIN_CLASS) -> pd.DataFrame:
    """The flagged class's counts on a city's reviewed random stratum of one language (``truth``, ``label`` and,
    when known, ``post_key``), one row per platform the posts come from (post-stratification: each platform's
    posts are corrected with rates measured on that platform's reviewed posts, so a correction follows the mix of
    the posts it corrects, not the mix the sample was drawn under), ``platforms`` naming it. A platform with fewer
    than ``min_class`` hateful or other reviewed posts gives no row (its rates would be 0 or 1 or near it; the
    pooled sample's are another mix's). Posts without keys: one row of platform ``*`` for all (``platforms``
    empty), when it has ``min_class`` of each."""
    t = reviewed["truth"].isin(FLAGGED_LABELS).to_numpy()
    p = reviewed["label"].isin(FLAGGED_LABELS).to_numpy()
    keyed = "post_key" in reviewed.columns
    platform = canonical_platform(key_platforms(reviewed["post_key"])).to_numpy(dtype=object) if keyed \
        else np.full(len(reviewed), "*", dtype=object)
    counts = pd.DataFrame({"platform": platform, "true_positives": (t & p).astype(float),
                           "positives": t.astype(float), "false_positives": (~t & p).astype(float),
                           "negatives": (~t).astype(float)}).groupby("platform", as_index=False).sum()
    counts = counts[(counts["positives"] >= max(min_class, 1)) & (counts["negatives"] >= max(min_class, 1))]
    return counts.assign(rates_source="review", dataset="review sample",
                         platforms=counts["platform"].where(counts["platform"].ne("*"), None)
                         ).reset_index(drop=True)


def rates_table(pairs: pd.DataFrame, evaluation: pd.DataFrame, min_reviewed: int = MIN_REVIEWED,
                min_class: int = MIN_CLASS) -> pd.DataFrame:
    """``classifier_rates`` for each (city_id, lang, platform) of ``pairs`` (no ``platform``: ``unknown``): the
    city's measured rates when its reviewed random stratum of that language allows (at least ``min_reviewed``
    posts; per platform, ``min_class`` hateful and ``min_class`` others: ``review``, one row per platform measured
    on its own reviewed posts, ``stratum_rates``, so each platform's posts are corrected with their own rates
    whatever the mix of platforms now), else the held-out evaluation's of the language *and platform*
    (``model_card``), else none (``none``: tpr and fpr empty, nothing is adjusted): rates measured on X posts never
    correct Telegram's. A platform the city added after its sample was drawn, or sampled too thinly, keeps its own
    row (``model_card`` or ``none``)."""
    from scn.review import loop, store

    pairs = pairs.assign(platform=canonical_platform(pairs["platform"]) if "platform" in pairs.columns
                         else "unknown")
    pairs = pairs[["city_id", "lang", "platform"]].dropna().drop_duplicates().reset_index(drop=True)
    card = card_rates(evaluation)
    out = pairs.merge(card, on=["lang", "platform"], how="left")
    out["rates_source"] = np.where(out["positives"].notna(), "model_card", "none")
    sampled = store.samples()
    reviewed = pairs[["city_id", "lang"]].drop_duplicates().merge(
        sampled[["city_id", "lang"]].drop_duplicates(), on=["city_id", "lang"])
    own = []
    for city_id, lang in reviewed.itertuples(index=False):  # one pass per reviewed city x language
        m = loop.measured(city_id, lang)
        if len(m) >= min_reviewed:
            own.append(stratum_rates(m, min_class).assign(city_id=city_id, lang=lang))
    own = [o for o in own if len(o)]
    if own:
        own = pd.concat(own, ignore_index=True)
        # the city's reviewed rates replace the rows of the platforms its reviewed posts come from (all of them when
        # the posts have no keys to tell); a platform added since keeps its own (held-out) rates, or none
        key = ["city_id", "lang"]
        covered = own[[*key, "platforms"]].assign(platform=own["platforms"].fillna("*").str.split(",")).explode(
            "platform")
        every = out.set_index(key).index.isin(covered.loc[covered["platform"].eq("*"), key].set_index(key).index)
        listed = out.set_index([*key, "platform"]).index.isin(covered.set_index([*key, "platform"]).index)
        out = pd.concat([out[~(every | listed)], own], ignore_index=True)
    counts = out[["true_positives", "positives", "false_positives", "negatives"]].astype("float64")
    out[counts.columns] = counts
    out["tpr"] = np.divide(counts["true_positives"], counts["positives"], out=np.full(len(out), np.nan),
                           where=counts["positives"].to_numpy() > 0)
    out["fpr"] = np.divide(counts["false_positives"], counts["negatives"], out=np.full(len(out), np.nan),
                           where=counts["negatives"].to_numpy() > 0)
    out["n"] = (counts["positives"] + counts["negatives"]).fillna(0).astype("int64")
    out = out.sort_values(["city_id", "lang", "platform"], kind="stable").reindex(columns=RATES_COLUMNS)
    return out.reset_index(drop=True).astype({"city_id": "string", "lang": "string", "platform": "string",
                                              "rates_source": "string", "dataset": "string",
                                              "platforms": "string"})
