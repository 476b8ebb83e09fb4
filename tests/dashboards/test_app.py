"""In-process checks (Flask test client, no browser): users, the local staff session, pages on a snapshot that
lacks most tables, and the benchmark entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboards.app import create_app
from tests.support.dash_client import find_props, route
from tests.support.snapshots import make_tables, publish_snapshot, publish_tables


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    return tmp_path


def test_users_are_stored_hashed(home: Path) -> None:
    from scn.access import users

    users.add_user("olive", "official", "london", "correct horse")
    raw = (home / "secrets" / "users.json").read_text()
    assert "correct horse" not in raw and json.loads(raw)["olive"]["password_hash"].startswith("scrypt:")
    assert (home / "secrets" / "users.json").stat().st_mode & 0o077 == 0
    assert users.verify("olive", "correct horse") == users.User("olive", "official", "london")
    assert users.verify("olive", "wrong") is None and users.verify("nobody", "x") is None
    assert users.get_user("olive").can_see("london") and not users.get_user("olive").can_see("saida")
    with pytest.raises(ValueError):
        users.add_user("x", "official", None, "password1")
    with pytest.raises(ValueError):
        users.add_user("x", "admin", None, "password1")


def test_local_staff_session_only_on_localhost_without_users(home: Path) -> None:
    from scn.access.users import add_user

    publish_snapshot(home, omit=["correlations"])
    client = create_app(home, local_staff=True).server.test_client()
    assert client.get("/city/saida").status_code == 200
    assert client.post("/_dash-update-component", json=route("/health")).status_code == 200
    remote = client.get("/city/saida", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert remote.status_code == 302 and "/login" in remote.headers["Location"]
    assert create_app(home).server.test_client().get("/city/saida").status_code == 302
    add_user("sam", "staff", None, "password1")
    assert client.get("/city/saida").status_code == 302


@pytest.mark.parametrize("path", ["/city/london", "/network", "/health"])
def test_pages_degrade_when_tables_are_missing(home: Path, path: str) -> None:
    publish_snapshot(home, omit=["correlations", "risk", "alerts", "survey_indices", "survey_prepost",
                                 "programme_metrics", "network_kpis", "summit_metrics", "classifier_eval",
                                 "classifier_coverage", "asset_health", "check_results", "quarantine_summary",
                                 "city_month", "areas"])
    client = create_app(home, local_staff=True).server.test_client()
    r = client.post("/_dash-update-component", json=route(path))
    assert r.status_code == 200 and "Not yet available." in r.text


def test_pages_without_any_snapshot(home: Path) -> None:
    client = create_app(home, local_staff=True).server.test_client()
    assert client.get("/city/london").status_code == 404
    r = client.post("/_dash-update-component", json=route("/network"))
    assert r.status_code == 200 and "Nothing published yet" in r.text


def test_bench_entry_point(home: Path) -> None:
    from scripts.bench_dashboards import callback_latency

    result = callback_latency(cells=400, n=4, months=6)
    assert result["cells"] == 400 and 0 < result["period"]["p50_ms"] <= result["period"]["p95_ms"]


def test_classifier_line_shows_unmeasured_models_as_such() -> None:
    import pandas as pd

    from dashboards.components.city import _score_text

    def row(status: str, f1: float | None, base: float | None, n: int | None = 300,
            verdict: str = "beats") -> pd.Series:
        return pd.Series({"status": status, "macro_f1": f1, "baseline_macro_f1": base, "n": n, "ci_low": 0.65,
                          "ci_high": 0.73, "vs_baseline": verdict})

    assert _score_text("en", row("measured", 0.6932, 0.6081), "en") == \
        "en 0.69 (95% CI 0.65–0.73, n = 300; baseline 0.61: the model beats it (paired 95% CI of the margin above 0))"
    assert _score_text("ar", row("measured", 0.5, float("nan")), "en") == \
        "ar 0.50 (95% CI 0.65–0.73, n = 300; not compared with the baseline)"
    assert _score_text("ar", row("not_measured", None, None, None), "en") == "ar not measured"
    assert _score_text("ar", row("not_measured", float("nan"), None), "fr") == "ar non mesurée"
    assert _score_text("ar", row("too_few", float("nan"), None, 12), "en") == \
        "ar too few held-out posts to show a figure (n = 12, fewer than 30)"


def test_the_survey_change_table_gives_an_index_to_one_decimal_and_the_effect_size_to_two(home: Path) -> None:
    """An index runs 0-100 and its interval is points wide: the change table showed 54.53 beside 56.352 and
    1.822 (three places, trailing zeros dropped); it gives one place for the means, changes and intervals and two
    for the effect size, and keeps the counts whole."""
    tables = make_tables(0)
    prepost = tables["survey_prepost"].assign(baseline_mean=54.53, endline_mean=56.352, diff=1.822, ci_low=-1.249,
                                              ci_high=4.893, effect_size=0.1013)
    publish_tables(home, {**tables, "survey_prepost": prepost})
    client = create_app(home, local_staff=True).server.test_client()
    city = prepost["city_id"].iloc[0]
    page = client.post("/_dash-update-component", json=route(f"/city/{city}")).get_json()
    rows = find_props(page, "prepost")["data"]
    assert rows and all((r["baseline_mean"], r["endline_mean"], r["diff"], r["ci_low"], r["ci_high"],
                         r["effect_size"], r["n_baseline"]) == (54.5, 56.4, 1.8, -1.2, 4.9, 0.1, 240) for r in rows)
