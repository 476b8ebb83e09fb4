"""Synthetic cell x month panels with a planted rate ratio, for tests/geo and scripts/effect_recovery.py
(test support, not product code: moved out of ``geo/``)."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd


def synthetic_panel(seed: int, rate_ratio: float = 1.15, n_cells: int = 120, n_months: int = 24,
                    city_id: str = "synthville", hate_per_month: float = 60.0,
                    cells_per_area: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cell_month, areas_of_cells) of one city where hate_crimes(c, m) ~ Poisson(base x pop_share(c) x
    rate_ratio ** flagged_posts(c, m-1)); flagged posts grow with population (a confounder the offset handles).

    cell_month has the cell_month columns; areas_of_cells maps cells to pseudo areas of ``cells_per_area``."""
    rng = np.random.default_rng(seed)
    hexes = np.array(sorted(h3.grid_disk(h3.latlng_to_cell(51.5, -0.1, 8), 12)))[:n_cells]
    months = pd.period_range("2025-01", periods=n_months + 1, freq="M").strftime("%Y-%m")
    pop = rng.lognormal(8.5, 0.6, n_cells).round()
    pop_share = pop / pop.sum()
    propensity = 0.25 * (pop / pop.mean()) ** 0.5 * rng.gamma(2.0, 0.5, n_cells)
    shock = rng.gamma(4.0, 0.25, n_months + 1)
    flagged = rng.poisson(np.outer(propensity, shock))  # burn-in month first
    lam = hate_per_month * pop_share[:, None] * rate_ratio ** flagged[:, :-1]
    hate = rng.poisson(lam)
    posts = flagged[:, 1:] + rng.poisson(np.outer(pop / pop.mean(), np.full(n_months, 3.0)))
    crimes = hate + rng.poisson(4 * hate_per_month * pop_share[:, None], hate.shape)
    cell_month = pd.DataFrame({
        "city_id": city_id, "cell": np.repeat(hexes, n_months), "resolution": 8,
        "period": np.tile(months[1:], n_cells), "posts": posts.ravel(), "flagged_posts": flagged[:, 1:].ravel(),
        "crimes": crimes.ravel(), "hate_crimes": hate.ravel(), "population": np.repeat(pop, n_months).astype("int64"),
    })
    areas = pd.DataFrame({"city_id": city_id, "cell": hexes,
                          "area_code": [f"A{i // cells_per_area:03d}" for i in range(n_cells)]})
    return cell_month, areas


