"""A reviewer's probes of the classifier's accuracy claims: a figure is shown only for posts of the language and
platform it was measured on, with n and its interval, withheld below a minimum n, beside a baseline verdict the
paired interval supports; and ``evaluate_file`` (``scn classify --eval``) refuses or withholds what its labels
cannot support."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn.nlp.accuracy import MIN_HELD_OUT, measured_share, shown_accuracy
from scn.nlp.evaluation import evaluate_file, evaluation_table, model_card


def _eval(rows: list[tuple]) -> pd.DataFrame:
    """``classifier_eval``-like rows: (lang, dataset, platform, macro_f1, baseline, n, ci, margin_ci), x 3 classes."""
    return pd.DataFrame([
        {"lang": lang, "class": c, "dataset": d, "platform": p, "macro_f1": f, "baseline_macro_f1": b, "n": n,
         "ci_low": ci[0], "ci_high": ci[1], "margin": f - b, "margin_ci_low": m[0], "margin_ci_high": m[1]}
        for lang, d, p, f, b, n, ci, m in rows for c in ("hate", "offensive", "none")])


EVAL = _eval([("en", "davidson2017", "x", 0.75, 0.66, 4911, (0.73, 0.77), (0.07, 0.11)),
              ("ar", "mlma2019", "x", 0.56, 0.53, 540, (0.52, 0.60), (-0.01, 0.07)),
              ("fr", "tiny.csv", "reddit", 0.90, 0.95, 12, (0.6, 1.0), (-0.3, 0.1)),
              ("fr", "worse.csv", "x", 0.40, 0.50, 400, (0.35, 0.45), (-0.15, -0.05))])


def test_a_mombasa_of_swahili_telegram_posts_is_unmeasured_and_its_measured_share_shown() -> None:
    """95% of the city's posts are Swahili from Telegram (no evaluation): they say "not measured", borrow no figure,
    and the share of posts a measured (language, platform) covers is 5%, not the English figure's implied 100%."""
    posts = pd.DataFrame({"lang": ["sw", "en", "sw"], "platform": ["telegram", "twitter", "x"],
                          "posts": [900, 50, 50]})
    shown = shown_accuracy(EVAL, posts).set_index(["lang", "platform"])
    assert shown.loc[("sw", "telegram"), "status"] == "not_measured"
    assert shown.loc[("sw", "telegram"), ["macro_f1", "ci_low", "baseline_macro_f1"]].isna().all()
    assert shown.loc[("sw", "x"), "status"] == "not_measured"  # X was measured, but in other languages
    assert shown.loc[("en", "x"), "status"] == "measured" and shown.loc[("en", "x"), "n"] == 4911
    assert shown.loc[("en", "x"), ["ci_low", "ci_high"]].tolist() == [0.73, 0.77]
    assert measured_share(shown.reset_index()) == pytest.approx(0.05)
    # French from Reddit: only a 12-post source measured it -> too few, no figure; French from X: measured
    fr = shown_accuracy(EVAL, pd.DataFrame({"lang": ["fr", "fr"], "platform": ["reddit", "x"], "posts": [30, 70]}))
    fr = fr.set_index("platform")
    assert fr.loc["reddit", "status"] == "too_few" and fr.loc["reddit", "n"] == 12
    assert fr.loc["reddit", ["macro_f1", "ci_low", "ci_high", "baseline_macro_f1"]].isna().all()
    assert measured_share(fr.reset_index()) == pytest.approx(0.7)


def test_a_figure_below_the_minimum_n_is_withheld_and_never_the_weakest_choice() -> None:
    """A 12-post source beside a measured one of the same language and platform: the measured one's figure is
    shown (a 12-post figure cannot be the weakest nor the strongest); alone, it is withheld."""
    assert MIN_HELD_OUT > 12
    ev = pd.concat([EVAL, _eval([("fr", "small.csv", "x", 0.10, 0.30, 12, (0.0, 0.4), (-0.5, 0.1))])])
    shown = shown_accuracy(ev, pd.DataFrame({"lang": ["fr"], "platform": ["x"], "posts": [5]})).iloc[0]
    assert shown["dataset"] == "worse.csv" and shown["n"] == 400 and shown["status"] == "measured"


