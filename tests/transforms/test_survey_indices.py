"""Survey indices and pre/post recomputed independently with NumPy/statsmodels, matched against the marts."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from statsmodels.stats.weightstats import DescrStatsW

from tests.support.dbt_world import CODEBOOK, survey_frame


def _respondent_index() -> pd.DataFrame:
    """Per respondent x construct: mean of answered items on 0-100, reverse items flipped (pandas only)."""
    s = survey_frame().merge(CODEBOOK, on="question").dropna(subset=["value"])
    score = (s["value"] - s["scale_min"]) / (s["scale_max"] - s["scale_min"]) * 100
    s["score"] = np.where(s["reverse"], 100 - score, score)
    keys = ["survey_id", "response_id", "construct", "wave", "weight", "gender", "area_code"]
    return s.groupby(keys, as_index=False)["score"].mean()


def _expected(x: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    n_eff = w.sum() ** 2 / (w**2).sum()
    d = DescrStatsW(x, weights=w * n_eff / w.sum())
    low, high = d.tconfint_mean()  # Student t with n_eff - 1 degrees of freedom
    return d.mean, low, high


def _logit(mean: float, low: float, high: float) -> tuple[float, float]:
    """The mart's bounds: the half-width (high - low) / 2 of mean -/+ t se put on the logit scale of mean / 100."""
    p, h = mean / 100, (high - low) / 2 / 100 / (mean / 100 * (1 - mean / 100))
    return 100 * special.expit(special.logit(p) - h), 100 * special.expit(special.logit(p) + h)


def _cr1(x: np.ndarray, w: np.ndarray, area: np.ndarray) -> tuple[float, float, float]:
    """Cluster-robust (CR1, by area) se of the weighted mean: sqrt(G / (G - 1) sum_c (sum_i w (x - mean))^2) /
    sum(w), and the degrees of freedom min(G - 1, n_eff - 1)."""
    mean = np.average(x, weights=w)
    u = pd.Series(w * (x - mean)).groupby(area).sum().to_numpy()
    g = len(u)
    return mean, np.sqrt(g / (g - 1) * (u**2).sum()) / w.sum(), min(g - 1, w.sum() ** 2 / (w**2).sum() - 1)


@pytest.mark.parametrize(("survey", "construct", "group_type", "group_value", "column"), [
    ("res-2025", "cohesion", "all", "all", None),
    ("res-2026", "trust", "gender", "female", "gender"),
])
def test_index_and_ci_match_statsmodels(wh: duckdb.DuckDBPyConnection, survey: str, construct: str,
                                        group_type: str, group_value: str, column: str | None) -> None:
    r = _respondent_index()
    sel = r[(r["survey_id"] == survey) & (r["construct"] == construct)]
    if column:
        sel = sel[sel[column] == group_value]
    x, w, area = sel["score"].to_numpy(), sel["weight"].to_numpy(), sel["area_code"].to_numpy()
    # the world's respondents live in areas A1 and A2: the interval is cluster-robust by area, t on 1 df
    assert set(area) == {"A1", "A2"}
    mean, se, df = _cr1(x, w, area)
    half = stats.t.ppf(0.975, df) * se
    low, high = _logit(mean, mean - half, mean + half)
    got = wh.execute("select n, mean, ci_low, ci_high, suppressed, clusters from survey_indices where survey_id = ? "
                     "and construct = ? and group_type = ? and group_value = ?",
                     [survey, construct, group_type, group_value]).fetchone()
    assert got[0] == len(sel) and got[4] is False and got[5] == 2
    assert got[1:4] == pytest.approx((mean, low, high), rel=1e-7)  # the SQL's t quantile is within 1e-7
    assert low < mean < high and df == 1


def test_single_area_group_is_student_t_on_kish(wh: duckdb.DuckDBPyConnection) -> None:
    """Area A1's respondents: respondent-level interval, Student t on n_eff - 1 (statsmodels tconfint_mean)."""
    r = _respondent_index()
    sel = r[(r["survey_id"] == "res-2025") & (r["construct"] == "cohesion") & (r["area_code"] == "A1")]
    mean, low, high = _expected(sel["score"].to_numpy(), sel["weight"].to_numpy())
    got = wh.execute("select n, mean, ci_low, ci_high, clusters from survey_indices where survey_id = 'res-2025' "
                     "and construct = 'cohesion' and group_type = 'area' and group_value = 'A1'").fetchone()
    assert got[0] == len(sel) and got[4] is None
    assert got[1:4] == pytest.approx((mean, *_logit(mean, low, high)), rel=1e-7)
    assert 0 < high - low < 40


def test_equal_weights_give_the_textbook_interval() -> None:
    x = np.array([10.0, 30, 45, 50, 70, 90])
    _, low, high = _expected(x, np.ones_like(x))
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    assert (low, high) == pytest.approx((x.mean() - half, x.mean() + half), rel=1e-6)


def test_small_groups_are_suppressed(wh: duckdb.DuckDBPyConnection) -> None:
    rows = wh.execute("select n, mean, ci_low, suppressed from survey_indices where group_value = 'A2'"
                      ).fetchall()
    assert rows and all(n == 4 and m is None and c is None and s for n, m, c, s in rows)
    assert wh.execute("select count(*) from survey_indices where not suppressed and n < 10").fetchone()[0] == 0


def test_prepost_matches_numpy(wh: duckdb.DuckDBPyConnection) -> None:
    r = _respondent_index()
    sel = r[r["construct"] == "cohesion"]
    waves = {}
    for wave in ("baseline", "endline"):
        g = sel[sel["wave"] == wave]
        x, w = g["score"].to_numpy(), g["weight"].to_numpy()
        mean, se, df = _cr1(x, w, g["area_code"].to_numpy())  # each wave spans areas A1 and A2
        var = np.average((x - mean) ** 2, weights=w) * len(x) / (len(x) - 1)
        waves[wave] = (mean, se, var, len(x), df)
    (mb, seb, vb, nb, db), (me, see, ve, ne, de) = waves["baseline"], waves["endline"]
    g = (me - mb) / np.sqrt(((nb - 1) * vb + (ne - 1) * ve) / (nb + ne - 2)) * (1 - 3 / (4 * (nb + ne) - 9))
    welch = (seb**2 + see**2) ** 2 / (seb**4 / db + see**4 / de)
    half = stats.t.ppf(0.975, welch) * np.hypot(seb, see)
    got = wh.execute("select programme_id, baseline_mean, endline_mean, diff, ci_low, ci_high, effect_size, "
                     "n_baseline, n_endline from survey_prepost where construct = 'cohesion'").fetchone()
    assert got[0] == "lpn-saida" and got[7:] == (nb, ne)
    assert got[1:7] == pytest.approx((mb, me, me - mb, me - mb - half, me - mb + half, g), rel=1e-7)
    assert got[3] > 0  # the world plants an improvement in cohesion