# --- worlds built to break a speech x crime engine (tests/geo/test_engine_worlds.py, scripts/validate_engine.py)
# Every world: a hexagonal city of H3 cells (169 at 7 rings) x 24 months, populations lognormal, hateful posts
# and hate crimes growing with population (so totals co-locate without any link), city-wide monthly shocks and
# cell-level autocorrelation. ``WORLDS`` says what is true in each: speech -> crime effect (rate ratio per doubling
# of 1 + hateful posts in the cell, or of 1 + its H3 neighbours' hateful posts), crime -> speech effect.
WORLDS: dict[str, dict] = {
    "clean_null": {"speech_to_crime": False, "crime_to_speech": False},
    "clean_effect": {"speech_to_crime": True, "crime_to_speech": False, "rate_ratio": 1.15},
    "footfall": {"speech_to_crime": False, "crime_to_speech": False},
    "footfall_unseen": {"speech_to_crime": False, "crime_to_speech": False},
    "tension": {"speech_to_crime": False, "crime_to_speech": False},
    "crime_leads": {"speech_to_crime": False, "crime_to_speech": True, "rate_ratio": 1.3},
    "spillover": {"speech_to_crime": True, "crime_to_speech": False, "spillover": 1.15},
    "overdispersed_null": {"speech_to_crime": False, "crime_to_speech": False},
    "overdispersed_effect": {"speech_to_crime": True, "crime_to_speech": False, "rate_ratio": 1.15},
    "smooth_fields": {"speech_to_crime": False, "crime_to_speech": False},
    "autocorrelated": {"speech_to_crime": False, "crime_to_speech": False},
    "drifting": {"speech_to_crime": False, "crime_to_speech": False},
    # a real link the detrended check must not remove: an effect growing month by month (rate ratio 1.0 -> 1.3,
    # 1.15 on average), and an effect of 1.15 in neighbourhoods that drift as in ``drifting``
    "strengthening": {"speech_to_crime": True, "crime_to_speech": False, "rate_ratio": 1.15, "growing": True},
    "drifting_effect": {"speech_to_crime": True, "crime_to_speech": False, "rate_ratio": 1.15},
    # two series each trending on their own in every neighbourhood (a spurious-regression trap: slopes drawn
    # independently for hateful posting and hate crime), and one series trending (hateful posting grows where a
    # platform spreads) while footfall drives both: no link in either
    "independent_trends": {"speech_to_crime": False, "crime_to_speech": False},
    "speech_trend_footfall": {"speech_to_crime": False, "crime_to_speech": False},
    # small cities (a one-area town, a district): no link, the ``clean_null`` generator on a handful of H3 cells x 21
    # months; with few cells the cell-clustered (CR1) variance is too small and t on G - 1 df does not make up for it
    # (a probe: 5 cells, 18 directional verdicts in 200 null cities)
    "few_cells_5": {"speech_to_crime": False, "crime_to_speech": False, "cells": 5, "months": 21},
    "few_cells_9": {"speech_to_crime": False, "crime_to_speech": False, "cells": 9, "months": 21},
    "few_cells_19": {"speech_to_crime": False, "crime_to_speech": False, "cells": 19, "months": 21},
    # built on 2026-12-07 to break the safeguards of 2026-12-06 (other crimes as controls, the negative-control
    # margin, the jackknife below 50 clusters); docs/geo.md. A footfall (nightlife seasons of their own phase and
    # amplitude per cell, one-month events, an AR(1)) that drives hateful posting and hate crime but neither the
    # other crimes nor the other posts, so neither the controls nor the negative controls see it; no link
    "footfall_hate_only": {"speech_to_crime": False, "crime_to_speech": False},
    # a police recording practice change raises recorded hate crime by half (log 0.5) in the western half of the
    # city from a month k (8-16) on, while hateful posting there rose (log 0.4) for an unrelated reason (a local
    # news story) from month k + offset, offset -2..1 (``shift_offset`` fixes it); no link
    "recording_change": {"speech_to_crime": False, "crime_to_speech": False},
    # hate crimes respond to the hateful posts of the cells around them (rings 1 and 2, not their own: RR 1.3 per
    # doubling of 1 + that total), hateful posting spatially smooth from month to month (a moving field): a real
    # link, displaced; the engine may say the spillover or, wrongly placed, a same-cell direction
    "spillover_neighbours": {"speech_to_crime": True, "crime_to_speech": False, "spillover": 1.3,
                             "displaced": True},
    # a city where most cell-months have no hate crime (about 0.04 a cell-month, 150-200 over the panel; most
    # cells with none or one), no link: few cells carry the whole likelihood
    "sparse_hate": {"speech_to_crime": False, "crime_to_speech": False},
    # the footfall of ``footfall_hate_only`` (hateful posting and hate crime, nothing else), but 60% of the hate
    # crimes it brings are recorded the month after (a reporting or flagging delay): the common cause reaches the
    # hate-crime series a month after the posts, as a link would; no link
    "footfall_recorded_late": {"speech_to_crime": False, "crime_to_speech": False},
    # hate crimes raise hateful posting two months later only (RR 1.3 per doubling), nothing at lag 1: a reaction
    # the pre-specified lag-1 tests may miss or misplace; never speech_leads
    "reaction_lag2": {"speech_to_crime": False, "crime_to_speech": True, "rate_ratio": 1.3, "reaction_lag": 2},
    # the demo world's link (scn/demo/crime.py, scn/demo/speech.py): hate crime rate x RR per hateful post of the
    # cell last month (linear in the count on the log scale, not in its doubling as the model reads it), hateful
    # posting persistent (a static heavy-tailed propensity per cell, lognormal sd 1.3, times a city-wide monthly
    # shock, lognormal sd 0.5; Poisson otherwise), no other noise in hate crime; ``rate_ratio`` is per post
    "demo_shaped_effect": {"speech_to_crime": True, "crime_to_speech": False, "rate_ratio": 1.15, "per_post": True},
    # the price of the same-month check (geo.verdict): the link of ``clean_effect`` (RR 1.15 per doubling, last
    # month's hateful posts) acting within the month as well (the same RR on this month's): monthly counts cannot
    # tell its direction; no target, its verdicts reported (docs/geo.md)
    "same_month_effect": {"speech_to_crime": True, "crime_to_speech": False, "rate_ratio": 1.15,
                          "same_month": True},
}