def test_the_baseline_verdict_follows_the_paired_interval() -> None:
    """Beats the baseline only when the paired margin's 95% interval is above 0; Arabic (interval spans 0) is no
    clear difference; a model whose margin interval is below 0 is worse; no margin interval: not tested."""
    posts = pd.DataFrame({"lang": ["en", "ar", "fr"], "platform": ["x", "x", "x"], "posts": [1, 1, 1]})
    shown = shown_accuracy(EVAL, posts).set_index("lang")
    assert shown["vs_baseline"].to_dict() == {"en": "beats", "ar": "no_clear_difference", "fr": "worse"}
    old = EVAL.drop(columns=["margin_ci_low", "margin_ci_high"])  # a snapshot published before the interval
    assert set(shown_accuracy(old, posts)["vs_baseline"]) == {"no_interval"}  # never "beats" on a bare margin
    no_base = EVAL.assign(baseline_macro_f1=None)
    assert set(shown_accuracy(no_base, posts)["vs_baseline"]) == {"not_tested"}


def test_a_figure_without_its_interval_is_not_shown() -> None:
    """Every figure shown carries its 95% interval: a held-out macro-F1 of 300 posts published without one says
    so, with no figure (it read "no interval: too few reviewed posts" beside 0.67 on the city page)."""
    bare = EVAL.assign(ci_low=None, ci_high=None)
    shown = shown_accuracy(bare, pd.DataFrame({"lang": ["en"], "platform": ["x"], "posts": [5]})).iloc[0]
    assert shown["status"] == "no_interval" and shown["n"] == 4911 and pd.isna(shown["macro_f1"])


def test_the_published_evaluation_carries_the_margin_interval_of_the_card() -> None:
    """``classifier_eval`` carries each source's paired margin interval, so the pages can say whether the model
    beats the baseline: the shipped Arabic model's interval spans 0."""
    table = evaluation_table().drop_duplicates(["lang", "dataset"]).set_index(["lang", "dataset"])
    for m in model_card()["evaluation"]:
        row = table.loc[(m["lang"], m["source"])]
        assert [row["margin_ci_low"], row["margin_ci_high"]] == m["margin_ci95"]
    assert table.loc[("ar", "mlma2019"), "margin_ci_low"] < 0 < table.loc[("ar", "mlma2019"), "margin_ci_high"]


TEXTS = ["you are a stupid bitch", "I love my neighbours and this city", "these people are animals, kill them",
         "what a lovely day at the market", "go back to your country you filthy rats", "the bus was late again"]


def test_eval_refuses_unknown_labels(tmp_path: Path) -> None:
    """Labels outside hate|offensive|none (a partner's ``hateful``, ``1``) were scored as wrong predictions of no
    class; the file is refused, naming them."""
    f = tmp_path / "labels.csv"
    pd.DataFrame({"text": TEXTS, "label": ["hateful", "none", "1", "none", "hate", "none"],
                  "lang": "en"}).to_csv(f, index=False)
    with pytest.raises(ValueError, match=r"hateful.*1|1.*hateful"):
        evaluate_file(f)


def test_eval_of_one_class_withholds_macro_f1(tmp_path: Path) -> None:
    """A file of one class only: a macro-F1 over hate, offensive and none cannot be measured (two classes have no
    example; sklearn scores them 0), so no macro-F1, interval or baseline is reported, overall or per source."""
    f = tmp_path / "one.csv"
    pd.DataFrame({"text": TEXTS, "label": "none", "lang": "en"}).to_csv(f, index=False)
    report = evaluate_file(f)
    assert report["macro_f1"] is None and "hate" in report["withheld"]
    assert report["per_language"]["en"]["macro_f1"] is None
    (src,) = report["per_source"]
    assert src["macro_f1"] is None and src.get("ci95") is None and src["withheld"]
    assert src["n"] == len(TEXTS)


