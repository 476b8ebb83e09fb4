"""A frozen copy of geo/fe_model.py before vectorisation (dense period dummies): the reference the structured
implementation must match to 1e-10 (tests/geo/test_fe_model_vectorised.py). Its Newton stopping rule follows
the product's (a slack relative to the log-likelihood, the last full step taken): the oracle is for the structure."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

MAX_ITER = 60
TOL = 1e-9
LL_SLACK = 1e-12  # a step may lower the log-likelihood by this share of it (rounding), no more
# below this many clusters the CR1 sandwich is too small even with t on G - 1 df (a city of 5 cells with no link:
# a direction in 18 of 200, docs/geo.md): the cluster jackknife (CR3) is used instead (``vcov_type="auto"``)
FEW_CLUSTERS = 50


@dataclass(frozen=True)
class FeFit:
    """A fitted FE Poisson: coefficients and cluster-robust covariance of the named regressors."""

    names: list[str]
    coef: np.ndarray
    vcov: np.ndarray
    n: int  # place-periods used (places with a non-zero outcome)
    places: int
    clusters: int
    converged: bool
    vcov_two_way: np.ndarray | None = None  # clustered by place and by period (Cameron, Gelbach and Miller 2011)
    periods: int = 0
    vcov_type: str = "cr1"  # the one-way variance used: cr1 or cr3 (the cluster jackknife, few clusters)

    def term(self, name: str, scale: float = 1.0, spatial: bool = False) -> dict:
        """exp(scale x beta) of one regressor with its 95% CI (t, clusters - 1 df) and two-sided p-value.

        ``spatial``: for a spatially smooth regressor (a spatial lag), the larger of the one-way and the two-way
        (place + period) variance, with t on min(clusters, periods) - 1 df: one-way clustering misses the
        correlation of neighbouring places within a month."""
        i = self.names.index(name)
        var, df = float(self.vcov[i, i]), max(self.clusters - 1, 1)
        if spatial and self.vcov_two_way is not None:
            var, df = max(var, float(self.vcov_two_way[i, i])), max(min(self.clusters, self.periods) - 1, 1)
        b, se = float(self.coef[i]) * scale, float(np.sqrt(max(var, 0.0))) * abs(scale)
        q = float(stats.t.ppf(0.975, df))
        ok = self.converged and np.isfinite(b) and np.isfinite(se) and se > 0
        if not ok:
            return {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "n": self.n,
                    "beta": np.nan, "se": np.nan}
        with np.errstate(over="ignore"):  # a jackknife on a handful of cells can be wide: an infinite bound
            return {"estimate": float(np.exp(b)), "ci_low": float(np.exp(b - q * se)),
                    "ci_high": float(np.exp(b + q * se)), "p_value": float(2 * stats.t.sf(abs(b) / se, df)),
                    "n": self.n, "beta": b, "se": se, "vcov": self.vcov_type}


def _profile(theta: np.ndarray, x: np.ndarray, y: np.ndarray, g: np.ndarray, n_g: np.ndarray,
             ng: int, offset: np.ndarray | float = 0.0) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Profile log-likelihood, score, Hessian and per-row score contributions at theta."""
    eta = x @ theta + offset
    eta -= np.bincount(g, eta, ng)[g] / np.bincount(g, minlength=ng)[g]  # numerically stable within a place
    e = np.exp(eta)
    denom = np.bincount(g, e, ng)
    pi = e / denom[g]
    ll = float(np.sum(y * np.log(np.maximum(pi, 1e-300))))
    resid = y - n_g[g] * pi
    rows = x * resid[:, None]
    score = rows.sum(axis=0)
    w = n_g[g] * pi
    xbar = np.stack([np.bincount(g, x[:, j] * pi, ng) for j in range(x.shape[1])], axis=1)  # per place
    hess = -(x.T @ (x * w[:, None]) - xbar.T @ (xbar * n_g[:, None]))
    return ll, score, hess, rows