def _ar1(rng: np.random.Generator, shape: tuple[int, int], rho: float, sd: float) -> np.ndarray:
    """Stationary AR(1) along axis 1 (periods) for every row, marginal sd ``sd``."""
    e = rng.normal(0.0, sd * np.sqrt(1 - rho ** 2), shape)
    out = np.empty(shape)
    out[:, 0] = rng.normal(0.0, sd, shape[0])
    for t in range(1, shape[1]):  # over periods, vectorised over cells
        out[:, t] = rho * out[:, t - 1] + e[:, t]
    return out


def _smooth(rng: np.random.Generator, centres: np.ndarray, n: int, bandwidth_km: float = 1.5) -> np.ndarray:
    """``n`` independent spatially smooth unit-variance fields over the cell centres (Gaussian kernel)."""
    lat, lng = np.radians(centres[:, 0]), np.radians(centres[:, 1])
    dx = (lng[:, None] - lng[None, :]) * np.cos(lat.mean()) * 6371.0
    dy = (lat[:, None] - lat[None, :]) * 6371.0
    k = np.exp(-(dx ** 2 + dy ** 2) / (2 * bandwidth_km ** 2))
    f = k @ rng.normal(size=(len(centres), n))
    return (f - f.mean(axis=0)) / f.std(axis=0)


