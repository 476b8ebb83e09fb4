"""Fixed-effects Poisson (quasi-Poisson) for place x period panels, with cluster-robust standard errors.

The place effects are concentrated out (the conditional multinomial likelihood of Hausman, Hall and Griliches
1984, identical to Poisson with one dummy per place), period effects are dummies. Wooldridge (1999): the
estimator is consistent whatever the dispersion or serial correlation of the counts, as long as the conditional
mean is right; the sandwich variance is clustered by place (G / (G - 1), Student t on G - 1 df); the two-way
(place + period) variance is kept too, for spatially smooth regressors (``FeFit.term(spatial=True)``). Places whose outcome is zero in every period carry no
information and drop out. Numpy and scipy only: no compilation at first use (the CLI answers in a second). The
period dummies are never built: each row keeps its period code and their Hessian blocks are bincounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import sparse, stats

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
    # regressors left out, with why: ``absorbed_by_place_effects`` / ``absorbed_by_period_effects`` (constant within
    # every place / period of the rows used) / ``absorbed_by_fixed_effects`` (a(place) + b(period), constant within
    # neither) / ``collinear_with_regressors`` (a combination of the regressors before it once the effects are
    # removed); their coefficients and variances are NaN
    dropped: dict[str, str] = field(default_factory=dict)

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


@dataclass(frozen=True)
class _Design:
    """The scaled design [xr | period dummies] kept structured: the dummies are one-hot, so each row holds one
    code ``d`` (0..q-1, or q for the dropped first period) and the dummy columns are ``1 / sd`` at that code."""

    xr: np.ndarray  # n x p regressors, scaled
    d: np.ndarray  # n period codes; q: the reference period (no dummy)
    dscale: np.ndarray  # q: 1 / sd of each dummy column
    g: np.ndarray  # n place codes
    ng: int
    by_place: sparse.csr_matrix  # ng x n indicator
    by_period: sparse.csr_matrix  # (q + 1) x n indicator

    @property
    def k(self) -> int:
        return self.xr.shape[1] + len(self.dscale)

    def eta(self, theta: np.ndarray) -> np.ndarray:
        p = self.xr.shape[1]
        return self.xr @ theta[:p] + np.append(theta[p:] * self.dscale, 0.0)[self.d]

    def crossprod(self, w: np.ndarray) -> np.ndarray:
        """x' diag(w) x with the one-hot block as bincounts."""
        p, q = self.xr.shape[1], len(self.dscale)
        out = np.empty((p + q, p + q))
        out[:p, :p] = self.xr.T @ (self.xr * w[:, None])
        out[p:, :p] = (self.by_period @ (self.xr * w[:, None]))[:q] * self.dscale[:, None]
        out[:p, p:] = out[p:, :p].T
        out[p:, p:] = np.diag(np.bincount(self.d, w, q + 1)[:q] * self.dscale ** 2)
        return out

    def place_sums(self, v: np.ndarray) -> np.ndarray:
        """ng x k: per place, the sum of x times ``v``."""
        p, q = self.xr.shape[1], len(self.dscale)
        out = np.empty((self.ng, p + q))
        out[:, :p] = self.by_place @ (self.xr * v[:, None])
        out[:, p:] = np.bincount(self.g * (q + 1) + self.d, v, self.ng * (q + 1)).reshape(self.ng, q + 1)[:, :q] \
            * self.dscale
        return out

    def rows(self, v: np.ndarray) -> np.ndarray:
        """n x k: x times ``v`` row by row (the per-row score contributions), dense."""
        p, q = self.xr.shape[1], len(self.dscale)
        out = np.zeros((len(v), p + q + 1))
        out[:, :p] = self.xr * v[:, None]
        out[np.arange(len(v)), p + self.d] = v * np.append(self.dscale, 0.0)[self.d]
        return out[:, :p + q]


def _indicator(codes: np.ndarray, n_codes: int) -> sparse.csr_matrix:
    """n_codes x len(codes) 0/1 matrix: a product with it sums rows by code."""
    indptr = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=n_codes))])
    return sparse.csr_matrix((np.ones(len(codes)), np.argsort(codes, kind="stable"), indptr),
                             shape=(n_codes, len(codes)))


