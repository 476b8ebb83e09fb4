"""Which way does it run? A verdict per city from the within-place analyses (``geo.direction``), with the numbers
behind it. Codes only; the dashboards say them in EN/FR/AR.

- ``speech_leads``: hateful posts are followed by more (or fewer) hate crimes in the same or neighbouring cells,
  crime is not followed by speech, the future does not "predict" the past (placebo) and speech does not predict
  other crimes (negative control);
- ``crime_leads``: hate crimes are followed by hateful posts, not the reverse, and its placebo passes;
- ``both_directions``: both ways, or a failed placebo / negative control: a common cause is likely;
- ``no_link``: no direction is significant;
- ``insufficient_data``: too few cells, months, hate crimes or hateful posts, or the model did not fit.
"""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests

VERDICTS = ("speech_leads", "crime_leads", "both_directions", "no_link", "insufficient_data")
ALPHA = 0.05
MIN_CELLS = 5  # cells with at least one hate crime
MIN_PERIODS = 6
MIN_HATE_CRIMES = 20
MIN_FLAGGED_POSTS = 20


def holm_min(p: list[float]) -> tuple[float, int]:
    """Smallest Holm-adjusted p-value of a family (NaN entries count as 1) and its index."""
    raw = np.asarray(p, float)
    if not len(raw) or np.isnan(raw).all():
        return float("nan"), -1
    arr = np.nan_to_num(raw, nan=1.0)
    adj = multipletests(arr, method="holm")[1]
    i = int(np.argmin(adj))
    return float(adj[i]), i


def data_note(n_cells_with_hate: int, n_periods: int, hate_crimes: int, flagged_posts: int) -> str | None:
    """Why a city's data cannot support a verdict (a code), or None."""
    if n_periods < MIN_PERIODS:
        return "too_few_periods"
    if n_cells_with_hate < MIN_CELLS:
        return "too_few_cells"
    if hate_crimes < MIN_HATE_CRIMES:
        return "too_few_hate_crimes"
    if flagged_posts < MIN_FLAGGED_POSTS:
        return "too_few_flagged_posts"
    return None


def _family(rows: list[dict], analyses: tuple[str, ...]) -> dict:
    picked = [r for r in rows if r["analysis"] in analyses and r["lag"] == 1]
    p, i = holm_min([r["p_value"] for r in picked])
    best = picked[i] if i >= 0 else {"analysis": None, "lag": None, "estimate": None}
    return {"p": p, "analysis": best.get("analysis"), "lag": best.get("lag"), "estimate": best.get("estimate")}


def _one(rows: list[dict], analysis: str) -> dict:
    return next((r for r in rows if r["analysis"] == analysis), {"estimate": np.nan, "p_value": np.nan})


def _echoes(check: dict, forward: dict, alpha: float) -> bool:
    """A check (placebo lead, negative control) fails when it is significant and, if the forward link has an
    estimate, points the same way with at least half its size on the log scale: the future "predicting" the past
    as well as the past predicts the future is what a common cause looks like."""
    if not check["p_value"] < alpha:
        return False
    fwd, chk = np.log(float(forward.get("estimate") or np.nan)), np.log(float(check["estimate"]))
    if not np.isfinite(fwd) or fwd == 0:  # no forward estimate: any significant check fails
        return True
    return bool(chk / fwd >= 0.5)


def _num(v: object) -> float | None:
    return None if v is None or not np.isfinite(float(v)) else float(f"{float(v):.6g}")


def verdict(rows: list[dict], facts: dict, alpha: float = ALPHA) -> tuple[str, dict]:
    """(verdict code, evidence) of one city from its ``geo.direction.within_place`` rows.

    ``facts``: n_cells_with_hate, n_periods, hate_crimes, flagged_posts (counts behind the data check).
    The verdict rests on the pre-specified lag 1 (longer lags are reported, not tested here): forward family =
    speech_to_crime and spillover (Holm-adjusted), reverse = crime_to_speech. A failed placebo or negative control, or both directions, is never ``speech_leads``."""
    note = data_note(facts["n_cells_with_hate"], facts["n_periods"], facts["hate_crimes"], facts["flagged_posts"])
    fwd, rev = _family(rows, ("speech_to_crime", "spillover")), _family(rows, ("crime_to_speech",))
    placebo, rplacebo, control = _one(rows, "placebo_lead"), _one(rows, "reverse_placebo_lead"), \
        _one(rows, "negative_control")
    fwd_sig, rev_sig = bool(fwd["p"] < alpha), bool(rev["p"] < alpha)
    placebo_failed = _echoes(placebo, fwd, alpha)
    control_failed = _echoes(control, fwd, alpha)
    rplacebo_failed = bool(rplacebo["p_value"] < alpha)
    evidence = {
        "alpha": alpha, **{k: facts[k] for k in ("n_cells_with_hate", "n_periods", "hate_crimes", "flagged_posts")},
        "forward_p_holm": _num(fwd["p"]), "forward_analysis": fwd["analysis"], "forward_lag": fwd["lag"],
        "forward_estimate": _num(fwd["estimate"]),
        "reverse_p_holm": _num(rev["p"]), "reverse_lag": rev["lag"], "reverse_estimate": _num(rev["estimate"]),
        "placebo_estimate": _num(placebo["estimate"]), "placebo_p": _num(placebo["p_value"]),
        "reverse_placebo_p": _num(rplacebo["p_value"]),
        "negative_control_estimate": _num(control["estimate"]), "negative_control_p": _num(control["p_value"]),
        "placebo_failed": placebo_failed, "negative_control_failed": control_failed,
        "reverse_placebo_failed": rplacebo_failed,
    }
    if note is None and not np.isfinite(float(_one(rows, "speech_to_crime")["estimate"])):
        note = "not_converged"
    if note is not None:
        return "insufficient_data", {**evidence, "note": note, "common_cause_likely": False}
    common = (fwd_sig and (rev_sig or placebo_failed or control_failed)) or (rev_sig and rplacebo_failed)
    if common:
        code = "both_directions"
    elif fwd_sig:
        code = "speech_leads"
    elif rev_sig:
        code = "crime_leads"
    else:
        code = "no_link"
    return code, {**evidence, "common_cause_likely": bool(common)}