def test_eval_without_source_keeps_platforms_apart(tmp_path: Path) -> None:
    """No ``source`` column but a ``platform`` column mixing X and Telegram: one record per platform (the whole file
    was labelled with its first row's platform, so Telegram posts got an X figure); and a ``split`` column without
    ``source`` is read (it raised KeyError)."""
    f = tmp_path / "mixed.csv"
    rows = pd.DataFrame({"text": TEXTS * 2, "label": ["offensive", "none", "hate", "none", "hate", "none"] * 2,
                         "lang": "en", "platform": ["x"] * 6 + ["telegram"] * 6})
    rows.to_csv(f, index=False)
    report = evaluate_file(f)
    assert sorted((s["platform"], s["n"]) for s in report["per_source"]) == [("telegram", 6), ("x", 6)]
    assert all(str(MIN_HELD_OUT) in s["note"] for s in report["per_source"])  # said: too few to be shown
    g = tmp_path / "split.csv"
    rows.assign(split=["train", "test"] * 6).to_csv(g, index=False)
    report = evaluate_file(g)
    assert sorted((s["platform"], s["n"]) for s in report["per_source"]) == [("telegram", 3), ("x", 3)]


ARABIZI = ["wallah ya5i enta 7mar w kalb", "3ayzin nemshi el beit badri el naharda", "habibi keefak sho 3am ta3mel",
           "enta kalb ibn kalb", "ya 7ayawan ruu7 3ala baladak", "el 3arab kollohom 7aramiya", "tfou 3likom ya klab",
           "had el nas lazem ytrodohom mn hon", "kifak? ana mni7 el7amdella", "el yahood wlad kalb"]


def test_arabizi_posts_borrow_no_measured_figure() -> None:
    """Arabic in Latin letters (Arabizi) from X: whatever language the detector gives it, no held-out figure of
    Arabic, English or French X posts is shown for it - it was never measured on such text."""
    from scn.nlp.model import classify

    out = classify(ARABIZI)
    posts = out.assign(platform="x", posts=1).groupby(["lang", "platform"], as_index=False)["posts"].sum()
    shown = shown_accuracy(evaluation_table(), posts)
    assert shown["status"].eq("not_measured").all(), shown
    assert measured_share(shown) == 0


def test_eval_scores_no_figure_for_rows_the_classifier_does_not_cover(tmp_path: Path) -> None:
    """36 Japanese rows the shipped model does not cover: each was scored as a "none" prediction, giving a
    "measured" macro-F1 of 0.22 (95% CI, n = 36) for posts the pages call "not labelled"; now counted as not
    assessed, with no figure, and a mixed file is scored on its assessed rows only."""
    ja = ["これはテストです", "お前はバカだ", "死ね", "いい天気ですね", "あいつらは出て行け", "ありがとう"] * 6
    labels = ["none", "offensive", "hate", "none", "hate", "none"] * 6
    f = tmp_path / "ja.csv"
    pd.DataFrame({"text": ja, "label": labels, "lang": "ja", "source": "partner", "platform": "x"}).to_csv(f, index=False)
    report = evaluate_file(f)
    (src,) = report["per_source"]
    assert src["macro_f1"] is None and src["n"] == 0 and src["not_assessed"] == 36 and src["withheld"]
    assert report["macro_f1"] is None and report["not_assessed"] == 36
    assert report["per_language"]["ja"]["macro_f1"] is None
    table = evaluation_table(eval_file=f)  # the shipped model: its own card, the file unused
    assert "ja" not in set(table["lang"])
    g = tmp_path / "mixed.csv"
    en = pd.DataFrame({"text": TEXTS * 6, "label": ["offensive", "none", "hate", "none", "hate", "none"] * 6,
                       "lang": "en", "source": "partner", "platform": "x"})
    pd.concat([en, pd.read_csv(f)]).to_csv(g, index=False)
    report = evaluate_file(g)
    assert report["n"] == 36 and report["not_assessed"] == 36
    assert {s["lang"]: s["n"] for s in report["per_source"]} == {"en": 36, "ja": 0}


def test_the_cli_refuses_an_eval_file_naming_its_problem_without_a_traceback(tmp_path: Path) -> None:
    from tests.support.cli import scn

    f = tmp_path / "labels.csv"
    pd.DataFrame({"text": TEXTS, "label": ["hateful", "none", "1", "none", "hate", "none"],
                  "lang": "en"}).to_csv(f, index=False)
    out = scn("classify", "--eval", str(f), home=tmp_path / "home", check=False)
    assert out.returncode == 2, out
    assert "hateful" in out.stderr and "Traceback" not in out.stderr, out.stderr