def fe_poisson(y: np.ndarray, regressors: pd.DataFrame, place: np.ndarray, period: np.ndarray,
               cluster: np.ndarray | None = None, vcov_type: str = "auto",
               offset: np.ndarray | None = None) -> FeFit:
    """FE Poisson of counts ``y`` on ``regressors`` with place and period effects; SEs clustered by ``cluster``
    (default: place; places must nest in clusters). ``vcov_type``: ``auto`` (default) is ``cr3`` below
    ``FEW_CLUSTERS`` clusters and ``cr1`` from there on; ``cr1`` by place, with G / (G - 1);
    ``cr3`` the cluster jackknife (one Newton step per left-out cluster; MacKinnon, Nielsen and
    Webb 2023: more reliable when a few clusters carry most of the signal; wider, so less power). ``offset``:
    a term with coefficient 1 in the log mean (log exposure, e.g. log population); only its change within a
    place matters, its level is absorbed by the place effect. Rows with a missing value are dropped."""
    names = list(regressors.columns)
    x_reg = regressors.to_numpy(float)
    off = np.zeros(len(x_reg)) if offset is None else np.asarray(offset, float)
    ok = np.isfinite(x_reg).all(axis=1) & np.isfinite(np.asarray(y, float)) & np.isfinite(off)
    y = np.asarray(y, float)[ok]
    g, _ = pd.factorize(np.asarray(place)[ok])
    ng = int(g.max()) + 1 if len(g) else 0
    n_g = np.bincount(g, y, ng) if ng else np.zeros(0)
    keep = n_g[g] > 0 if ng else np.zeros(0, bool)  # places that never see the outcome carry no information
    y, x_reg, off = y[keep], x_reg[ok][keep], off[ok][keep]
    per = pd.Series(np.asarray(period)[ok][keep])
    # periods with no outcome anywhere drop out too (geo.fe_model, 2026-12-07)
    seen = (pd.Series(y).groupby(per.to_numpy()).transform("sum") > 0).to_numpy() if len(y) else np.zeros(0, bool)
    y, x_reg, off, per = y[seen], x_reg[seen], off[seen], per[seen].reset_index(drop=True)
    g, _ = pd.factorize(g[keep][seen])
    ng = int(g.max()) + 1 if len(g) else 0
    dummies = pd.get_dummies(per, drop_first=True, dtype=float).to_numpy() if len(per) else np.zeros((0, 0))
    x = np.hstack([x_reg, dummies]) if len(y) else np.zeros((0, len(names)))
    clus_src = np.asarray(cluster)[ok][keep][seen] if cluster is not None else g
    c, _ = pd.factorize(clus_src)
    n_clusters = int(c.max()) + 1 if len(c) else 0
    p = len(names)
    empty = FeFit(names, np.full(p, np.nan), np.full((p, p), np.nan), int(len(y)), ng, n_clusters, False)
    if ng < 2 or len(y) <= x.shape[1] + ng:
        return empty
    n_g = np.bincount(g, y, ng)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    xs = x / sd  # scaled for a well-conditioned Newton step
    if np.linalg.matrix_rank(xs.T @ xs) < xs.shape[1]:  # collinear regressors: no estimate
        return empty
    theta = np.zeros(xs.shape[1])
    ll, score, hess, rows = _profile(theta, xs, y, g, n_g, ng, off)
    converged = False
    for _ in range(MAX_ITER):
        try:
            step = np.linalg.solve(hess, -score)
        except np.linalg.LinAlgError:
            return empty
        # the rounding noise of a sum of many terms grows with its size: an absolute slack rejects full steps
        # near the optimum of a large-count panel (|ll| ~ 1e4-1e7)
        slack = LL_SLACK * max(1.0, abs(ll))
        done = np.max(np.abs(step)) < TOL or np.max(np.abs(score)) < TOL * max(1.0, abs(ll))
        t = 1.0
        while t > 1e-6:  # step halving keeps the likelihood rising
            cand = theta + t * step
            ll_new, s_new, h_new, r_new = _profile(cand, xs, y, g, n_g, ng, off)
            if np.isfinite(ll_new) and ll_new >= ll - slack:
                break
            t /= 2
        else:  # no step keeps the likelihood: the optimum only if a full step promised less than its rounding
            converged = bool(done or float(score @ step) <= slack)
            break
        theta, ll, score, hess, rows = cand, ll_new, s_new, h_new, r_new
        if done:  # the last (full, tiny) Newton step taken: quadratic convergence leaves rounding only
            converged = True
            break
    try:
        bread = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        return empty
    if vcov_type == "auto":
        vcov_type = "cr3" if n_clusters < FEW_CLUSTERS else "cr1"
    if vcov_type == "cr3":
        vcov = _jackknife(xs, y, g, n_g, ng, c, n_clusters, theta, hess, rows, off) / np.outer(sd, sd)
    else:
        vcov = bread @ _meat(rows, c) @ bread / np.outer(sd, sd)
    t_codes, _ = pd.factorize(per)  # two-way: place + period - place x period, made positive semi-definite
    meat = _meat(rows, c) + _meat(rows, t_codes) - _meat(rows, np.arange(len(y)))
    vals, vecs = np.linalg.eigh(bread @ meat @ bread)
    two_way = (vecs * np.clip(vals, 0, None)) @ vecs.T / np.outer(sd, sd)
    coef = theta / sd
    return FeFit(names, coef[:p], vcov[:p, :p], int(len(y)), ng, n_clusters, converged, two_way[:p, :p],
                 int(t_codes.max()) + 1, vcov_type)


