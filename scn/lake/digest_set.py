"""A set of 128-bit digests (two uint64 halves) that grows by batches and answers membership for a batch at once.

Held as a few runs sorted by the high half, whose sizes at least double from newest to oldest (a new batch is
merged into the runs no larger than twice its size, a linear merge): adding n digests in batches costs
O(n log n) in all, asking m digests O(m log n) per run, and no hash table is rebuilt per question (which is what
asking DuckDB ``d in (select ...)`` did: its cost grew with the set, once per file).
"""

from __future__ import annotations

import numpy as np


def _by_high(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both halves ordered by the high half (as they are when already so: a check costs ~1% of a sort)."""
    if len(hi) < 2 or bool((hi[1:] >= hi[:-1]).all()):
        return hi, lo
    order = np.argsort(hi)
    return hi[order], lo[order]


def _merged(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two runs as one, in one linear pass (each of ``b`` goes in after the equal or smaller high halves of ``a``)."""
    at = np.searchsorted(a[0], b[0], side="right")
    return np.insert(a[0], at, b[0]), np.insert(a[1], at, b[1])


def _in_run(run: tuple[np.ndarray, np.ndarray], hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """True where (hi, lo) is in the run (sorted by high half; ``hi`` sorted too, so the binary search walks the
    run forwards): the first row whose high half matches, then its low half. A block of equal high halves (about
    one in 10^5 at 10^7 digests) is searched one by one."""
    rhi, rlo = run
    at = np.minimum(np.searchsorted(rhi, hi, side="left"), len(rhi) - 1)
    same = rhi[at] == hi
    found = same & (rlo[at] == lo)
    after = np.minimum(at + 1, len(rhi) - 1)
    for i in np.flatnonzero(same & ~found & (after > at) & (rhi[after] == hi)):  # several share this high half
        stop = np.searchsorted(rhi, hi[i], side="right")
        found[i] = bool((rlo[at[i]:stop] == lo[i]).any())
    return found


class DigestSet:
    """Digests added in batches; ``contains`` answers for a batch."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (hi, lo) sorted by hi; oldest (largest) first

    def __len__(self) -> int:
        return sum(len(hi) for hi, _ in self.runs)

    def add(self, hi: np.ndarray, lo: np.ndarray) -> None:
        """Add digests (high and low halves, uint64); repeats are harmless."""
        if not len(hi):
            return
        run = _by_high(np.asarray(hi, np.uint64), np.asarray(lo, np.uint64))
        while self.runs and len(self.runs[-1][0]) <= 2 * len(run[0]):
            run = _merged(self.runs.pop(), run)
        self.runs.append(run)

    def contains(self, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
        """True where (hi[i], lo[i]) was added."""
        hi, lo = np.asarray(hi, np.uint64), np.asarray(lo, np.uint64)
        order = np.argsort(hi)
        hi, lo = hi[order], lo[order]
        found = np.zeros(len(hi), dtype=bool)
        for run in self.runs:
            todo = np.flatnonzero(~found)
            if not len(todo):
                break
            found[todo] = _in_run(run, hi[todo], lo[todo])
        out = np.empty(len(hi), dtype=bool)
        out[order] = found
        return out