def _fitted(theta: np.ndarray, xd: _Design, n_g: np.ndarray, offset: np.ndarray | float) -> np.ndarray:
    """Within-place shares pi of the fitted mean at theta."""
    g, ng = xd.g, xd.ng
    eta = xd.eta(theta) + offset
    eta -= np.bincount(g, eta, ng)[g] / np.bincount(g, minlength=ng)[g]  # numerically stable within a place
    e = np.exp(eta)
    return e / np.bincount(g, e, ng)[g]


def _profile(theta: np.ndarray, xd: _Design, y: np.ndarray, n_g: np.ndarray,
             offset: np.ndarray | float = 0.0) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Profile log-likelihood, score, Hessian and residuals y - n_g pi at theta (the per-row score contributions
    are ``xd.rows(resid)``)."""
    pi = _fitted(theta, xd, n_g, offset)
    ll = float(np.sum(y * np.log(np.maximum(pi, 1e-300))))
    w = n_g[xd.g] * pi
    resid = y - w
    score = np.concatenate([xd.xr.T @ resid,
                            np.bincount(xd.d, resid, len(xd.dscale) + 1)[:len(xd.dscale)] * xd.dscale])
    xbar = xd.place_sums(pi)  # per place
    hess = -(xd.crossprod(w) - xbar.T @ (xbar * n_g[:, None]))
    return ll, score, hess, resid


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
    # a period with no outcome anywhere carries no information either: its effect's estimate is minus infinity,
    # which Newton walked towards step by step; left out exactly (a place with an outcome keeps its rows with one)
    seen = (pd.Series(y).groupby(per.to_numpy()).transform("sum") > 0).to_numpy() if len(y) else np.zeros(0, bool)
    y, x_reg, off, per = y[seen], x_reg[seen], off[seen], per[seen].reset_index(drop=True)
    g, _ = pd.factorize(g[keep][seen])
    ng = int(g.max()) + 1 if len(g) else 0
    codes, levels = pd.factorize(per, sort=True)  # the dummies of every period but the first (sorted)
    q = max(len(levels) - 1, 0)
    d = np.where(codes >= 1, codes - 1, q)
    clus_src = np.asarray(cluster)[ok][keep][seen] if cluster is not None else g
    c, _ = pd.factorize(clus_src)
    n_clusters = int(c.max()) + 1 if len(c) else 0
    dropped = absorbed(x_reg, g, codes, names)
    if dropped:  # fitted without the absorbed regressors; their coefficients and variances NaN
        used = [j for j, name in enumerate(names) if name not in dropped]
        sub = fe_poisson(y, pd.DataFrame(x_reg[:, used], columns=[names[j] for j in used]), g, per.to_numpy(),
                         clus_src, vcov_type, off)
        coef, vcov = np.full(len(names), np.nan), np.full((len(names), len(names)), np.nan)
        coef[used], vcov[np.ix_(used, used)] = sub.coef, sub.vcov
        two = None
        if sub.vcov_two_way is not None:
            two = np.full_like(vcov, np.nan)
            two[np.ix_(used, used)] = sub.vcov_two_way
        return replace(sub, names=names, coef=coef, vcov=vcov, vcov_two_way=two, dropped={**dropped, **sub.dropped})
    p = len(names)
    empty = FeFit(names, np.full(p, np.nan), np.full((p, p), np.nan), int(len(y)), ng, n_clusters, False)
    if ng < 2 or len(y) <= p + q + ng:
        return empty
    n_g = np.bincount(g, y, ng)
    share = np.bincount(d, minlength=q + 1)[:q] / len(y)
    sd = np.concatenate([x_reg.std(axis=0), np.sqrt(share * (1 - share))])  # a one-hot column's sd
    sd[sd == 0] = 1.0
    # scaled for a well-conditioned Newton step; the dummies stay one-hot codes
    xd = _Design(np.ascontiguousarray(x_reg / sd[:p]), d, 1 / sd[p:], g, ng, _indicator(g, ng), _indicator(d, q + 1))
    if np.linalg.matrix_rank(xd.crossprod(np.ones(len(y)))) < xd.k:  # collinear regressors: no estimate
        return empty
    theta = np.zeros(xd.k)
    ll, score, hess, resid = _profile(theta, xd, y, n_g, off)
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
            ll_new, s_new, h_new, r_new = _profile(cand, xd, y, n_g, off)
            if np.isfinite(ll_new) and ll_new >= ll - slack:
                break
            t /= 2
        else:  # no step keeps the likelihood: the optimum only if a full step promised less than its rounding
            converged = bool(done or float(score @ step) <= slack)
            break
        theta, ll, score, hess, resid = cand, ll_new, s_new, h_new, r_new
        if done:  # the last (full, tiny) Newton step taken: quadratic convergence leaves rounding only
            converged = True
            break
    try:
        bread = np.linalg.inv(-hess)
    except np.linalg.LinAlgError:
        return empty
    rows = xd.rows(resid)
    if vcov_type == "auto":
        vcov_type = "cr3" if n_clusters < FEW_CLUSTERS else "cr1"
    by_cluster = _meat(rows, c)
    if vcov_type == "cr3":
        vcov = _jackknife(xd, n_g, c, n_clusters, theta, hess, rows, off) / np.outer(sd, sd)
    else:
        vcov = bread @ by_cluster @ bread / np.outer(sd, sd)
    t_codes, _ = pd.factorize(per)  # two-way: place + period - place x period, made positive semi-definite
    meat = by_cluster + _meat(rows, t_codes) - rows.T @ rows * (len(y) / max(len(y) - 1, 1))
    vals, vecs = np.linalg.eigh(bread @ meat @ bread)
    two_way = (vecs * np.clip(vals, 0, None)) @ vecs.T / np.outer(sd, sd)
    coef = theta / sd
    return FeFit(names, coef[:p], vcov[:p, :p], int(len(y)), ng, n_clusters, converged, two_way[:p, :p],
                 int(t_codes.max()) + 1, vcov_type)


def absorbed(x: np.ndarray, place: np.ndarray, period: np.ndarray, names: list[str],
             rtol: float = 1e-9, rtol_both: float = 1e-7) -> dict[str, str]:
    """The regressors (columns of ``x``, rows all used) that the fit cannot identify. Absorbed by the place or the
    period effects: constant within every place (or every period) up to ``rtol`` of the column's largest
    magnitude (a regressor with one value on every row is said to be by the place effects). Absorbed by the two
    together (a(place) + b(period), constant within neither): ``absorbed_by_fixed_effects``, its residual on the
    effects (``_two_way_residual``, an exact least-squares solve) within ``rtol_both`` of its magnitude.
    ``collinear_with_regressors``: once the effects are removed, within ``rtol_both`` of a combination of the
    regressors before it (x3 = x1 + x2: the later one is left out, in the columns' order)."""
    out: dict[str, str] = {}
    if not len(x) or not x.shape[1]:
        return out
    scale = np.maximum(np.abs(x).max(axis=0), 1e-300)
    for codes, reason in ((place, "absorbed_by_place_effects"), (period, "absorbed_by_period_effects")):
        spread = np.abs(x - _group_means(x, codes)).max(axis=0)
        for name, flat in zip(names, spread <= rtol * scale, strict=True):
            if flat and name not in out:
                out[name] = reason
    rest = [j for j, name in enumerate(names) if name not in out]
    if not rest:
        return out
    resid = _two_way_residual(x[:, rest], place, period)
    kept: list[int] = []
    for i, j in enumerate(rest):
        r = resid[:, i]
        if np.abs(r).max() <= rtol_both * scale[j]:
            out[names[j]] = "absorbed_by_fixed_effects"
            continue
        if kept:  # what is left of it once the regressors kept before it are removed too
            basis = resid[:, kept]
            r = r - basis @ np.linalg.lstsq(basis, r, rcond=None)[0]
            if np.abs(r).max() <= rtol_both * scale[j]:
                out[names[j]] = "collinear_with_regressors"
                continue
        kept.append(i)
    return out


def _group_means(x: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """n x p: each row's mean of its code's rows, column by column."""
    n_codes = int(codes.max()) + 1
    size = np.maximum(np.bincount(codes, minlength=n_codes), 1)
    means = np.stack([np.bincount(codes, x[:, j], n_codes) for j in range(x.shape[1])], axis=1) / size[:, None]
    return means[codes]


def _two_way_residual(x: np.ndarray, place: np.ndarray, period: np.ndarray) -> np.ndarray:
    """``x`` less its least-squares projection on the place and period effects, exact whatever the panel's shape.

    The effects of the side with more levels are concentrated out (demeaning within them); the other side's
    effects solve the normal equations of the demeaned problem, L b = D' x_w with L = diag(rows per level) - C'
    diag(1 / rows per level of the first side) C (C the crosstab of the two codes): a dense system of the smaller
    side's size, solved by least squares (one null direction per connected set of places and periods), with one
    step of iterative refinement. Alternating demeaning, the previous method, stopped at 1,000 rounds and on a
    poorly connected panel (a chain of places, each sharing one period with the next) converges at
    1 - O(1 / length^2) a round: it left a(place) + b(period) far from absorbed."""
    a, _ = pd.factorize(np.asarray(place))
    b, _ = pd.factorize(np.asarray(period))
    if a.max() < b.max():  # concentrate out the side with more levels
        a, b = b, a
    na, nb = int(a.max()) + 1, int(b.max()) + 1
    size_a = np.bincount(a, minlength=na).astype(float)
    cross = sparse.csr_matrix((np.ones(len(a)), (a, b)), shape=(na, nb))  # rows of each (a, b) pair
    lap = (sparse.diags(np.bincount(b, minlength=nb).astype(float))
           - cross.T @ sparse.diags(1 / size_a) @ cross).toarray()

    def within(v: np.ndarray) -> np.ndarray:
        return v - _group_means(v, a)

    r = within(x)
    for _ in range(2):  # the solve, then one step of iterative refinement on its residual
        rhs = np.stack([np.bincount(b, r[:, j], nb) for j in range(r.shape[1])], axis=1)
        coef = np.linalg.lstsq(lap, rhs, rcond=None)[0]
        r = r - within(coef[b])
    return r


def _jackknife(xd: _Design, n_g: np.ndarray, c: np.ndarray, nc: int, theta: np.ndarray, hess: np.ndarray,
               rows: np.ndarray, offset: np.ndarray | float = 0.0) -> np.ndarray:
    """CR3: (G - 1) / G x sum of (theta_-c - mean)(...)' with theta_-c one Newton step from theta without
    cluster c: theta_-c - theta = (H - H_c)^-1 s_c (H_c, s_c: the cluster's Hessian and score). H_c is
    -(sum over the cluster's rows of w x x' - sum over its places of n_g xbar xbar'), built block by block."""
    pi = _fitted(theta, xd, n_g, offset)
    w = n_g[xd.g] * pi
    p, q, k = xd.xr.shape[1], len(xd.dscale), xd.k
    by_cluster = _indicator(c, nc)
    place_cluster = np.zeros(xd.ng, dtype=int)
    place_cluster[xd.g] = c
    xbar = xd.place_sums(pi)
    wide = xbar * n_g[:, None]
    between = _indicator(place_cluster, nc)
    outer = np.empty((nc, k, k))
    for j in range(p):  # a column at a time (a handful), each a sparse sum over every row
        outer[:, j, :p] = by_cluster @ (xd.xr * (w * xd.xr[:, j])[:, None])
    cell = _indicator(c * (q + 1) + xd.d, nc * (q + 1))  # cluster x period
    cross = (cell @ (xd.xr * w[:, None])).reshape(nc, q + 1, p)[:, :q] * xd.dscale[None, :, None]
    outer[:, p:, :p] = cross
    outer[:, :p, p:] = cross.transpose(0, 2, 1)
    outer[:, p:, p:] = 0.0
    diag = np.bincount(c * (q + 1) + xd.d, w, nc * (q + 1)).reshape(nc, q + 1)[:, :q] * xd.dscale ** 2
    outer[:, np.arange(p, k), np.arange(p, k)] = diag
    for j in range(k):  # the places' mean terms, a column at a time
        outer[:, j, :] -= between @ (wide * xbar[:, [j]])
    h_c = -outer
    s_c = by_cluster @ rows
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
    sums = _indicator(codes, g) @ rows
    return sums.T @ sums * (g / max(g - 1, 1))
