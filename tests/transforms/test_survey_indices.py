"""Survey indices and pre/post recomputed independently with NumPy/statsmodels, matched against the marts."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
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
    low, high = d.zconfint_mean()
    return d.mean, low, high


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
    mean, low, high = _expected(sel["score"].to_numpy(), sel["weight"].to_numpy())
    got = wh.execute("select n, mean, ci_low, ci_high, suppressed from survey_indices where survey_id = ? "
                     "and construct = ? and group_type = ? and group_value = ?",
                     [survey, construct, group_type, group_value]).fetchone()
    assert got[0] == len(sel) and got[4] is False
    assert got[1:4] == pytest.approx((mean, low, high), rel=1e-9)
    assert low < mean < high and 0 < high - low < 40


def test_equal_weights_give_the_textbook_interval() -> None:
    x = np.array([10.0, 30, 45, 50, 70, 90])
    _, low, high = _expected(x, np.ones_like(x))
    half = 1.959963984540054 * x.std(ddof=1) / np.sqrt(len(x))
    assert (low, high) == pytest.approx((x.mean() - half, x.mean() + half), rel=1e-6)


def test_small_groups_are_suppressed(wh: duckdb.DuckDBPyConnection) -> None:
    rows = wh.execute("select n, mean, ci_low, suppressed from survey_indices where group_value = 'A2'"
                      ).fetchall()
    assert rows and all(n == 4 and m is None and c is None and s for n, m, c, s in rows)
    assert wh.execute("select count(*) from survey_indices where not suppressed and n < 10").fetchone()[0] == 0


def test_prepost_matches_numpy(wh: duckdb.DuckDBPyConnection) -> None:
    r = _respondent_index()
    sel = r[r["construct"] == "cohesion"]
    stats = {}
    for wave in ("baseline", "endline"):
        g = sel[sel["wave"] == wave]
        x, w = g["score"].to_numpy(), g["weight"].to_numpy()
        mean, low, _ = _expected(x, w)
        var = np.average((x - mean) ** 2, weights=w) * len(x) / (len(x) - 1)
        stats[wave] = (mean, (mean - low) / 1.959963984540054, var, len(x))
    (mb, seb, vb, nb), (me, see, ve, ne) = stats["baseline"], stats["endline"]
    g = (me - mb) / np.sqrt(((nb - 1) * vb + (ne - 1) * ve) / (nb + ne - 2)) * (1 - 3 / (4 * (nb + ne) - 9))
    half = 1.959963984540054 * np.hypot(seb, see)
    got = wh.execute("select programme_id, baseline_mean, endline_mean, diff, ci_low, ci_high, effect_size, "
                     "n_baseline, n_endline from survey_prepost where construct = 'cohesion'").fetchone()
    assert got[0] == "lpn-saida" and got[7:] == (nb, ne)
    assert got[1:7] == pytest.approx((mb, me, me - mb, me - mb - half, me - mb + half, g), rel=1e-9)
    assert got[3] > 0  # the world plants an improvement in cohesion
