"""Building blocks of the city page (``pages/city.py``): findings in plain language, series, lag and survey
figures, and the programme, survey, alert and risk tables.

Every published table is shaped for the viewer by ``scn.privacy.disclosure.for_audience`` (staff see all;
officials get no per-person columns and small counts suppressed). Tables that are aggregated here are
aggregated first and shaped after, so a suppressed count is never summed."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import data, detail, i18n, maps
from dashboards.components.accuracy import keyword_selected
from dashboards.components.alerts import shaped as shaped_alerts
from dashboards.i18n import t
from dashboards.plotly_text import plotly_text, plotly_texts
from scn.nlp.accuracy import MIN_HELD_OUT, measured_share, shown_accuracy
from scn.privacy.disclosure import for_audience
from scn.privacy.levels import grain_of, period_at
from scn.settings import settings
from scn.words.alerts import HIDDEN_BENEATH, NO_DATA

# the within-place rate ratios shown by lag, both ways (geo/direction.py)
LAG_ANALYSES = ("speech_to_crime", "crime_to_speech")
# from this share of a city's posts of no known language the page says so (their classifier error is not
# measured: the engine's intervals allow any reviewed language's, scn.analysis.engine._span_unknown)
UNKNOWN_LANG_NOTE = 0.05
# city_month: the counts by city and month (cells and less precise locations). Shaped with the city's cell_month
# rows, so that a monthly total that would give a hidden cell back by differencing is hidden too.
SERIES_TABLE = "city_month"


@lru_cache(maxsize=64)
def _periods(snap: str, city_id: str) -> tuple[str, ...]:
    return tuple(maps.periods(city_id))


def periods(city_id: str) -> tuple[str, ...]:
    """The months of the city's cell data, oldest first."""
    return _periods(data.snapshot_key(), city_id)


def _correlations(city_id: str, audience: str) -> pd.DataFrame:
    return for_audience("correlations", data.table("correlations", city_id), audience,
                        k=settings().suppress_below, min_group=settings().min_group,
                        key=detail.key_for(audience))


def _row(corr: pd.DataFrame, analysis: str, lag: object = None) -> pd.Series | None:
    rows = corr[corr["analysis"] == analysis]
    if lag is not None and "lag" in rows.columns:
        rows = rows[pd.to_numeric(rows["lag"], errors="coerce") == pd.to_numeric(lag, errors="coerce")]
    return rows.iloc[0] if len(rows) else None


def _ratio(r: pd.Series | None, lang: str) -> dict:
    """A rate ratio per doubling as the sentence's numbers: the change in percent (more / fewer), CI and n."""
    if r is None or pd.isna(r["estimate"]):
        return {}
    est = float(r["estimate"])
    change = t("pct_more" if est >= 1 else "pct_fewer", lang, pct=abs(est - 1) * 100)
    return {"est": est, "lo": float(r["ci_low"]), "hi": float(r["ci_high"]), "change": change,
            "n": int(r["n"]) if pd.notna(r["n"]) else 0}


