"""Drawing the posts to label: a random stratum (a simple random sample, for unbiased accuracy estimates) and an
uncertainty stratum (the posts the model is least sure of, for learning). Frames in, frames out; no I/O."""

from __future__ import annotations

import numpy as np
import pandas as pd


def uncertainty(score_hate: pd.Series | np.ndarray) -> np.ndarray:
    """How unsure the model is that a post is hateful: 1 at a hate probability of 0.5, 0 at 0 or 1."""
    p = np.clip(np.asarray(score_hate, dtype="float64"), 0.0, 1.0)
    return 1.0 - np.abs(2.0 * p - 1.0)


def split_n(n: int) -> tuple[int, int]:
    """(random, uncertainty) sizes of a sample of ``n``: the random stratum gets the larger half."""
    return n - n // 2, n // 2


def draw(population: pd.DataFrame, n: int, seed: int = 0, exclude: pd.Index | pd.Series | None = None
         ) -> pd.DataFrame:
    """``n`` posts of ``population`` (post_key, score_hate, ...) not in ``exclude``: ``split_n(n)`` drawn at
    random (each remaining post equally likely) and the rest the most uncertain of the others, at most one post
    per author (``author_pseudo``, when given; posts without one count apart), so that one account posting
    borderline messages cannot fill the stratum reviewers label and adapters learn from. Adds a ``stratum``
    column (``random`` | ``uncertainty``)."""
    pool = population.drop_duplicates("post_key")
    if exclude is not None:
        pool = pool[~pool["post_key"].isin(exclude)]
    n_random, n_uncertain = split_n(min(n, len(pool)))
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(pool), size=n_random, replace=False) if n_random else np.array([], dtype=int)
    rand = pool.iloc[np.sort(chosen)].assign(stratum="random")
    rest = pool.drop(index=rand.index)
    ranked = rest.iloc[np.argsort(-uncertainty(rest["score_hate"].fillna(0.0)), kind="stable")]
    if "author_pseudo" in ranked.columns:
        author = ranked["author_pseudo"]
        ranked = ranked[author.isna().to_numpy() | ~author.duplicated().to_numpy()]
    unsure = ranked.iloc[:n_uncertain].assign(stratum="uncertainty")
    return pd.concat([rand, unsure], ignore_index=True)
