"""The data-health page shows the classifier's accuracy per language x labelled source (model beside the in-source
baseline, n, 95% CI; the model card's figures through the published ``classifier_eval``), never a pooled figure
alone, and per member city the accuracy measured on its reviewed posts (published ``review_accuracy``) or "not
measured", in English, French and Arabic (Flask test client, no browser)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboards import i18n
from dashboards.app import create_app
from scn.nlp.evaluation import evaluation_table, model_card
from scn.review.published import shown_only
from scn.settings import suppress_below
from tests.support.dash_client import find_props, route, staff_page
from tests.support.snapshots import make_tables, publish_tables


def _review() -> pd.DataFrame:
    """London measured on 40 reviewed English posts; Saida on 3 (below the threshold: not shown)."""
    base = {"positives": 10, "kappa": 0.8, "kappa_posts": 12, "sampled": 80, "labelled": 60}
    figures = {f"{m}{s}": v for m, v in (("precision", 0.6), ("recall", 0.5), ("f1", 0.55), ("macro_f1", 0.62),
                                          ("accuracy", 0.7))
               for s, v in (("", v), ("_low", v - 0.1), ("_high", v + 0.1))}
    rows = pd.DataFrame([{"city_id": "london", "lang": "en", "n": 40, **base, **figures},
                         {"city_id": "saida", "lang": "ar", "n": 3, **base, **figures}])
    return shown_only(rows, k=suppress_below())


def _page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> dict:
    return staff_page(tmp_path, monkeypatch, {"classifier_eval": evaluation_table(), "review_accuracy": _review()},
                      "/health", lang)


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_health_page_shows_per_source_figures_and_per_city_review_accuracy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    page = _page(tmp_path, monkeypatch, lang)
    assert find_props(page, "health-accuracy")["children"][0]["props"]["children"] == i18n.t("accuracy_by_source",
                                                                                              lang)
    table = find_props(page, "health-classifier")
    rows = pd.DataFrame(table["data"])
    card = pd.DataFrame(model_card()["evaluation"])
    # one row per language x source of the model card, each with its own figure beside its in-source baseline
    assert sorted(zip(rows["lang"], rows["dataset"], strict=True)) == sorted(zip(card["lang"], card["source"],
                                                                                 strict=True))
    merged = rows.merge(card, left_on=["lang", "dataset"], right_on=["lang", "source"], suffixes=("", "_card"))
    assert np.allclose(merged["macro_f1"], merged["macro_f1_card"].round(3))
    assert np.allclose(merged["baseline_macro_f1"], merged["baseline_macro_f1_card"].round(3))
    assert (merged["n"] == merged["n_card"]).all() and (merged["ci_low"] <= merged["macro_f1"]).all()
    names = [c["name"] for c in table["columns"]]  # in reading order: right to left in Arabic
    assert (names[::-1] if i18n.direction(lang) == "rtl" else names)[:2] == [i18n.column("lang", lang),
                                                                             i18n.column("dataset", lang)]
    # never a pooled figure alone: the per-language pooled macro-F1 (English: Davidson and MLMA mixed) is no row's
    pooled = round(model_card()["languages"]["en"]["macro_f1"], 3)
    assert pooled not in set(rows["macro_f1"]) and (rows.groupby("lang")["dataset"].count() >= 1).all()
    assert rows["dataset"].notna().all() and len(rows[rows["lang"] == "en"]) == 2

    cities = pd.DataFrame(find_props(page, "health-review-accuracy")["data"]).set_index("city_id")
    assert cities.loc["london", "status"] == i18n.t("review_measured", lang)
    assert cities.loc["london", "macro_f1_ci"] == "0.62 (0.52–0.72)" and cities.loc["london", "n"] == 40
    assert cities.loc["saida", "status"] == i18n.t("review_too_few", lang, k=suppress_below())
    assert cities.loc["saida", "macro_f1_ci"] == "–"  # 3 posts: no figure published
    assert cities.loc["aarhus", "status"] == i18n.t("not_measured", lang)  # a member city never reviewed


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_a_missing_interval_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """The published rows carry why an F1 has no interval (``scn.review.metrics``' notes); the page words it:
    20 reviewed posts (no F1 interval under 30), or 40 with 2 hateful ones (none under 5)."""
    from scn.review.metrics import MIN_POSITIVES, MIN_REVIEWED, accuracy_report

    rng = np.random.default_rng(3)
    few = ["hate"] * 4 + ["offensive"] * 6 + ["none"] * 10
    rare = ["hate"] * 2 + ["offensive"] * 8 + ["none"] * 30
    rows = []
    for city, truth in (("london", few), ("saida", rare)):
        predicted = np.where(rng.random(len(truth)) < 0.8, truth, "none")
        rows.append({"city_id": city, "lang": "en", **accuracy_report(truth, predicted), "kappa": 0.8, "kappa_posts": 12,
                     "sampled": 80, "labelled": 60})
    review = shown_only(pd.DataFrame(rows), k=suppress_below())
    assert list(review["f1_interval_note"]) == ["too_few_reviewed", "too_few_positives"]  # published with the row
    page = staff_page(tmp_path, monkeypatch, {"review_accuracy": review}, "/health", lang)
    cities = pd.DataFrame(find_props(page, "health-review-accuracy")["data"]).set_index("city_id")
    assert cities.loc["london", "f1_ci"].endswith(f"({i18n.t('review_no_interval_too_few_reviewed', lang, k=MIN_REVIEWED)})")
    assert cities.loc["saida", "f1_ci"].endswith(
        f"({i18n.t('review_no_interval_too_few_positives', lang, k=MIN_POSITIVES)})")
    assert str(MIN_POSITIVES) in i18n.t("review_no_interval_too_few_positives", lang, k=MIN_POSITIVES)


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_ingest_warnings_are_worded_on_the_health_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       lang: str) -> None:
    """Each warning code an ingest gives reads as a sentence (a code alone, ``duplicates_differ``, said nothing)."""
    import json

    warnings = pd.DataFrame([
        {"city_id": "london", "kind": "social", "file": "inbox/social/london/montreal-week.csv",
         "code": "ambiguous_date_order", "hate_source": None,
         "params": json.dumps({"field": "created_at", "assumed": "day/month/year"}), "warned_at": pd.Timestamp.now(tz="UTC")},
        {"city_id": "london", "kind": "social", "file": "inbox/social/london/resent.csv", "code": "duplicates_differ",
         "hate_source": None, "params": json.dumps({"rows": 3, "columns": ["text"]}),
         "warned_at": pd.Timestamp.now(tz="UTC")},
        {"city_id": None, "kind": "cities", "file": "inbox/cities/cities.csv", "code": "timezone_fixed_offset",
         "hate_source": None, "params": json.dumps({"rows": [1], "values": ["UTC+3"], "zones": ["Etc/GMT-3"],
                                                    "field": "tz", "count": 1}),
         "warned_at": pd.Timestamp.now(tz="UTC")},
        {"city_id": "ghost", "kind": "social", "file": "inbox/social/ghost/p.csv", "code": "waiting",
         "hate_source": None, "params": json.dumps({"needs": "city", "city_id": "ghost"}),
         "warned_at": pd.Timestamp.now(tz="UTC")},
        {"city_id": "london", "kind": "social", "file": "inbox/social/london/odd.csv", "code": "waiting",
         "hate_source": None, "params": json.dumps({"needs": "code", "city_id": "london", "code_version": "0a"}),
         "warned_at": pd.Timestamp.now(tz="UTC")},
        {"city_id": None, "kind": "programme", "file": "inbox/programme/activities.csv", "code": "rows_waiting",
         "hate_source": None, "params": json.dumps({"needs": "city", "city_id": "faraway", "rows": 2,
                                                    "cities": ["faraway", "oldtown"]}),
         "warned_at": pd.Timestamp.now(tz="UTC")}])
    page = staff_page(tmp_path, monkeypatch, {"ingest_warnings": warnings}, "/health", lang)
    items = str(find_props(page, "health-warnings")["children"])
    assert i18n.t("warning_ambiguous_date_order", lang, file="montreal-week.csv", field="created_at",
                  assumed="day/month/year") in items
    assert i18n.t("warning_duplicates_differ", lang, file="resent.csv", rows=3, columns="text") in items
    assert i18n.t("warning_timezone_fixed_offset", lang, file="cities.csv", count=1, field="tz",
                  examples="UTC+3 \u2192 Etc/GMT-3") in items
    assert i18n.t("warning_waiting_city", lang, file="p.csv", city="ghost") in items
    assert i18n.t("warning_waiting_code", lang, file="odd.csv") in items
    assert i18n.t("warning_rows_waiting", lang, file="activities.csv", rows=2, cities="faraway, oldtown") in items
    assert "timezone_fixed_offset" not in items and ": waiting" not in items and "rows_waiting" not in items


T0 = pd.Timestamp("2026-12-06T10:00:00Z")


def _warning(city: str | None, file: str, code: str, params: dict, second: int, kind: str = "social") -> dict:
    """An ``ingest_warnings`` row as published, warned ``second`` s after ``T0``."""
    import json

    return {"city_id": city, "kind": kind, "file": file, "code": code, "hate_source": None,
            "params": json.dumps(params), "warned_at": T0 + pd.Timedelta(seconds=second)}


def _warning_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str,
                   rows: list[dict]) -> tuple[list[str], int]:
    """The health page's warning lines (text of each list item, in order) and the size of its payload."""
    monkeypatch.setenv("SCN_HOME", str(tmp_path))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(tmp_path, {**make_tables(0), "ingest_warnings": pd.DataFrame(rows)})
    client = create_app(tmp_path, local_staff=True).server.test_client()
    r = client.post("/_dash-update-component", json=route("/health", lang=lang))
    children = find_props(r.get_json(), "health-warnings")["children"]
    return [c["props"]["children"] for c in children], len(r.get_data())


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_four_hundred_waiting_files_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """400 files dropped for a city not yet registered (the red-team flood) read as one line giving the count, the
    city and the newest names, not 400 list items (a 223 KB payload); a lone waiting file keeps its sentence."""
    rows = [_warning("atlantis", f"inbox/social/atlantis/p{i}.csv", "waiting", {"needs": "city", "city_id": "atlantis"},
                     i) for i in range(1, 401)]
    rows.append(_warning("ghost", "inbox/social/ghost/p.csv", "waiting", {"needs": "city", "city_id": "ghost"}, 0))
    lines, size = _warning_lines(tmp_path, monkeypatch, lang, rows)
    assert lines == [i18n.t("warning_waiting_city_files", lang, count=400, city="atlantis",
                            names="p400.csv, p399.csv, p398.csv …"),
                     i18n.t("warning_waiting_city", lang, file="p.csv", city="ghost")]  # newest first
    assert "400" in lines[0] and "atlantis" in lines[0] and "p397.csv" not in lines[0]
    assert size < 80_000


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_repeated_warnings_of_a_partners_daily_exports_are_grouped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   lang: str) -> None:
    """A partner's daily exports repeat a warning file after file: one line per city x code x sentence (counts
    summed, column names joined), newest line first; a different sentence (another assumed order, another city,
    boundaries rather than a city) is its own line, a single file's in today's words."""
    dates = {"field": "created_at", "assumed": "day/month/year"}
    rows = [_warning("london", f"inbox/social/london/export-{d:02d}.csv", "ambiguous_date_order", dates, 100 + d)
            for d in range(1, 31)]
    rows += [_warning("london", f"inbox/social/london/resent-{d}.csv", "duplicates_differ",
                      {"rows": 2, "columns": ["text"] if d % 2 else ["text", "lang"]}, 200 + d) for d in range(20)]
    rows += [_warning("london", f"inbox/crime/london/national-{d}.csv", "outside_city",
                      {"lines": 5, "column": "Force"}, 300 + d, kind="crime") for d in range(10)]
    rows += [_warning("paris", f"inbox/social/paris/export-{d}.csv", "ambiguous_date_order", dates, 400 + d)
             for d in range(3)]
    rows.append(_warning("london", "inbox/social/london/us.csv", "ambiguous_date_order",
                         {"field": "created_at", "assumed": "month/day/year"}, 50))
    rows += [_warning("nowhere", f"inbox/crime/nowhere/c{d}.csv", "waiting", {"needs": "boundaries",
                                                                             "city_id": "nowhere"}, 500 + d)
             for d in range(2)]
    lines, _ = _warning_lines(tmp_path, monkeypatch, lang, rows)
    many = i18n.t
    assert lines == [
        many("warning_waiting_boundaries_files", lang, count=2, city="nowhere", names="c1.csv, c0.csv"),
        many("warning_ambiguous_date_order", lang, field="created_at", assumed="day/month/year",
             file=many("warning_files", lang, count=3, names="export-2.csv, export-1.csv, export-0.csv")),
        many("warning_outside_city", lang, lines=50, city="london", column="Force",
             file=many("warning_files", lang, count=10, names="national-9.csv, national-8.csv, national-7.csv …")),
        many("warning_duplicates_differ", lang, rows=40, columns="text, lang",
             file=many("warning_files", lang, count=20, names="resent-19.csv, resent-18.csv, resent-17.csv …")),
        many("warning_ambiguous_date_order", lang, field="created_at", assumed="day/month/year",
             file=many("warning_files", lang, count=30, names="export-30.csv, export-29.csv, export-28.csv …")),
        many("warning_ambiguous_date_order", lang, file="us.csv", field="created_at", assumed="month/day/year")]


@pytest.mark.parametrize("lang", tuple(i18n.LANGS))
def test_the_warning_lines_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """Files waiting for 120 unregistered cities (two each): the newest 50 lines, then one saying how many more
    (70 lines, 140 files) and where every warning is."""
    rows = [_warning(f"city{c:03d}", f"inbox/social/city{c:03d}/p{k}.csv", "waiting",
                     {"needs": "city", "city_id": f"city{c:03d}"}, 2 * c + k) for c in range(120) for k in range(2)]
    lines, _ = _warning_lines(tmp_path, monkeypatch, lang, rows)
    assert len(lines) == 51
    assert lines[0] == i18n.t("warning_waiting_city_files", lang, count=2, city="city119", names="p1.csv, p0.csv")
    assert "city070" in lines[49] and not any("city069" in line for line in lines)
    assert lines[-1] == i18n.t("warning_more", lang, lines=70, files=140)
    assert "ingest_warnings" in lines[-1]
