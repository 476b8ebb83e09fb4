"""Agreement between reviewers and the consensus label of each post. Frames in, numbers and frames out."""

from __future__ import annotations

import pandas as pd


def consensus(labels: pd.DataFrame) -> pd.DataFrame:
    """One row per post (post_key, label, target, reviewers): the label most reviewers gave; on a tie, the
    earliest of the tied labels. ``target`` is the consensus target among reviewers of that label."""
    if labels.empty:
        return pd.DataFrame(columns=["post_key", "label", "target", "reviewers"])
    frame = labels.sort_values(["post_key", "labelled_at"], kind="stable").reset_index(drop=True)
    frame["order"] = range(len(frame))
    votes = frame.groupby(["post_key", "label"], as_index=False).agg(votes=("order", "size"),
                                                                     first=("order", "min"))
    best = votes.sort_values(["post_key", "votes", "first"], ascending=[True, False, True]).drop_duplicates(
        "post_key")
    chosen = frame.merge(best[["post_key", "label"]], on=["post_key", "label"])
    target = chosen.dropna(subset=["target"]).groupby("post_key")["target"].agg(
        lambda s: s.value_counts().index[0])
    out = best[["post_key", "label"]].merge(target.rename("target"), on="post_key", how="left")
    n = frame.groupby("post_key")["reviewer"].nunique().rename("reviewers")
    return out.merge(n, on="post_key").reset_index(drop=True)


def paired(labels: pd.DataFrame) -> pd.DataFrame:
    """Posts labelled by two reviewers or more: the first two labels of each (columns ``a``, ``b``)."""
    frame = labels.sort_values(["post_key", "labelled_at"], kind="stable")
    frame = frame.drop_duplicates(["post_key", "reviewer"], keep="last")
    rank = frame.groupby("post_key").cumcount()
    a = frame[rank == 0].set_index("post_key")["label"]
    b = frame[rank == 1].set_index("post_key")["label"]
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner")
    return both.reset_index()


def kappa(labels: pd.DataFrame) -> tuple[float | None, int]:
    """(Cohen's kappa between the first two reviewers of each doubly labelled post, number of such posts);
    kappa is None with fewer than two such posts or when both reviewers used a single label throughout."""
    from sklearn.metrics import cohen_kappa_score

    pairs = paired(labels)
    if len(pairs) < 2 or len(set(pairs["a"]) | set(pairs["b"])) < 2:
        return None, len(pairs)
    return float(cohen_kappa_score(pairs["a"], pairs["b"])), len(pairs)