def engine_world(kind: str, seed: int, rings: int = 7, months: int = 24, city_id: str | None = None,
                 rate_ratio: float | None = None, shift_offset: int | None = None) -> pd.DataFrame:
    """One city's ``scn analyse`` panel (city_id, cell, period, posts, flagged_posts, crimes, hate_crimes,
    population) of world ``kind`` (a key of ``WORLDS``). ``shift_offset``: in ``recording_change``, the month of
    the rise in hateful posting relative to the recording change (drawn from -2..1 when None)."""
    spec = WORLDS[kind]
    rng = np.random.default_rng(seed)
    hexes = np.array(sorted(h3.grid_disk(h3.latlng_to_cell(48.85, 2.35, 8), rings)))
    if "cells" in spec:  # a small city: the centre cell and its nearest neighbours (contiguous), fewer months
        origin = h3.latlng_to_cell(48.85, 2.35, 8)
        hexes = np.array(sorted(sorted(hexes, key=lambda c: (h3.grid_distance(origin, c), c))[:spec["cells"]]))
        months = spec.get("months", months)
    n, m = len(hexes), months + 1  # one burn-in month feeds the first lag
    centres = np.array([h3.cell_to_latlng(c) for c in hexes])
    pop = rng.lognormal(8.0, 0.6, n)
    rel = pop / pop.mean()
    base_s = 2.0 * rel ** 0.8 * rng.gamma(2.0, 0.5, n)  # hateful posts per month
    base_h = 0.5 * rel * rng.gamma(2.0, 0.5, n)  # hate crimes per month
    base_o = 25.0 * rel  # other posts
    base_c = 3.0 * rel  # other crimes
    city_s, city_h = _ar1(rng, (1, m), 0.6, 0.2), _ar1(rng, (1, m), 0.6, 0.2)
    rho, sd = (0.9, 0.3) if kind == "autocorrelated" else (0.5, 0.25)
    z_s, z_h = _ar1(rng, (n, m), rho, sd), _ar1(rng, (n, m), rho, sd)
    if kind == "autocorrelated":
        city_s, city_h = _ar1(rng, (1, m), 0.9, 0.3), _ar1(rng, (1, m), 0.9, 0.3)
    log_s, log_h = np.log(base_s)[:, None] + city_s + z_s, np.log(base_h)[:, None] + city_h + z_h
    log_o, log_c = np.log(base_o)[:, None] + 0.5 * city_s, np.log(base_c)[:, None] + 0.5 * city_h
    if kind == "footfall":  # time-varying footfall drives posting and crime, nothing links them
        f = _ar1(rng, (n, m), 0.7, 0.4)
        log_s, log_h, log_o, log_c = log_s + f, log_h + f, log_o + f, log_c + f
    if kind == "footfall_unseen":  # large swings of footfall drive hateful posts and every crime, barely the
        f = _ar1(rng, (n, m), 0.8, 0.8)  # other posts (presence in a place is not posting about it)
        log_s, log_h, log_o, log_c = log_s + f, log_h + f, log_o + 0.3 * f, log_c + f
    if kind == "tension":  # a local tension drives hateful posts and hate crimes at once
        k = _ar1(rng, (n, m), 0.7, 0.45)
        log_s, log_h = log_s + k, log_h + k
    if kind in ("drifting", "drifting_effect"):  # each neighbourhood's hateful posting and hate crime drift together (a slow change of
        g = rng.normal(0, 0.04, (n, 1)) * np.arange(m)[None, :]  # who lives there), other posts and crimes do not
        log_s, log_h = log_s + g, log_h + g
    if kind == "independent_trends":
        months_ = np.arange(m)[None, :]
        log_s, log_h = log_s + rng.normal(0, 0.05, (n, 1)) * months_, log_h + rng.normal(0, 0.05, (n, 1)) * months_
    if kind == "speech_trend_footfall":
        f = _ar1(rng, (n, m), 0.8, 0.5)
        log_s = log_s + f + np.abs(rng.normal(0, 0.06, (n, 1))) * np.arange(m)[None, :]
        log_h, log_o, log_c = log_h + f, log_o + 0.3 * f, log_c + f
    if kind == "smooth_fields":  # independent spatially smooth fields, static and moving
        static = _smooth(rng, centres, 2)
        moving = _smooth(rng, centres, 2 * m).reshape(n, 2, m)
        log_s = log_s + 0.6 * static[:, :1] + 0.4 * moving[:, 0]
        log_h = log_h + 0.6 * static[:, 1:] + 0.4 * moving[:, 1]
    if kind == "footfall_hate_only":  # nightlife seasons (own amplitude and phase per cell), events, an AR(1)
        t_ = np.arange(m)[None, :]
        amp, phase = np.abs(rng.normal(0, spec.get("season", 0.5), (n, 1))), rng.uniform(0, 2 * np.pi, (n, 1))
        events = 0.9 * (rng.random((n, m)) < 0.08)
        f = amp * np.sin(2 * np.pi * t_ / 12 + phase) + events + _ar1(rng, (n, m), 0.7, spec.get("ar_sd", 0.35))
        log_s, log_h = log_s + f, log_h + f  # not the other posts, not the other crimes
    if kind == "footfall_recorded_late":  # the footfall of footfall_hate_only; 60% of the hate crimes it brings are
        t_ = np.arange(m)[None, :]  # recorded the month after (report or flagging delay), the other crimes on time
        amp, phase = np.abs(rng.normal(0, 0.5, (n, 1))), rng.uniform(0, 2 * np.pi, (n, 1))
        events = 0.9 * (rng.random((n, m)) < 0.08)
        f = amp * np.sin(2 * np.pi * t_ / 12 + phase) + events + _ar1(rng, (n, m), 0.7, 0.35)
        f_prev = np.concatenate([f[:, :1], f[:, :-1]], axis=1)
        log_s, log_h = log_s + f, log_h + np.log(0.4 * np.exp(f) + 0.6 * np.exp(f_prev))
    if kind == "recording_change":
        k = int(rng.integers(8, 17))
        offset = int(rng.integers(-2, 2)) if shift_offset is None else shift_offset
        west = (centres[:, 1] < np.median(centres[:, 1]))[:, None]  # a police division
        if spec.get("treated") == "random":
            west = (rng.random(n) < 0.5)[:, None]
        t_ = np.arange(m)[None, :]
        log_h = log_h + spec.get("shift_hate", 0.7) * (west & (t_ >= k))
        log_s = log_s + spec.get("shift_speech", 0.7) * (west & (t_ >= k + offset))
    if kind == "spillover_neighbours":  # hateful posting moves in spatially smooth fields, AR(1) in time
        e = _smooth(rng, centres, m)
        field = np.empty((n, m))
        field[:, 0] = e[:, 0]
        for t in range(1, m):
            field[:, t] = 0.6 * field[:, t - 1] + 0.8 * e[:, t]
        log_s = log_s + 0.5 * field
    if kind == "sparse_hate":
        log_h = log_h + np.log(0.08)
    if spec.get("per_post"):  # the demo's posting: activity x season, hateful share = propensity x monthly shock
        activity = rel * rng.lognormal(0.0, 0.5, n)
        propensity = rng.lognormal(0.0, 1.3, n)
        propensity = propensity / (activity * propensity).sum() * activity.sum()
        season, shock = rng.lognormal(0.0, 0.15, (1, m)), rng.lognormal(0.0, 0.5, (1, m))
        posts_rate = spec.get("posts", 2.0) * activity[:, None] * season
        p_hate = np.clip(spec.get("hate_share", 0.12) * propensity[:, None] * shock, 0.0, 0.8)
        log_s, log_o = np.log(posts_rate * p_hate), np.log(posts_rate * (1 - p_hate))
        log_h = np.log(base_h)[:, None] + np.zeros((1, m))
    over = kind.startswith("overdispersed")
    if over:  # gamma noise (negative binomial, variance mu + mu^2) and half the cells never record a hate crime
        log_s = log_s + np.log(rng.gamma(1.0, 1.0, (n, m)))
        log_h = log_h + np.log(rng.gamma(1.0, 1.0, (n, m)))
        log_h[rng.random(n) < 0.5] = -np.inf
        log_s[rng.random(n) < 0.2] = -np.inf
    rr = rate_ratio or spec.get("rate_ratio", 1.0)
    spill = spec.get("spillover", 1.0)
    w = None
    if spill != 1.0:
        ring = {c: i for i, c in enumerate(hexes)}
        w = np.zeros((n, n))
        for i, c in enumerate(hexes):  # H3 edge neighbours inside the city (and the ring beyond, displaced)
            around = h3.grid_disk(c, 2) if spec.get("displaced") else h3.grid_ring(c, 1)
            w[i, [ring[r] for r in around if r in ring and r != c]] = 1.0
    flagged, hate = np.zeros((n, m), int), np.zeros((n, m), int)
    for t in range(m):  # month by month: feedback runs forward in time
        ls, lh = log_s[:, t].copy(), log_h[:, t].copy()
        if t > 0 and kind == "crime_leads":
            ls = ls + np.log(rr) * np.log2(1 + hate[:, t - 1])
        if t > 1 and kind == "reaction_lag2":
            ls = ls + np.log(rr) * np.log2(1 + hate[:, t - 2])
        if t > 0 and spec["speech_to_crime"] and spill == 1.0:
            rr_t = 1 + 2 * (rr - 1) * t / (m - 1) if spec.get("growing") else rr
            dose = flagged[:, t - 1] if spec.get("per_post") else np.log2(1 + flagged[:, t - 1])
            lh = lh + np.log(rr_t) * dose
        if t > 0 and w is not None:
            lh = lh + np.log(spill) * np.log2(1 + w @ flagged[:, t - 1])
        flagged[:, t] = rng.poisson(np.exp(ls))
        if spec.get("same_month"):
            lh = lh + np.log(rr) * np.log2(1 + flagged[:, t])
        hate[:, t] = rng.poisson(np.exp(lh))
    posts = flagged + rng.poisson(np.exp(log_o))
    crimes = hate + rng.poisson(np.exp(log_c))
    periods = pd.period_range("2024-01", periods=m, freq="M").strftime("%Y-%m")
    return pd.DataFrame({
        "city_id": city_id or kind, "cell": np.repeat(hexes, months), "period": np.tile(periods[1:], n),
        "posts": posts[:, 1:].ravel(), "flagged_posts": flagged[:, 1:].ravel(), "crimes": crimes[:, 1:].ravel(),
        "hate_crimes": hate[:, 1:].ravel(), "population": np.repeat(pop.round(), months).astype("int64")})