def _jackknife(x: np.ndarray, y: np.ndarray, g: np.ndarray, n_g: np.ndarray, ng: int, c: np.ndarray, nc: int,
               theta: np.ndarray, hess: np.ndarray, rows: np.ndarray, offset: np.ndarray | float = 0.0
               ) -> np.ndarray:
    """CR3: (G - 1) / G x sum of (theta_-c - mean)(...)' with theta_-c one Newton step from theta without
    cluster c: theta_-c - theta = (H - H_c)^-1 s_c (H_c, s_c: the cluster's Hessian and score)."""
    eta = x @ theta + offset
    eta -= np.bincount(g, eta, ng)[g] / np.bincount(g, minlength=ng)[g]
    e = np.exp(eta)
    pi = e / np.bincount(g, e, ng)[g]
    w = n_g[g] * pi
    p = x.shape[1]
    outer = np.zeros((ng, p, p))
    np.add.at(outer, g, x[:, :, None] * x[:, None, :] * w[:, None, None])
    xbar = np.stack([np.bincount(g, x[:, j] * pi, ng) for j in range(p)], axis=1)
    h_place = -(outer - n_g[:, None, None] * xbar[:, :, None] * xbar[:, None, :])
    place_cluster = np.zeros(ng, dtype=int)
    place_cluster[g] = c
    h_c = np.zeros((nc, p, p))
    np.add.at(h_c, place_cluster, h_place)
    s_c = np.stack([np.bincount(c, rows[:, j], nc) for j in range(p)], axis=1)
    left_out = hess[None, :, :] - h_c
    try:
        delta = np.linalg.solve(left_out, s_c[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        delta = np.einsum("gij,gj->gi", np.linalg.pinv(left_out), s_c)
    delta -= delta.mean(axis=0)
    return delta.T @ delta * ((nc - 1) / nc)


def _meat(rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Sum over clusters of the outer products of the cluster scores, with the G / (G - 1) correction."""
    g = int(codes.max()) + 1
    sums = np.stack([np.bincount(codes, rows[:, j], g) for j in range(rows.shape[1])], axis=1)
    return sums.T @ sums * (g / max(g - 1, 1))
