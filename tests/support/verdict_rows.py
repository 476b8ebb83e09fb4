"""Verdict rows for the engine's rules and the city page's words: ``rows`` (the engine's per-analysis fits a
verdict reads), ``FACTS`` (a city's totals), ``table`` (a published ``correlations`` table of one city) and
``LANGS``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

LANGS = ("en", "fr", "ar")
FACTS = {"n_cells_with_hate": 100, "n_periods": 24, "hate_crimes": 900, "flagged_posts": 4000}


def rows(fwd: float, fwd_p: float, rev_p: float = 0.5, placebo: tuple[float, float] = (1.0, 0.6),
          control: tuple[float, float] = (1.0, 0.7), spill: tuple[float, float] = (1.0, 0.9),
          rev: float = 1.1, rcontrol: tuple[float, float] = (1.0, 0.8)) -> list[dict]:
    def r(analysis: str, lag: int, est: float, p: float) -> dict:
        return {"analysis": analysis, "lag": lag, "estimate": est, "p_value": p}
    return [r("speech_to_crime", 1, fwd, fwd_p), r("spillover", 1, *spill), r("crime_to_speech", 1, rev, rev_p),
            r("placebo_lead", -1, *placebo), r("reverse_placebo_lead", -1, 1.0, 0.5),
            r("negative_control", 1, *control), r("reverse_negative_control", 1, *rcontrol)]


def table(verdict: str, **evidence: object) -> pd.DataFrame:
    rows = [("speech_to_crime", 1, 1.12, 0.97, 1.29, 0.12), ("crime_to_speech", 1, 1.20, 1.08, 1.33, 0.001),
            ("speech_to_crime", 2, 1.01, 0.9, 1.12, 0.8)]
    ev = {"n_cells_with_hate": 40, "n_cells": 61, "n_periods": 24, "forward_analysis": "speech_to_crime",
          "forward_lag": 1, "reverse_lag": 1, "common_cause_likely": verdict == "both_directions",
          "cluster": "area", "max_lag": 3, **evidence}
    out = [{"city_id": "x", "analysis": a, "lag": lag, "estimate": e, "ci_low": lo, "ci_high": hi, "p_value": p,
            "n": 1403, "detail": "{}", "verdict": verdict} for a, lag, e, lo, hi, p in rows]
    out.append({"city_id": "x", "analysis": "verdict", "lag": 0, "estimate": np.nan, "ci_low": np.nan,
                "ci_high": np.nan, "p_value": np.nan, "n": 1403, "detail": json.dumps(ev), "verdict": verdict})
    return pd.DataFrame(out)
