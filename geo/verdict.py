"""Which way does it run? A verdict per city from the within-place analyses (``geo.direction``), with the numbers
behind it. Codes only; the dashboards say them in EN/FR/AR.

The hypotheses are directional and pre-specified at lag 1: speech -> crime means *more* hateful posts are
followed by *more* hate crimes in the same cell (``speech_to_crime``, estimate > 1 and p < alpha), crime -> speech
means more hate crimes are followed by more hateful posts (``crime_to_speech``). An estimate significantly below 1
supports neither (flagged in the evidence, ``forward_fewer`` / ``reverse_fewer``). The spatial lag (``spillover``)
is reported beside the verdict (``spillover_found``), not a route to it: on worlds with no link it fired on
smooth fields and, with the wrong sign, on the demo world (docs/geo.md).

- ``speech_leads``: hateful posts are followed by more hate crimes in the same cells, crime is not followed by
  more speech, the future does not "predict" the past (placebo), speech does not predict other crimes and other
  crimes do not predict speech (the negative controls, either way in time);
- ``crime_leads``: hate crimes are followed by more hateful posts, not the reverse, its placebo passes and both
  negative controls pass;
- ``both_directions``: both ways, or a failed placebo / negative control: a common cause is likely (which
  checks failed: ``failed_checks``, below);
- where the rows hold the detrended fits (cell panels), a direction counts only if it holds there too
  (significant, same way): one that vanishes once each cell's own linear trend is removed was carried by
  neighbourhoods drifting in both series, a slow common cause: ``both_directions``, with the direction named in
  ``trend_only`` in the evidence;
- and the converse (``drift_cleared`` in the evidence): where the raw checks fail only on such a drift (the
  reverse direction vanishes once detrended, or was not significant; the raw negative control passes), a
  speech -> crime link that holds raw and detrended at p < alpha x ``RESCUE_ALPHA_SHARE`` with the detrended
  placebo and negative control passing is ``speech_leads``: a real link in drifting neighbourhoods was
  ``both_directions`` in 88% of such worlds, now 8% (docs/geo.md);
- a direction must also exceed its own negative control's same-way estimate (the same model with other crimes in
  place of hate crimes) by more than both intervals' combined margin (``forward_beyond_control``,
  ``reverse_beyond_control``); one that does not is ``both_directions``: a footfall driving all crime left an
  echo in the control too small to be significant on its own (``speech_trend_footfall``, docs/geo.md);
- a speech -> crime direction fails its same-month check (``same_month_failed``) when hateful posts predict hate
  crimes of their own month, given last month's posts, raw and detrended alike at p < alpha x
  ``SAME_MONTH_ALPHA_SHARE`` the forward's way (``geo.direction``: expectation 1 under a lag-1 link of either shape):
  ``both_directions``, never excused by the drift rescue (the detrended fit has no drift to blame). A common cause
  recorded partly a month late (``footfall_recorded_late``) said speech_leads in 17 of 50 cities, now 0 of 50;
  the price, seeds 20000-20049: overdispersed_effect 33 -> 32 of 50, every other effect world and 120 demo cities
  unchanged (docs/geo.md). A real link acting within the month as well as a month later is ``both_directions``:
  monthly counts cannot tell its direction. When this check is the only one that failed (``within_month_only`` in
  the evidence) the page says just that (posts and crimes rose together within the month; the link may act within
  weeks, or something else may drive both), not that a common cause is likely;
- ``no_link``: no direction is significant;
- ``insufficient_data``: a source the city never sent (no crime records: ``no_crime_data``; no posts:
  ``no_social_data``), too few cells, months, hate crimes or hateful posts, or the model did not fit.

Every verdict's evidence names the checks behind a ``both_directions`` (``failed_checks``, in this order):
``reverse_direction`` (speech -> crime and crime -> speech both significant), ``placebo``, ``negative_control``
(either control echoing speech -> crime, or speech -> crime not beyond its control), ``same_month``
(``same_month_failed``), ``reverse_placebo``, ``reverse_negative_control`` (the same for crime -> speech) and
``trend_only`` (a direction gone once detrended); the first four only when speech -> crime is significant, the
reverse ones only when crime -> speech is. ``failed_checks`` is non-empty exactly when ``common_cause_likely`` is
true, i.e. exactly for ``both_directions``; [] for every other verdict (a ``drift_cleared`` ``speech_leads`` lists
none: its raw failures stay in ``placebo_failed`` etc.). ``within_month_only``: ``failed_checks == ["same_month"]``.
``common_cause_likely`` stays true when ``within_month_only`` is (rows published before these keys are read the same
way: the page falls back to its generic sentence on a common cause).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VERDICTS = ("speech_leads", "crime_leads", "both_directions", "no_link", "insufficient_data")
ALPHA = 0.05
MIN_CELLS = 5  # cells with at least one hate crime
MIN_PERIODS = 6
MIN_HATE_CRIMES = 20
MIN_FLAGGED_POSTS = 20
RESCUE_ALPHA_SHARE = 0.2  # a direction told despite failed raw checks needs its detrended p below alpha x this
SAME_MONTH_ALPHA_SHARE = 0.2  # the same-month check fails at p below alpha x this, raw and detrended


SOURCE_NOTES = {"crimes": "no_crime_data", "posts": "no_social_data"}  # a source the city never sent


def missing_sources(counts: pd.DataFrame) -> tuple[str, ...]:
    """The sources (``crimes``, ``posts``) a city never sent, from its rows of a speech x crime mart: the marts
    give null, never 0, for every row of such a source (transforms/macros/speech_crime_counts.sql), so a column
    that is null on every row (or absent) is a source not sent; a 0 is a measurement."""
    return tuple(s for s in SOURCE_NOTES
                 if s not in counts.columns or pd.to_numeric(counts[s], errors="coerce").isna().all())


def data_note(n_cells_with_hate: int, n_periods: int, hate_crimes: int, flagged_posts: int,
              min_periods: int = MIN_PERIODS, missing: tuple[str, ...] = ()) -> str | None:
    """Why a city's data cannot support a verdict (a code), or None. ``missing``: the sources the city never
    sent (``missing_sources``); a missing source is said as such (``no_crime_data``, ``no_social_data``), never
    as too few cells or posts."""
    for source, note in SOURCE_NOTES.items():
        if source in missing:
            return note
    if n_periods < min_periods:
        return "too_few_periods"
    if n_cells_with_hate < MIN_CELLS:
        return "too_few_cells"
    if hate_crimes < MIN_HATE_CRIMES:
        return "too_few_hate_crimes"
    if flagged_posts < MIN_FLAGGED_POSTS:
        return "too_few_flagged_posts"
    return None


def _lag1(rows: list[dict], analysis: str) -> dict:
    return next((r for r in rows if r["analysis"] == analysis and r["lag"] == 1),
                {"estimate": np.nan, "p_value": np.nan})


def _direction(row: dict, alpha: float) -> tuple[bool, bool]:
    """(more, fewer): significant at ``alpha`` (two-sided p) with an estimate above / below 1."""
    est, p = float(row.get("estimate", np.nan)), float(row.get("p_value", np.nan))
    sig = bool(np.isfinite(p) and p < alpha and np.isfinite(est))
    return sig and est > 1, sig and est < 1


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


def _same_month(raw: dict, detrended: dict, forward: dict, alpha: float) -> bool:
    """True when this month's hateful posts predict this month's hate crimes, given last month's posts, the
    forward estimate's way in both the raw and the detrended fit at p < ``alpha``: under a lag-1 link its
    expectation is 1; a common cause recorded partly a month late makes it significant (geo.direction)."""
    fwd = float(forward.get("estimate", np.nan))
    if not np.isfinite(fwd) or fwd <= 0:
        return False
    for row in (raw, detrended):
        est, p = float(row.get("estimate", np.nan)), float(row.get("p_value", np.nan))
        if not (np.isfinite(p) and p < alpha and np.isfinite(est) and est > 0 and (est > 1) == (fwd > 1)):
            return False
    return True


def _beyond(link: dict, control: dict) -> bool:
    """True when a link exceeds its negative control's same-way estimate by more than their combined 95% margin
    (log scale: beta_link - beta_control > sqrt(hw_link^2 + hw_control^2), hw the half-width of each interval),
    or when the control does not point the same way. A common driver of all crime (footfall) gives the control a
    small same-way estimate that is often not significant on its own, while the link's estimate, noisier, crosses
    significance; the link is then no more than its control's echo (``speech_trend_footfall``, docs/geo.md)."""
    ctl, est = float(control.get("estimate", np.nan)), float(link.get("estimate", np.nan))
    if not (np.isfinite(ctl) and ctl > 0 and np.isfinite(est) and est > 0):
        return True
    b, b_ctl = np.log(est), np.log(ctl)
    if b_ctl <= 0 or (b > 0) != (b_ctl > 0):
        return True
    with np.errstate(divide="ignore", invalid="ignore"):
        hw = (np.log(float(link.get("ci_high", np.nan))) - np.log(float(link.get("ci_low", np.nan)))) / 2
        hw_ctl = (np.log(float(control.get("ci_high", np.nan))) - np.log(float(control.get("ci_low", np.nan)))) / 2
    margin = float(np.hypot(hw, hw_ctl))
    if np.isnan(margin):  # no interval given (tables of earlier versions): the echo rule alone
        return True
    return bool(b - b_ctl > margin)  # an infinite interval (a jackknife on a handful of cells) cannot exceed it


