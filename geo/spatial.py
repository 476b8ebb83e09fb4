"""Spatial statistics over H3 cells and areas: weights (libpysal), Moran's I, bivariate Moran, LISA (esda)."""

from __future__ import annotations

from collections.abc import Sequence

import h3
import numpy as np
import pandas as pd
from libpysal.weights import W


def weights_from_cells(cell_strings: Sequence[str]) -> W:
    """Row-standardised contiguity weights: cells are neighbours when they share an edge (H3 ring 1)."""
    ids = list(cell_strings)
    present = set(ids)
    neighbours = {c: [n for n in h3.grid_ring(c, 1) if n in present] for c in ids}  # per distinct cell
    w = W(neighbours, id_order=ids, silence_warnings=True)
    w.transform = "r"
    return w


def moran(values: np.ndarray, w: W, permutations: int = 999) -> tuple[float, float]:
    """Moran's I and its permutation p-value (esda)."""
    from esda.moran import Moran

    m = Moran(np.asarray(values, dtype=float), w, permutations=permutations)
    return float(m.I), float(m.p_sim)


def bivariate_moran(x: np.ndarray, y: np.ndarray, w: W, permutations: int = 999) -> tuple[float, float]:
    """Bivariate Moran's I of x against the spatial lag of y, with its permutation p-value (esda)."""
    from esda.moran import Moran_BV

    m = Moran_BV(np.asarray(x, dtype=float), np.asarray(y, dtype=float), w, permutations=permutations)
    return float(m.I), float(m.p_sim)


def local_clusters(cell_strings: Sequence[str], values: np.ndarray, permutations: int = 499,
                   alpha: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Local Moran clusters per cell: HH, LL, HL, LH where significant at ``alpha``, else ns."""
    from esda.moran import Moran_Local

    w = weights_from_cells(cell_strings)
    lm = Moran_Local(np.asarray(values, dtype=float), w, permutations=permutations, seed=seed)
    labels = np.array(["ns", "HH", "LH", "LL", "HL"])[np.where(lm.p_sim < alpha, lm.q, 0)]
    return pd.DataFrame({"cell": list(cell_strings), "lisa_q": labels, "p": lm.p_sim})
