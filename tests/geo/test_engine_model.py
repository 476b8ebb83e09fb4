"""The engine's parts: FE Poisson equals Poisson with place dummies, verdict rules, classifier error propagation,
honest secondary statistics, and the ``scn analyse`` contract (JSON lines, exit 2 naming file, row and field)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from geo.fe_model import fe_poisson
from geo.misclass import adjust_panel, adjusted_counts
from geo.secondary import prewhitened_xcorr
from geo.verdict import verdict
from scn.analysis.engine import analyse
from tests.support.geo_worlds import engine_world
from tests.support.verdict_rows import FACTS
from tests.support.verdict_rows import rows as _rows


def test_fe_poisson_equals_poisson_with_place_dummies_and_clustered_se() -> None:
    rng = np.random.default_rng(3)
    cells, periods = np.repeat(np.arange(40), 10), np.tile(np.arange(10), 40)
    alpha = rng.normal(0, 1, 40)
    x = pd.DataFrame({"x": rng.normal(size=400) + 0.5 * alpha[cells], "z": rng.normal(size=400)})
    y = rng.poisson(np.exp(0.3 * x["x"] - 0.2 * x["z"] + alpha[cells] + 0.05 * periods))
    y[cells < 2] = 0  # places that never see the outcome drop out
    fit = fe_poisson(y, x, cells, periods, vcov_type="cr1")
    keep = (pd.Series(y).groupby(cells).transform("sum") > 0).to_numpy()
    places = len(np.unique(cells[keep]))
    dummies = pd.concat([x[keep].reset_index(drop=True), pd.get_dummies(cells[keep], prefix="c", drop_first=True, dtype=float),
                         pd.get_dummies(periods[keep], prefix="p", drop_first=True, dtype=float)], axis=1)
    ref = sm.GLM(y[keep], sm.add_constant(dummies), family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": cells[keep], "use_correction": False})
    assert fit.converged and fit.n == 10 * places and fit.places == places <= 38
    assert np.allclose(fit.coef, ref.params[["x", "z"]], atol=1e-7)
    assert np.allclose(np.sqrt(np.diag(fit.vcov)), ref.bse[["x", "z"]] * np.sqrt(places / (places - 1)), rtol=1e-5)
    term = fit.term("x")
    assert term["ci_low"] < np.exp(0.3) < term["ci_high"] and term["p_value"] < 1e-6
    jack = fe_poisson(y, x, cells, periods, vcov_type="cr3")  # the cluster jackknife: same estimate, wider
    assert np.allclose(jack.coef, fit.coef) and 1.0 < jack.vcov[0, 0] / fit.vcov[0, 0] < 2.0
    spatial = fit.term("x", spatial=True)  # the larger of one-way and two-way (cell + period), t on 9 df
    assert spatial["ci_high"] - spatial["ci_low"] > term["ci_high"] - term["ci_low"] and fit.periods == 10


def test_verdict_rules_never_call_speech_leading_when_a_check_fails() -> None:
    assert verdict(_rows(1.2, 1e-4), FACTS)[0] == "speech_leads"
    assert verdict(_rows(1.2, 1e-4, rev_p=1e-3), FACTS)[0] == "both_directions"
    code, ev = verdict(_rows(1.2, 1e-4, placebo=(1.15, 1e-3)), FACTS)
    assert code == "both_directions" and ev["placebo_failed"] and ev["common_cause_likely"]
    assert verdict(_rows(1.2, 1e-4, control=(1.15, 1e-3)), FACTS)[0] == "both_directions"
    assert verdict(_rows(1.2, 1e-4, placebo=(0.98, 0.03)), FACTS)[0] == "speech_leads"  # tiny opposite lead
    assert verdict(_rows(1.0, 0.6, rev_p=1e-5), FACTS)[0] == "crime_leads"
    # other crimes followed by more hateful posts as well (footfall moving crime and posting): neither direction
    code, ev = verdict(_rows(1.0, 0.6, rev_p=1e-5, rcontrol=(1.08, 1e-3)), FACTS)
    assert code == "both_directions" and ev["reverse_negative_control_failed"] and ev["common_cause_likely"]
    code, ev = verdict(_rows(1.2, 1e-4, rcontrol=(1.15, 1e-3)), FACTS)
    assert code == "both_directions" and ev["negative_control_failed"]
    code, ev = verdict(_rows(1.0, 0.6, rev_p=1e-5, control=(1.08, 1e-3)), FACTS)
    assert code == "both_directions" and ev["reverse_negative_control_failed"]
    assert verdict(_rows(1.2, 1e-4, rcontrol=(0.97, 0.04)), FACTS)[0] == "speech_leads"  # tiny, opposite
    rows = [r for r in _rows(1.0, 0.6, rev_p=1e-5) if r["analysis"] != "reverse_negative_control"]
    assert verdict(rows, FACTS)[0] == "crime_leads"  # tables of earlier versions hold no such row
    assert verdict(_rows(1.05, 0.2), FACTS)[0] == "no_link"
    assert verdict(_rows(1.05, 0.04), FACTS)[0] == "speech_leads"  # directional: more posts, more crimes
    code, ev = verdict(_rows(0.85, 1e-3), FACTS)  # a significant decrease supports no direction
    assert code == "no_link" and ev["forward_fewer"] and not ev["common_cause_likely"]
    code, ev = verdict(_rows(1.0, 0.6, rev=0.8, rev_p=1e-3), FACTS)  # fewer posts after more crimes: not crime_leads
    assert code == "no_link" and ev["reverse_fewer"]
    for spill in ((0.85, 1e-3), (1.2, 1e-3)):  # the neighbours' speech is reported beside the verdict, never it
        code, ev = verdict(_rows(1.0, 0.6, spill=spill), FACTS)
        assert code == "no_link" and ev["spillover_found"] == (spill[0] > 1)
    code, ev = verdict(_rows(1.2, 1e-4), {**FACTS, "hate_crimes": 8})
    assert code == "insufficient_data" and ev["note"] == "too_few_hate_crimes"


def test_the_same_month_check_fails_a_direction_only_raw_and_detrended_alike() -> None:
    """this month's posts predicting this month's hate crimes (given last month's), raw and detrended at p < 0.01 the
    forward's way: a common cause recorded partly late (geo.verdict); a drift (raw only), a p of 0.03 or an
    association the other way does not fail it, nor does a table without the rows."""
    def with_same(raw: tuple[float, float], det: tuple[float, float]) -> list[dict]:
        return [*_rows(1.2, 1e-4), {"analysis": "same_month", "lag": 0, "estimate": raw[0], "p_value": raw[1]},
                {"analysis": "same_month_detrended", "lag": 0, "estimate": det[0], "p_value": det[1]}]
    code, ev = verdict(with_same((1.25, 1e-8), (1.24, 1e-8)), FACTS)
    assert code == "both_directions" and ev["same_month_failed"] and ev["common_cause_likely"]
    for raw, det in (((1.10, 1e-4), (1.01, 0.8)), ((1.1, 0.03), (1.1, 0.03)), ((0.8, 1e-6), (0.8, 1e-6))):
        code, ev = verdict(with_same(raw, det), FACTS)
        assert code == "speech_leads" and not ev["same_month_failed"], (raw, det)
    assert not verdict(_rows(1.2, 1e-4), FACTS)[1]["same_month_failed"]


def test_classifier_error_adjusts_counts_and_widens_intervals() -> None:
    flagged, posts = np.array([0, 5, 20, 50]), np.array([100, 100, 100, 100])
    assert adjusted_counts(flagged, posts, 0.8, 0.05).tolist() == [0, 0, 20, 60]  # (f - 5) / 0.75, clipped
    assert adjusted_counts(flagged, posts, 0.5, 0.5).tolist() == flagged.tolist()  # uninformative: kept
    frame = pd.DataFrame({"lang": ["en", "fr", "xx"], "posts": [100, 100, 100], "flagged_posts": [20, 20, 20]})
    rates = pd.DataFrame({"lang": ["en", "fr"], "tpr": [0.8, 0.6], "fpr": [0.05, 0.1]})
    assert adjust_panel(frame, rates)["flagged_posts"].tolist() == [20, 20, 20]  # en 15/.75, fr 10/.5, xx kept
    base = engine_world("clean_effect", 4, rings=5)
    exact = analyse(base).set_index(["analysis", "lag"]).loc[("speech_to_crime", 1)]
    noisy_rates = pd.DataFrame({"lang": ["*"], "tpr": [0.8], "fpr": [0.01], "tpr_low": [0.6], "tpr_high": [0.95],
                                "fpr_low": [0.0], "fpr_high": [0.03]})
    noisy = analyse(base, rates=noisy_rates).set_index(["analysis", "lag"]).loc[("speech_to_crime", 1)]
    assert noisy["ci_high"] - noisy["ci_low"] > exact["ci_high"] - exact["ci_low"]


def test_prewhitened_xcorr_is_quiet_on_independent_random_walks() -> None:
    rng = np.random.default_rng(0)
    raw, white = 0, 0
    for _ in range(40):
        a, b = np.exp(np.cumsum(rng.normal(0, 0.3, 24)) + 2), np.exp(np.cumsum(rng.normal(0, 0.3, 24)) + 2)
        raw += int(abs(np.corrcoef(np.log1p(a), np.log1p(b))[0, 1]) > 0.5)
        white += int(prewhitened_xcorr(a, b, 0)[0]["p_value"] < 0.05)
    assert raw >= 10 and white <= 5  # smooth series "correlate"; prewhitened they rarely do


def test_scn_analyse_prints_json_lines_and_a_verdict_per_city(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from scn.cli import main

    panel = pd.concat([engine_world("clean_effect", 1, rings=5, city_id="a"),
                       engine_world("clean_null", 2, rings=5, city_id="b").drop(columns="population")])
    panel.to_parquet(tmp_path / "p.parquet")
    areas = pd.DataFrame({"cell": panel["cell"].unique(), "area_code": "A1"})
    areas.to_csv(tmp_path / "areas.csv", index=False)
    assert main(["analyse", str(tmp_path / "p.parquet"), "--areas", str(tmp_path / "areas.csv"), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    verdicts = [r for r in lines if r["analysis"] == "verdict"]
    assert [v["city_id"] for v in verdicts] == ["a", "b"]
    assert all(set(v) == {"city_id", "analysis", "verdict", "evidence"} for v in verdicts)
    assert {v["verdict"] for v in verdicts} <= {"speech_leads", "crime_leads", "both_directions", "no_link",
                                                  "insufficient_data"}
    rows = [r for r in lines if r["analysis"] != "verdict"]
    assert all(list(r) == ["city_id", "analysis", "lag", "estimate", "ci_low", "ci_high", "p_value", "n", "unit"]
               for r in rows)
    main_row = next(r for r in rows if r["city_id"] == "a" and r["analysis"] == "speech_to_crime" and r["lag"] == 1)
    assert main_row["unit"] == "rate_ratio_per_doubling_flagged_posts" and main_row["n"] > 0
    assert main_row["ci_low"] <= main_row["estimate"] <= main_row["ci_high"]
    assert {"spillover", "crime_to_speech", "placebo_lead", "negative_control", "reverse_negative_control",
            "xcorr_prewhitened", "rank_within"} <= {r["analysis"] for r in rows}


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d.drop(columns="hate_crimes"), "row 0 (header), field hate_crimes"),
    (lambda d: d.assign(period=d["period"].where(d.index != 2, "2024/03")), "row 3, field period"),
    (lambda d: d.assign(posts=d["posts"].where(d.index != 4, -1)), "row 5, field posts"),
    (lambda d: d.assign(flagged_posts=d["flagged_posts"].where(d.index != 0, 10 ** 6)), "row 1, field flagged_posts"),
    (lambda d: d.assign(crimes=d["crimes"].astype(str).where(d.index != 3, "1e3")), "row 4, field crimes"),
    (lambda d: d.assign(posts=d["posts"].astype(str).where(d.index != 1, "12.0")), "row 2, field posts"),
    (lambda d: d.assign(crimes=d["crimes"].astype(object).where(d.index != 2, "")), "row 3, field crimes"),
    (lambda d: d.iloc[:0], "row 1: no data rows"),  # a header alone exited 0 with no output
])
def test_scn_analyse_bad_input_exits_2_naming_file_row_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                  edit: object, expected: str) -> None:
    from scn.cli import main

    path = tmp_path / "bad.csv"
    edit(engine_world("clean_null", 1, rings=1, months=3)).to_csv(path, index=False)
    assert main(["analyse", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and expected in err, err


def test_only_a_citys_own_measured_rates_adjust_its_counts_and_widen_its_intervals() -> None:
    from scn.analysis.engine import measured_rates

    rates = pd.DataFrame({
        "city_id": ["a", "a", "b"], "lang": ["en", "fr", "en"], "rates_source": ["review", "review", "model_card"],
        "true_positives": [30, 10, 80], "positives": [40, 20, 100], "false_positives": [8, 2, 5],
        "negatives": [160, 40, 900]})
    table = measured_rates(rates)
    assert list(table["city_id"]) == ["a"]  # a model card's rates (research data) adjust nobody
    row = table.iloc[0]
    assert row["tpr"] == pytest.approx(40 / 60) and row["fpr"] == pytest.approx(10 / 200) and row["n"] == 260
    assert row["tpr_low"] < row["tpr"] < row["tpr_high"] and row["fpr_low"] < row["fpr"] < row["fpr_high"]
    panel = pd.concat([engine_world("clean_effect", 7, rings=4, city_id="a"),
                       engine_world("clean_effect", 7, rings=4, city_id="b")], ignore_index=True)
    plain, adjusted = analyse(panel), analyse(panel, rates=table)
    ev = {c: json.loads(adjusted[(adjusted["city_id"] == c) & (adjusted["analysis"] == "verdict")]["detail"].iloc[0])
          for c in ("a", "b")}
    assert ev["a"]["classifier_adjusted"] and not ev["b"]["classifier_adjusted"]

    def width(t: pd.DataFrame, city: str) -> float:
        r = t[(t["city_id"] == city) & (t["analysis"] == "speech_to_crime") & (t["lag"] == 1)].iloc[0]
        return float(np.log(r["ci_high"]) - np.log(r["ci_low"]))

    assert width(adjusted, "a") > width(plain, "a") and width(adjusted, "b") == pytest.approx(width(plain, "b"))


def test_scn_analyse_reads_a_source_a_city_never_sent_as_such(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """An exported ``cell_month`` holds null for a source a city never sent (docs/your-data.md): ``scn analyse``
    refused the whole panel ("not a count"); now such a city's verdict says the source is missing, and a city
    with both is analysed as before. One empty value among a city's counts is still refused (above)."""
    from scn.cli import main

    both = engine_world("clean_null", 1, rings=2, months=12, city_id="both")
    posts_only = engine_world("clean_null", 2, rings=2, months=12, city_id="postsonly").astype(
        {"crimes": object, "hate_crimes": object}).assign(crimes="", hate_crimes="")
    path = tmp_path / "panel.csv"
    pd.concat([both, posts_only], ignore_index=True).to_csv(path, index=False)
    assert main(["analyse", str(path), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    verdicts = {r["city_id"]: r for r in lines if r["analysis"] == "verdict"}
    assert verdicts["postsonly"]["verdict"] == "insufficient_data"
    assert verdicts["postsonly"]["evidence"]["note"] == "no_crime_data"
    assert verdicts["both"]["verdict"] != "insufficient_data"
