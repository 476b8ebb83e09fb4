"""Spatial statistics over H3 cells and areas: weights (libpysal), Moran's I, bivariate Moran, local clusters
(esda), with Benjamini-Hochberg control of the false discovery rate across cells."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
from libpysal.weights import W
from statsmodels.stats.multitest import multipletests

from geo.h3index import neighbour_pairs

QUADRANTS = np.array(["ns", "HH", "LH", "LL", "HL"])  # esda's q codes 1..4; 0 = not significant


def weights_from_cells(cell_strings: Sequence[str]) -> W:
    """Row-standardised contiguity weights over the given cells: neighbours share an edge (H3 ring 1).

    Cells without a neighbour among the given cells are islands (empty neighbour list)."""
    ids = list(pd.unique(np.asarray(cell_strings, dtype=object)))
    pairs = neighbour_pairs(ids)
    neighbours = dict.fromkeys(ids, ())
    neighbours.update(pairs.groupby("focal", sort=False)["neighbor"].agg(list).to_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W(neighbours, id_order=ids, silence_warnings=True)
        w.transform = "r"
    return w


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed numpy's global generator (esda's global statistics draw from it), then restore its state."""
    state = np.random.get_state()  # noqa: NPY002 - esda offers no seed argument for Moran / Moran_BV
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def moran(values: np.ndarray, w: W, permutations: int = 999, seed: int = 0) -> tuple[float, float]:
    """Global Moran's I and its permutation p-value (esda.Moran)."""
    from esda.moran import Moran

    with _seeded(seed):
        m = Moran(np.asarray(values, dtype=float), w, permutations=permutations)
    return float(m.I), float(m.p_sim)


def bivariate_moran(x: np.ndarray, y: np.ndarray, w: W, permutations: int = 999,
                    seed: int = 0) -> tuple[float, float]:
    """Bivariate Moran's I of x against the spatial lag of y, and its permutation p-value (esda.Moran_BV)."""
    from esda.moran import Moran_BV

    with _seeded(seed):
        m = Moran_BV(np.asarray(x, dtype=float), np.asarray(y, dtype=float), w, permutations=permutations)
    return float(m.I), float(m.p_sim)


def _labels(q: np.ndarray, p: np.ndarray, alpha: float, fdr: bool) -> tuple[np.ndarray, np.ndarray]:
    """Quadrant codes where (BH-adjusted when ``fdr``) p < alpha, else ``ns``; and the adjusted p-values."""
    p_adj = multipletests(p, alpha=alpha, method="fdr_bh")[1] if fdr and len(p) else p
    return QUADRANTS[np.where(p_adj < alpha, q, 0)], p_adj


def local_clusters(cell_strings: Sequence[str], values: np.ndarray, permutations: int = 999, alpha: float = 0.05,
                   fdr: bool = True, seed: int = 0) -> pd.DataFrame:
    """Local Moran (LISA) per cell: cell, lisa_q (HH, LL, HL, LH where significant, else ns), p (pseudo p-value),
    p_adj (Benjamini-Hochberg across the cells when ``fdr``; the label uses p_adj)."""
    from esda.moran import Moran_Local

    w = weights_from_cells(cell_strings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands: undefined pseudo z; esda notes on its future defaults
        lm = Moran_Local(np.asarray(values, dtype=float), w, permutations=permutations, seed=seed, n_jobs=1)
    labels, p_adj = _labels(lm.q, lm.p_sim, alpha, fdr)
    return pd.DataFrame({"cell": w.id_order, "lisa_q": labels, "p": lm.p_sim, "p_adj": p_adj})


def bivariate_local_clusters(cell_strings: Sequence[str], x: np.ndarray, y: np.ndarray, permutations: int = 999,
                             alpha: float = 0.05, fdr: bool = True, seed: int = 0) -> pd.DataFrame:
    """Bivariate LISA: x in a cell against y in its neighbours (HH = much flagged speech beside much hate crime).

    Columns as ``local_clusters``."""
    from esda.moran import Moran_Local_BV

    w = weights_from_cells(cell_strings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = Moran_Local_BV(np.asarray(x, dtype=float), np.asarray(y, dtype=float), w, permutations=permutations,
                            seed=seed, n_jobs=1)
    labels, p_adj = _labels(lm.q, lm.p_sim, alpha, fdr)
    return pd.DataFrame({"cell": w.id_order, "lisa_q": labels, "p": lm.p_sim, "p_adj": p_adj})