def findings(city_id: str, lang: str, audience: str) -> tuple[list[str], list[str]]:
    """The engine's verdict for the city in plain language (docs/geo.md): the comparison made (each
    neighbourhood with itself over time), what is adjusted for, the unit (per doubling), the direction, the
    interval and n; the checks that failed, by name (a common cause when the checks say so; only the same-month
    check failed: the direction cannot be told from monthly counts, ``verdict_within_month``); and how it was
    computed. ([], []) when no verdict."""
    corr = _correlations(city_id, audience)
    v = _row(corr, "verdict") if len(corr) else None
    if v is None:
        return [], []
    code, ev = str(v.get("verdict")), i18n.parse_json(v.get("detail")) or {}
    rev = _ratio(_row(corr, "crime_to_speech", ev.get("reverse_lag") or 1), lang)
    s2c = _ratio(_row(corr, "speech_to_crime", 1), lang)
    spill = _ratio(_row(corr, "spillover", 1), lang)
    size = {"cells": int(ev.get("n_cells") or ev.get("n_cells_with_hate") or 0),
            "months": int(ev.get("n_periods") or 0), "n": s2c.get("n", 0)}
    area = _area_level(ev, lang, size)  # area-level analysis (issue 18): the level and period, said first
    if code == "insufficient_data" or not s2c:
        note = ev.get("note") or "not_converged"
        return [t("verdict_insufficient_data", lang, why=t(f"insufficient_{note}", lang), **size)] + area[:1], []
    texts = area or [t("comparison", lang, **size)]
    if code == "speech_leads":
        texts.append(t("verdict_speech_leads", lang, **s2c))
    elif code == "crime_leads":
        texts.append(t("verdict_crime_leads", lang, r_est=rev.get("est", np.nan), r_lo=rev.get("lo", np.nan),
                       r_hi=rev.get("hi", np.nan), r_change=rev.get("change", ""), **s2c))
    elif code == "both_directions" and ev.get("within_month_only"):  # only the same-month check failed
        texts.append(t("verdict_within_month", lang, **s2c))
    elif code == "both_directions":
        texts.append(t("verdict_both_directions", lang, **s2c))
    else:
        texts.append(t("verdict_no_link", lang, **s2c))
    if ev.get("forward_fewer"):
        texts.append(t("forward_fewer", lang, **s2c))
    if ev.get("spillover_found") and spill:
        texts.append(t("spillover_found", lang, **spill))
    if ev.get("common_cause_likely"):  # each failed check by name; rows published without the list: the generic one
        checks = [c for c in ev.get("failed_checks") or () if i18n.has(f"check_{c}")]
        texts += [t(f"check_{c}", lang) for c in checks] if checks else [t("common_cause", lang)]
    if ev.get("classifier_adjusted"):
        texts.append(t("classifier_adjusted", lang))
        strata = f"strata_{ev.get('rates_weighted_by')}"
        if ev.get("rates_reweighted") and i18n.has(strata):  # re-weighted to the posts' mix, and by what
            texts.append(t("rates_reweighted", lang, strata=t(strata, lang)))
        elif ev.get("rates_reweighted") is False:  # rows published before the field say neither
            texts.append(t("rates_not_reweighted", lang))
        unknown = ev.get("unknown_lang_share")
        if isinstance(unknown, int | float) and unknown >= UNKNOWN_LANG_NOTE:  # their error is not measured
            texts.append(t("rates_unknown_lang", lang, share=round(100 * unknown)))
    texts.append(t("not_causation", lang))
    cluster = t(f"cluster_{ev.get('cluster', 'cell')}", lang) if i18n.has(f"cluster_{ev.get('cluster')}") \
        else t("cluster_cell", lang)
    if area:
        kind = str(ev.get("period") or "month")
        return texts, [t("method_engine_area", lang, max_lag=int(ev.get("max_lag") or 1),
                         period=t(f"period_{kind}", lang), periods=t(f"periods_{kind}", lang))]
    methods = [t("method_engine", lang, cluster=cluster, max_lag=int(ev.get("max_lag") or 3))]
    if "negative_control_estimate" in ev and ev.get("negative_control_estimate") is None:
        methods.append(t("method_no_negative_control", lang))  # no non-hate crime: the control was not run
    return texts, methods


SERIES = (("flagged_posts", "y"), ("hate_crimes", "y2"))
GRAINS = ("month", "quarter", "year")


def _coarsen(periods: pd.Series, grain: str) -> np.ndarray:
    """Period labels of a finer grain (``2026-04``, ``2026-Q2``) as labels of ``grain``."""
    text = periods.astype(str)
    if grain == "year":
        return text.str.slice(0, 4).to_numpy(dtype=object)
    if grain == "quarter":
        return np.where(text.str.contains("-Q"), text, period_at(text, "quarter"))
    return text.to_numpy(dtype=object)