def _num(v: object) -> float | None:
    return None if v is None or not np.isfinite(float(v)) else float(f"{float(v):.6g}")


def verdict(rows: list[dict], facts: dict, alpha: float = ALPHA) -> tuple[str, dict]:
    """(verdict code, evidence) of one city from its ``geo.direction.within_place`` rows.

    ``facts``: n_cells_with_hate, n_periods, hate_crimes, flagged_posts (counts behind the data check) and
    optionally min_periods (an area panel of years needs fewer periods than a cell panel of months) and
    missing_sources (``missing_sources`` of the city's rows: a source never sent gives ``insufficient_data`` with
    the note ``no_crime_data`` / ``no_social_data``).
    The verdict rests on the pre-specified lag 1 and directional hypotheses (longer lags are reported, not tested
    here). A failed placebo or negative control, or both directions, is never ``speech_leads``."""
    note = data_note(facts["n_cells_with_hate"], facts["n_periods"], facts["hate_crimes"], facts["flagged_posts"],
                     facts.get("min_periods", MIN_PERIODS), tuple(facts.get("missing_sources") or ()))
    fwd, rev, spill = _lag1(rows, "speech_to_crime"), _lag1(rows, "crime_to_speech"), _lag1(rows, "spillover")
    placebo, rplacebo, control = _one(rows, "placebo_lead"), _one(rows, "reverse_placebo_lead"), \
        _one(rows, "negative_control")
    rcontrol = _one(rows, "reverse_negative_control")
    (fwd_sig, fwd_fewer), (rev_sig, rev_fewer) = _direction(fwd, alpha), _direction(rev, alpha)
    fwd_d, rev_d = _lag1(rows, "speech_to_crime_detrended"), _lag1(rows, "crime_to_speech_detrended")
    has_detrended = any(r["analysis"] == "speech_to_crime_detrended" for r in rows)
    trend_only = []
    if has_detrended:  # a direction that vanishes once each cell's own trend is removed was the trend's
        trend_only += ["speech_to_crime"] if fwd_sig and not _direction(fwd_d, alpha)[0] else []
        trend_only += ["crime_to_speech"] if rev_sig and not _direction(rev_d, alpha)[0] else []
    # a link hidden by a drift: speech -> crime holds raw and detrended, the reverse and the checks fail only with
    # the trend (detrended: crime -> speech not significant, placebo and negative control pass)
    placebo_d, control_d = _one(rows, "placebo_lead_detrended"), _one(rows, "negative_control_detrended")
    drift_cleared = bool(has_detrended and fwd_sig and _direction(fwd_d, alpha * RESCUE_ALPHA_SHARE)[0]
                         and not any(_direction(rev_d, alpha)) and "placebo_lead_detrended" in
                         {r["analysis"] for r in rows} and not _echoes(placebo_d, fwd_d, alpha)
                         and not _echoes(control_d, fwd_d, alpha))
    spill_found = _direction(spill, alpha)[0]
    placebo_failed = _echoes(placebo, fwd, alpha)
    same, same_d = _one(rows, "same_month"), _one(rows, "same_month_detrended")
    same_month_failed = bool(fwd_sig and _same_month(same, same_d, fwd, alpha * SAME_MONTH_ALPHA_SHARE))
    # either negative control (speech -> other crimes, other crimes -> speech) says that posting and crime move
    # together in time within places beyond the controls: a common driver that undermines either direction
    # and a direction must exceed its own negative control's same-way estimate (the same model with other crimes in
    # place of hate crimes) beyond both intervals' margin: a control echo too small to be significant still counts
    fwd_calibrated, rev_calibrated = _beyond(fwd, control), _beyond(rev, rcontrol)
    control_failed = _echoes(control, fwd, alpha) or _echoes(rcontrol, fwd, alpha) \
        or (fwd_sig and not fwd_calibrated)
    rplacebo_failed = bool(_direction(rplacebo, alpha)[0])
    rcontrol_failed = _echoes(rcontrol, rev, alpha) or _echoes(control, rev, alpha) \
        or (rev_sig and not rev_calibrated)
    evidence = {
        "alpha": alpha, **{k: facts[k] for k in ("n_cells_with_hate", "n_periods", "hate_crimes", "flagged_posts")},
        "forward_p": _num(fwd["p_value"]), "forward_analysis": "speech_to_crime", "forward_lag": 1,
        "forward_estimate": _num(fwd["estimate"]), "forward_fewer": fwd_fewer,
        "reverse_p": _num(rev["p_value"]), "reverse_lag": 1, "reverse_estimate": _num(rev["estimate"]),
        "reverse_fewer": rev_fewer,
        "spillover_estimate": _num(spill["estimate"]), "spillover_p": _num(spill["p_value"]),
        "spillover_found": spill_found,
        "placebo_estimate": _num(placebo["estimate"]), "placebo_p": _num(placebo["p_value"]),
        "reverse_placebo_p": _num(rplacebo["p_value"]),
        "negative_control_estimate": _num(control["estimate"]), "negative_control_p": _num(control["p_value"]),
        "placebo_failed": placebo_failed, "negative_control_failed": control_failed,
        "same_month_estimate": _num(same["estimate"]), "same_month_p": _num(same["p_value"]),
        "same_month_detrended_p": _num(same_d["p_value"]), "same_month_failed": same_month_failed,
        "reverse_placebo_failed": rplacebo_failed,
        "reverse_negative_control_estimate": _num(rcontrol["estimate"]),
        "reverse_negative_control_p": _num(rcontrol["p_value"]), "reverse_negative_control_failed": rcontrol_failed,
        "forward_beyond_control": fwd_calibrated, "reverse_beyond_control": rev_calibrated,
        "variance": fwd.get("vcov"),
        **({"forward_detrended_estimate": _num(fwd_d["estimate"]), "forward_detrended_p": _num(fwd_d["p_value"]),
            "reverse_detrended_estimate": _num(rev_d["estimate"]), "reverse_detrended_p": _num(rev_d["p_value"]),
            "trend_only": trend_only, "drift_cleared": drift_cleared,
            "placebo_detrended_p": _num(placebo_d["p_value"]),
            "negative_control_detrended_p": _num(control_d["p_value"])} if has_detrended else {}),
    }
    if note is None and not np.isfinite(float(fwd["estimate"])):
        note = "not_converged"
    if note is not None:
        return "insufficient_data", {**evidence, "note": note, "common_cause_likely": False, "failed_checks": [],
                                     "within_month_only": False}
    # the checks that fail a direction, by name (the page says each): a speech -> crime direction fails on the
    # reverse direction, its placebo, its negative controls or its same-month check; a crime -> speech direction on
    # its own placebo and negative controls; either on a trend that carries it
    failed_checks = [c for c, failed in (
        ("reverse_direction", fwd_sig and rev_sig), ("placebo", fwd_sig and placebo_failed),
        ("negative_control", fwd_sig and control_failed), ("same_month", same_month_failed),
        ("reverse_placebo", rev_sig and rplacebo_failed), ("reverse_negative_control", rev_sig and rcontrol_failed),
        ("trend_only", bool(trend_only))) if failed]
    common = bool(failed_checks)
    # only what a drift explains is excused: the reverse direction (gone once detrended) and the raw placebo; a
    # failed raw negative control (a common driver of all crime) is not, nor a failed same-month check (detrended too)
    if common and drift_cleared and "speech_to_crime" not in trend_only and not (control_failed or same_month_failed) \
            and (not rev_sig or "crime_to_speech" in trend_only):
        code, common, failed_checks = "speech_leads", False, []  # the raw checks failed on the drift alone
    elif common:
        code = "both_directions"
    elif fwd_sig:
        code = "speech_leads"
    elif rev_sig:
        code = "crime_leads"
    else:
        code = "no_link"
    return code, {**evidence, "common_cause_likely": bool(common), "failed_checks": failed_checks,
                  "within_month_only": failed_checks == ["same_month"]}