def official_series(city_id: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """An official's series: per period, the totals of each count's level (``dashboards.detail``: every count
    of the level is shown, so its sums give nothing new), all at the coarsest period of the two counts' levels;
    NA where the level has a hidden count (only when even the whole city by year has one, or where a count's
    perturbed value fell below k: ``detail.shown``, the map's counts, which the series adds up). Also the level of
    each count."""
    choices = {col: detail.shown(city_id, col, "official") for col, _ in SERIES}  # perturbed (docs/security.md)
    found = {col: c for col, c in choices.items() if c.reason != "no_data"}
    if not found:
        return pd.DataFrame(columns=["period", *choices]), {}
    grain = max((grain_of(c.level) for c in found.values()), key=GRAINS.index)
    sums = []
    for col, c in found.items():
        f = c.frame
        value = f[col].astype("Float64")
        part = pd.DataFrame({"period": _coarsen(f["period"], grain), col: value.fillna(0).to_numpy(dtype="float64"),
                             "hidden": value.isna().to_numpy()}).groupby("period").sum()
        sums.append(part[col].where(part["hidden"] == 0))
    out = pd.concat(sums, axis=1).sort_index().rename_axis("period").reset_index()
    return out, {col: c.level for col, c in found.items()}


def _area_level(ev: dict, lang: str, size: dict) -> list[str]:
    """Sentences of an area-level verdict (docs/geo.md, "Area level"): why the area level and which period, the
    comparison, the exposure, controls and what the area effects absorb, and a short panel's limits; [] for a
    cell-level verdict."""
    if ev.get("level") != "area":
        return []
    kind = str(ev.get("period") or "month")
    words = {"period": t(f"period_{kind}", lang), "periods": t(f"periods_{kind}", lang)}
    why = "level_area_counts" if ev.get("hate_source") == "counts" else "level_area_incidents"
    texts = [t(why, lang, **words), t("comparison_area", lang, **words, **size)]
    if str(ev.get("exposure", "")).startswith("population"):
        texts.append(t("area_exposure", lang, **words))
    if ev.get("controls"):
        texts.append(t("area_controls", lang, names=", ".join(map(str, ev["controls"]))))
    if ev.get("absorbed_by_area_effects"):
        texts.append(t("area_absorbed", lang, names=", ".join(map(str, ev["absorbed_by_area_effects"]))))
    if ev.get("few_periods"):
        texts.append(t("area_few_periods", lang, months=size["months"], **words))
    texts.append(t("area_next_period", lang, **words))
    return texts


def series_figure(city_id: str, lang: str, audience: str) -> go.Figure | None:
    """Hateful posts and hate crimes by period: staff the monthly city totals; an official the totals of the
    map's level (``official_series``)."""
    if audience == "staff":
        monthly = data.table("city_month", city_id)
        if monthly.empty:
            return None
        monthly = for_audience(SERIES_TABLE, monthly.sort_values("period"), audience,
                               parts=data.table("cell_month", city_id),
                               k=settings().suppress_below, min_group=settings().min_group,
                               key=detail.key_for(audience))
    else:
        monthly, _ = official_series(city_id)
        if monthly.empty:
            return None
    fig = go.Figure()
    for col, axis in SERIES:
        if col not in monthly.columns:
            continue
        y = monthly[col].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        fig.add_scatter(x=monthly["period"], y=y, name=t(col, lang), mode="lines+markers", yaxis=axis)
    fig.update_layout(xaxis={"type": "category"}, yaxis={"title": {"text": t("flagged_posts", lang)}},
                      yaxis2={"title": {"text": t("hate_crimes", lang)}, "overlaying": "y", "side": "right"},
                      margin={"l": 50, "r": 50, "t": 10, "b": 40}, height=320, legend={"orientation": "h"})
    return fig


def calendar_note(city_id: str, lang: str) -> str:
    """Which calendar the city's months and weeks are cut in: its IANA time zone (registry), or UTC when the
    registry gives none (said, so a city that forgot it can see why a late-night post counts on the next day)."""
    cities = data.table("cities", city_id)
    zone = cities["timezone"].iloc[0] if len(cities) and "timezone" in cities.columns else None
    return t("calendar_zone", lang, zone=zone) if isinstance(zone, str) and zone else t("calendar_utc", lang)


def series_notes(city_id: str, lang: str, audience: str) -> list[str]:
    """What the series shows (an official: each count's level) and, when it is blank, why."""
    from scn.settings import suppress_below

    if audience == "staff":
        return []
    series, levels = official_series(city_id)
    notes = [f"{t(col, lang)}: " + t("series_level", lang, level=t(f"level_{level}", lang))
             for col, level in levels.items()]
    if not levels:  # nothing published for the city: not "too small"
        return [*notes, t("series_no_data", lang)]
    notes += _grain_notes(city_id, levels, lang)
    values = series.drop(columns="period").to_numpy(dtype="float64", na_value=np.nan) if len(series) else None
    kind = _hidden_kind(city_id)  # why the hidden points are hidden: each reason its own sentence
    if values is None or np.isnan(values).all():
        notes.append(t("series_blank" + kind, lang, k=suppress_below()))
    elif np.isnan(values).any():
        notes.append(t("series_some_hidden" + kind, lang, k=suppress_below()))
    return notes


def _grain_notes(city_id: str, levels: dict[str, str], lang: str) -> list[str]:
    """When an official's series is drawn by quarter or year (the coarser of its counts' levels): that it is, and
    the periods the city's data cover only in part with their months (a year of 2 months beside one of 12 is not a
    rise); [] for a monthly series."""
    grain = max((grain_of(level) for level in levels.values()), key=GRAINS.index)
    if grain == "month":
        return []
    months = data.table("city_month", city_id)
    covered = pd.Series(_coarsen(months["period"].astype(str), grain)).value_counts().sort_index() if len(months) \
        else pd.Series(dtype="int64")
    full = 12 if grain == "year" else 3
    partial = covered[covered < full]
    notes = [t("series_grain", lang, period=t(f"period_{grain}", lang))]
    if len(partial):
        notes.append(t("series_partial", lang, periods=t(f"periods_{grain}", lang), list=", ".join(
            t("series_partial_one", lang, period=p, months=int(n)) for p, n in partial.items())))
    return notes


def _hidden_kind(city_id: str, cols: tuple[str, ...] = tuple(c for c, _ in SERIES)) -> str:
    """Why an official's hidden counts of ``cols`` are hidden (``dashboards.detail.hidden_kind``)."""
    return detail.hidden_kind(*(detail.choice(city_id, col, "official") for col in cols))


def _lags(city_id: str, audience: str) -> pd.DataFrame:
    corr = _correlations(city_id, audience)
    if corr.empty:
        return corr
    corr = corr[corr["analysis"].isin(LAG_ANALYSES) & corr["estimate"].notna()]
    return corr.sort_values(["analysis", "lag"])


def lag_figure(city_id: str, lang: str, audience: str) -> go.Figure | None:
    """Rate ratios per doubling at lags 1..k, both ways (bars: 95% CI; 1 = no change)."""
    xc = _lags(city_id, audience)
    if xc.empty:
        return None
    fig = go.Figure()
    for analysis, colour in zip(LAG_ANALYSES, ("#1f4e78", "#b85c00"), strict=True):
        rows = xc[xc["analysis"] == analysis]
        if rows.empty:
            continue
        fig.add_bar(x=rows["lag"], y=rows["estimate"] - 1, base=1, name=t(f"lag_{analysis}", lang),
                    marker_color=colour, error_y={"type": "data", "symmetric": False,
                                                  "array": rows["ci_high"] - rows["estimate"],
                                                  "arrayminus": rows["estimate"] - rows["ci_low"]})
    fig.add_hline(y=1, line={"color": "#888", "dash": "dot"})
    fig.update_layout(xaxis={"title": {"text": t("lag_axis", lang)}, "dtick": 1},
                      yaxis={"title": {"text": t("lag_yaxis", lang)}}, barmode="group",
                      margin={"l": 50, "r": 20, "t": 10, "b": 40}, height=260, legend={"orientation": "h"})
    return fig


def lag_notes(city_id: str, lang: str, audience: str) -> list[str]:
    """What the lag chart compares (longer lags are shown, the verdict rests on lag 1)."""
    return [t("lag_note", lang)] if not _lags(city_id, audience).empty else []


def survey_figure(city_id: str, audience: str, lang: str = "en") -> go.Figure | None:
    """Survey indices (0-100) of all respondents by wave, constructs and waves in ``lang``."""
    si = for_audience("survey_indices", data.table("survey_indices", city_id), audience,
                      k=settings().suppress_below, min_group=settings().min_group,
                      key=detail.key_for(audience))
    if si.empty:
        return None
    si = si[(si["group_type"] == "all") & ~si["suppressed"].fillna(False).astype(bool)]
    if si.empty:
        return None
    fig = go.Figure()
    for wave, rows in si.groupby("wave", sort=False):
        fig.add_scatter(x=plotly_texts(i18n.codes("construct", rows["construct"], lang)), y=rows["mean"],
                        name=plotly_text(i18n.code("wave", wave, lang)),  # a partner's codebook and waves
                        mode="markers", marker={"size": 10}, error_y={
                            "type": "data", "symmetric": False, "array": rows["ci_high"] - rows["mean"],
                            "arrayminus": rows["mean"] - rows["ci_low"]})
    fig.update_layout(yaxis={"range": [0, 100], "title": {"text": t("survey_axis", lang)},
                             "side": "right" if lang in i18n.RTL else "left"},
                      xaxis={"autorange": "reversed" if lang in i18n.RTL else True},
                      margin={"l": 50, "r": 50, "t": 10, "b": 60}, height=300, legend={"orientation": "h"})
    return fig


def prepost_table(city_id: str, audience: str, lang: str = "en") -> pd.DataFrame:
    """Change from baseline to endline per survey index (the construct in ``lang``; ``programme_id`` and the
    ``suppressed`` flag kept as data for the page's ``data_only``)."""
    prepost = for_audience("survey_prepost", data.table("survey_prepost", city_id), audience,
                           parts=data.table("survey_indices", city_id) if audience != "staff" else None,
                           k=settings().suppress_below, min_group=settings().min_group,
                           key=detail.key_for(audience))
    if "construct" in prepost.columns:
        prepost = prepost.assign(construct=i18n.codes("construct", prepost["construct"], lang))
    if "change_supported" in prepost.columns:  # in words: the table would show True / False
        said = prepost["change_supported"].astype("boolean")
        prepost = prepost.assign(change_supported=said.map({True: t("yes", lang), False: t("no", lang)}).astype(object)
                                 .where(said.notna(), None))
    return prepost.drop(columns=["city_id"], errors="ignore")


def programmes_table(city_id: str, audience: str, lang: str = "en") -> pd.DataFrame:
    """Activities held and people per programme line and year (``programme_years``: each activity once, whatever
    the roles of its participants), and the activities planned (not held yet) in their own column when a snapshot
    has them, shaped for the audience; ``programme`` is the line in ``lang`` (the code stays in
    ``programme_line``)."""
    py = for_audience("programme_years", data.table("programme_years", city_id), audience,
                      parts=data.table("programme_metrics", city_id) if audience != "staff" else None,
                      k=settings().suppress_below, min_group=settings().min_group,
                      key=detail.key_for(audience))
    if py.empty:
        return py
    counts = ["activities", "people"] + (["planned_activities"] if "planned_activities" in py.columns else [])
    out = py[["programme_line", "year", *counts]]
    out = out.assign(programme=i18n.codes("line", out["programme_line"], lang))
    return out[["programme", "programme_line", "year", *counts]].sort_values(
        ["year", "programme_line"], ascending=[False, True])


def alerts_table(city_id: str, lang: str, audience: str) -> pd.DataFrame:
    """Alerts with their type and evidence in ``lang``."""
    alerts = shaped_alerts(city_id, audience)  # the inbox's shaping: one rule for both
    if alerts.empty:
        return alerts
    alerts = alerts.assign(
        alert_type=[i18n.alert_type(a, lang) for a in alerts.get("alert_type", pd.Series(index=alerts.index))],
        evidence=[i18n.evidence(e, lang, k=settings().suppress_below) for e in alerts.get("evidence", pd.Series(index=alerts.index))])
    return alerts[[c for c in ("alert_type", "area_code", "period", "score", "evidence") if c in alerts.columns]]


def risk_table(city_id: str, lang: str, audience: str, top: int = 10) -> pd.DataFrame:
    """The ``top`` areas of the risk ranking, with their names and reasons in ``lang``."""
    risk = for_audience("risk", data.table("risk", city_id), audience,
                        k=settings().suppress_below, min_group=settings().min_group,
                        key=detail.key_for(audience))
    if risk.empty:
        return risk
    areas = for_audience("areas", data.table("areas", city_id), audience,
                         k=settings().suppress_below, min_group=settings().min_group,
                         key=detail.key_for(audience))
    if len(areas) and "area_name" in areas.columns:
        names = areas.reindex(columns=["area_code", "area_name", "area_name_local"])
        names = names.assign(area_name=[i18n.place(n, loc, lang) for n, loc in  # one row per area, not per post
                                        zip(names["area_name"], names["area_name_local"], strict=True)])
        risk = risk.merge(names[["area_code", "area_name"]], on="area_code", how="left")
    risk = risk.sort_values("rank").head(top)
    if "reasons" in risk.columns:
        missing = pd.Series(np.nan, index=risk.index)
        risk = risk.assign(reasons=[
            i18n.reasons(raw, s, c, r, lang, k=settings().suppress_below) for raw, s, c, r in zip(
                risk["reasons"], risk.get("speech_recent", missing), risk.get("crime_recent", missing),
                risk.get("resilience", missing), strict=True)])
    risk = risk.assign(band=i18n.risk_bands(i18n.risk_band_codes(risk), lang))
    shown = ("rank", "area_code", "area_name", "band", "score", "reasons") if audience == "staff" \
        else ("rank", "area_code", "area_name", "band", "reasons")  # an official: the band, not the probability
    return risk[[c for c in shown if c in risk.columns]]


def _score_text(code: str, row: pd.Series, lang: str) -> str:
    """One language x platform of ``shown_accuracy``: "English (X) 0.35 (95% CI 0.32–0.39, n = 891; baseline 0.27: the
    model beats it ...)"; too few held-out posts or no interval: why no figure; unmeasured: "Swahili (Telegram)
    not measured"."""
    if row["status"] in ("too_few", "no_interval"):
        why = "accuracy_too_few" if row["status"] == "too_few" else "accuracy_no_interval"
        return f"{code} {t(why, lang, n=int(row['n']), k=MIN_HELD_OUT)}"
    if row["status"] != "measured" or pd.isna(row["macro_f1"]):
        return f"{code} {t('not_measured', lang)}"
    ci = f"{row['ci_low']:.2f}–{row['ci_high']:.2f}"  # measured: never without its interval (shown_accuracy)
    base = row["baseline_macro_f1"]
    baseline = (t("vs_baseline_not_tested", lang) if pd.isna(base) else
                t("accuracy_baseline", lang, base=f"{base:.2f}", verdict=t(f"vs_baseline_{row['vs_baseline']}", lang)))
    return t("accuracy_score", lang, code=code, f1=f"{row['macro_f1']:.2f}", ci=ci,
             n=int(row["n"]) if pd.notna(row["n"]) else "?", baseline=baseline)


def classifier_line(city_id: str, lang: str, audience: str) -> str | None:
    """Accuracy per language and platform of the city's posts: the held-out figure measured on data of that
    language and platform (the weakest source when several match) with its 95% interval, n and whether it beats
    the in-source baseline, withheld below ``MIN_HELD_OUT`` posts, else "not measured" (shown_accuracy); that the
    figures shown from the model card's sets were measured on keyword-selected posts (as the health page says);
    then the share of the city's posts a measured figure covers."""
    ev = for_audience("classifier_eval", data.table("classifier_eval"), audience,
                      k=settings().suppress_below, min_group=settings().min_group,
                      key=detail.key_for(audience))
    cov = for_audience("classifier_coverage", data.table("classifier_coverage", city_id), audience,
                       k=settings().suppress_below, min_group=settings().min_group,
                       key=detail.key_for(audience))
    shown = shown_accuracy(ev, cov)
    if shown.empty:
        return None
    scores = ", ".join(_score_text(f"{i18n.language(row['lang'], lang)} ({i18n.platform(row['platform'], lang)})",
                                   row, lang) for _, row in shown.iterrows())
    line = t("classifier_line", lang, scores=scores)
    used = shown.loc[shown["status"].eq("measured"), ["lang", "dataset"]].dropna()
    note = keyword_selected(ev.merge(used, on=["lang", "dataset"]), lang) if len(used) else None
    line += f" {note}" if note else ""
    total = float(cov["posts"].sum()) if len(cov) else 0.0
    share = measured_share(shown)
    parts = [("measured_share", share * total)] if share is not None else []
    if total > 0:
        parts.append(("not_assessed", float(cov["not_assessed"].sum())))
        if "lexicon" in cov.columns and cov["lexicon"].sum() > 0:
            parts.append(("lexicon_share", float(cov["lexicon"].sum())))
    said = _said_shares(parts, total, audience)
    for key, part in parts:
        if key in said:
            line += " " + t(key, lang, share=share if key == "measured_share" else part / total)
    return line


def _said_shares(parts: list[tuple[str, float]], total: float, audience: str) -> set[str]:
    """The shares of the city's posts (``parts``: key, posts) an audience may read: staff all; others those each
    ``_share_shown`` and, as the parts are disjoint (measured, not assessed, labelled by the lexicon), no set of
    them leaving 1..k-1 posts of the total (57% measured and 40% not assessed of 100 posts: 3 more, whose share
    was not said), the smallest share dropped until none does."""
    from itertools import combinations

    if audience == "staff":
        return {key for key, _ in parts}
    k = settings().suppress_below
    said = [(key, round(part)) for key, part in parts if _share_shown(part, total, audience)]

    def leaves_few(said: list[tuple[str, int]]) -> bool:
        return any(1 <= round(total) - sum(p for _, p in some) <= k - 1
                   for r in range(1, len(said) + 1) for some in combinations(said, r))

    while said and leaves_few(said):
        said.remove(min(said, key=lambda item: item[1]))
    return {key for key, _ in said}


def _share_shown(part: float, total: float, audience: str) -> bool:
    """Whether a share of the city's posts may be said: to staff always; to others only when the posts it counts
    and the rest are each none or at least ``suppress_below()`` (the city's post totals are published, so a share
    of them is a count: 3% of 100 posts is 3)."""
    from scn.settings import suppress_below

    k = suppress_below()
    rest = total - round(part)
    return audience == "staff" or all(n == 0 or n >= k for n in (round(part), rest))


def _city_totals(city_id: str, audience: str) -> tuple[float | str | None, float | None]:
    """Flagged posts of the city over its published months (an official: the sum of the counts already shown at
    the official's level, None when one is hidden; ``NO_DATA`` when nothing is published) and the city's
    population (None when unknown)."""
    if audience == "staff":
        monthly = data.table("city_month", city_id)
        flagged = float(monthly["flagged_posts"].sum()) if "flagged_posts" in monthly.columns and len(monthly) \
            else NO_DATA  # no row at all: "no data yet", never "fewer than k"
    else:
        series, _ = official_series(city_id)
        values = series["flagged_posts"].astype("Float64") if "flagged_posts" in series.columns else None
        if values is None or values.empty:
            flagged = NO_DATA
        elif not values.isna().any():
            flagged = float(values.sum())
        else:  # "fewer than k" only when that is what the one hidden count is; else hidden for what it gives back
            flagged = None if len(values) == 1 and _hidden_kind(city_id, ("flagged_posts",)) == "" \
                else HIDDEN_BENEATH
    cities = data.table("cities", city_id)
    pop = pd.to_numeric(cities.get("population"), errors="coerce") if len(cities) else None
    population = float(pop.iloc[0]) if pop is not None and len(pop) and pop.iloc[0] > 0 else None
    return flagged, population


def _city_adjusted(adj: pd.DataFrame) -> pd.DataFrame | None:
    """The city's adjusted total as one row (posts, flagged_posts, adjusted_flagged_posts, adjusted_low,
    adjusted_high) when every row of ``adjusted_counts`` was corrected with the city's own reviewed rates, else
    None. The figure is the city adjusted as a total (``city_*`` columns, scn.review.prevalence.adjusted_counts);
    a table computed before those columns existed falls back to the rows' sums (a wide interval)."""
    source = adj["city_rates_source"] if "city_rates_source" in adj.columns \
        and adj["city_rates_source"].notna().all() else adj["rates_source"]
    if not len(adj) or not (source.astype("string") == "review").all():
        return None  # rates unusable (none), another source or a mix: nothing shown as corrected by review
    num = lambda c: pd.to_numeric(adj[c], errors="coerce")  # noqa: E731
    total = pd.DataFrame({"posts": [num("posts").sum(min_count=1)],
                          "flagged_posts": [num("flagged_posts").sum(min_count=1)]})
    whole = [f"city_{c}" for c in ("adjusted_flagged_posts", "adjusted_low", "adjusted_high")]
    if set(whole) <= set(adj.columns) and adj[whole].notna().all().all():
        for c in whole:
            total[c.removeprefix("city_")] = float(num(c).iloc[0])  # the same on every row of the city
    else:
        for c in ("adjusted_flagged_posts", "adjusted_low", "adjusted_high"):
            total[c] = num(c).sum(min_count=1)
    return total


def _uncorrected_posts(city_id: str, adj: pd.DataFrame, lang: str, audience: str) -> str:
    """"Of its N posts, U could not be corrected ..." (a sentence and a space) when some of the city's posts had
    no usable error rates measured on posts of their language and platform (``adjusted_counts``:
    ``city_corrected_posts``, ``city_uncorrected_posts``, shaped by ``for_audience``); "" otherwise or hidden."""
    cols = ["city_corrected_posts", "city_uncorrected_posts"]
    if not set(cols) <= set(adj.columns):
        return ""  # a table published before the columns existed
    city = for_audience("adjusted_counts", adj[cols].head(1).assign(city_id=city_id), audience,
                        k=settings().suppress_below, min_group=settings().min_group,
                        key=detail.key_for(audience))
    corrected, uncorrected = (pd.to_numeric(city[c], errors="coerce").iloc[0] for c in cols)
    if pd.isna(corrected) or pd.isna(uncorrected) or uncorrected <= 0:
        return ""
    return t("prev_uncorrected_posts", lang, uncorrected=i18n.count(float(uncorrected), lang, k=settings().suppress_below),
             posts=i18n.count(float(corrected + uncorrected), lang, k=settings().suppress_below)) + " "


def prevalence_line(city_id: str, lang: str, audience: str) -> str:
    """Flagged posts of the city, per 10,000 residents, and beside them the share of posts that are hateful once
    the classifier's errors measured on this city's reviewed posts are corrected (``adjusted_counts``: the city
    adjusted as a total, 95% interval), with the number of reviewed posts (``classifier_rates``). Without rates
    measured on the city's own reviewed posts: a sentence saying so, no figure; with such rates that the adjusted
    counts did not use (too few hateful or other reviewed posts: ``rates_source`` none, or another source): a
    sentence saying they could not be corrected, no figure, after how many of the city's posts had no usable rates
    measured on posts of their language and platform (``_uncorrected_posts``). Everything is shaped by
    ``for_audience`` (a hidden count reads "fewer than k")."""
    from scn.review.prevalence import MIN_CLASS
    from scn.settings import suppress_below

    monthly = data.table("city_month", city_id)
    if len(monthly) and "posts" in monthly.columns and monthly["posts"].isna().all():
        return f"{t('prev_no_social', lang)}."  # never sent posts: null in the marts, not 0 flagged posts
    flagged, population = _city_totals(city_id, audience)
    head = t("prev_flagged", lang, n=i18n.count(flagged, lang, k=settings().suppress_below))  # the count, then its rate
    if isinstance(flagged, float) and population:
        head += t("map_rate", lang, rate=flagged / population * 10_000)
    rates = data.table("classifier_rates", city_id)
    review = rates[rates["rates_source"] == "review"] if "rates_source" in rates.columns else rates.iloc[0:0]
    adj = data.table("adjusted_counts", city_id)
    if review.empty or adj.empty or "rates_source" not in adj.columns:
        return f"{head}. {t('prev_not_measured', lang)}"
    total = _city_adjusted(adj)
    if total is None:  # the rows were not corrected with the reviewed rates: no corrected figure, no interval
        said = _uncorrected_posts(city_id, adj, lang, audience)
        return f"{head}. {said}{t('prev_not_corrected', lang, k=MIN_CLASS)}"
    total = for_audience("adjusted_counts", total.assign(city_id=city_id), audience,
                         k=settings().suppress_below, min_group=settings().min_group,
                         key=detail.key_for(audience))
    n = for_audience("classifier_rates", review[["city_id", "n"]].groupby("city_id", as_index=False).sum(),
                     audience, k=settings().suppress_below, min_group=settings().min_group,
                     key=detail.key_for(audience))["n"].iloc[0]
    posts, point, low, high = (total[c].iloc[0] for c in ("posts", "adjusted_flagged_posts", "adjusted_low",
                                                           "adjusted_high"))
    if pd.isna(point) or pd.isna(posts) or not posts:
        return f"{head}. {t('prev_hidden', lang, k=suppress_below())}"
    if pd.isna(low) or pd.isna(high):  # no interval (no valid draw): not shown as a corrected figure
        return f"{head}. {t('prev_not_corrected', lang, k=MIN_CLASS)}"
    if high <= 0:  # every draw corrected to 0 or below: "0% to 0%" would claim an exact 0 the data cannot give
        return f"{head} {t('prev_adjusted_floor', lang, n=i18n.count(n, lang, k=settings().suppress_below))}"
    key = "prev_adjusted_staff" if audience == "staff" else "prev_adjusted"
    shares = {name: i18n.percent(value / posts, lang) for name, value in (("share", point), ("low", low),
                                                                          ("high", high))}
    line = f"{head} {t(key, lang, **shares, n=i18n.count(n, lang, k=settings().suppress_below), adjusted=f'{point:.0f}')}"
    return line + _per_platform(city_id, review, lang, audience)


def _per_platform(city_id: str, review: pd.DataFrame, lang: str, audience: str) -> str:
    """" Each platform's posts are corrected with the errors measured on its own reviewed posts (X: 255 reviewed,
    Telegram: 45 reviewed) ..." (a space and a sentence) when the city's reviewed rates are per platform
    (``classifier_rates``: one ``review`` row per platform, scn.review.published.stratum_rates), the reviewed
    posts of each shaped by ``for_audience`` as parts of the city's reviewed total shown before them
    (``review_platforms``: one platform's hidden count never follows from the total less the others); "" when they
    are one row for all (``*``: posts of no known platform)."""
    per = review[review["platform"].astype("string").ne("*")] if "platform" in review.columns else review.iloc[0:0]
    if len(per) == 0 or per["platform"].nunique() < 2:
        return ""
    sums = per.groupby("platform", as_index=False)["n"].sum().assign(city_id=city_id)
    shown = for_audience("review_platforms", sums, audience,
                         k=settings().suppress_below, min_group=settings().min_group,
                         key=detail.key_for(audience)).sort_values("platform")
    parts = t("list_sep", lang).join(t("prev_platform_n", lang, platform=i18n.platform(p, lang), n=i18n.count(v, lang, k=settings().suppress_below))
                                     for p, v in zip(shown["platform"], shown["n"], strict=True))
    return " " + t("prev_per_platform", lang, parts=parts)
