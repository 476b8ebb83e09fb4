"""The enrichment's labelling (``classify_new_posts``) streams the lake's unlabelled posts in batches, one city at
a time: it no longer reads every post's text at once, and DuckDB deduplicates and orders one city's posts, not the
whole lake's. A batch never exceeds its size nor mixes cities, a post sent twice (two parts of ``posts``, one of
them across a batch boundary) is labelled once, and the labels are those of one single batch."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from scn import lake
from scn.enrich import tables
from scn.lake.schema import as_table
from scn.settings import override
from tests.support.review_world import review_posts


def _label(home: Path, posts: pd.DataFrame, batch_size: int, monkeypatch: pytest.MonkeyPatch) -> tuple:
    seen: list[int] = []
    real = tables.classify

    def counting(texts: list, langs: list) -> pd.DataFrame:
        seen.append(len(texts))
        return real(texts, langs)

    monkeypatch.setattr(tables, "classify", counting)
    with override(home=home):
        lake.write_part("posts", as_table("posts", posts), "first")
        lake.write_part("posts", as_table("posts", posts.iloc[1000:1500]), "again")  # sent twice
        summary = tables.classify_new_posts(batch_size=batch_size)
        labels = lake.read_table("post_labels").sort_values("post_key").reset_index(drop=True)
        again = tables.classify_new_posts(batch_size=batch_size)
    return seen, summary, labels, again


def test_labels_stream_in_bounded_batches_and_equal_one_batch(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    posts = review_posts("london", 5000, seed=3).drop(columns="truth")
    seen, summary, labels, again = _label(tmp_path / "small", posts, 2048, monkeypatch)
    assert len(seen) == 3 and max(seen) <= 2048, seen
    assert summary["classified"] == sum(seen) == 5000
    assert labels["post_key"].is_unique and len(labels) == 5000
    assert again["classified"] == 0
    _, _, whole, _ = _label(tmp_path / "whole", posts, 1_000_000, monkeypatch)
    assert whole.drop(columns="model_version").equals(labels.drop(columns="model_version"))


def test_batches_hold_one_city_each_and_a_city_partition_labels_only_its_posts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = pd.concat([review_posts("london", 3000, seed=5), review_posts("beirut", 2000, seed=6),
                       review_posts("mombasa", 500, seed=7)], ignore_index=True).drop(columns="truth")
    batches: list[tuple[str, ...]] = []
    real = tables.adapters.apply

    def recording(out: pd.DataFrame, city_ids: pd.Series, texts: pd.Series) -> pd.DataFrame:
        batches.append(tuple(sorted(set(city_ids))))
        return real(out, city_ids, texts)

    monkeypatch.setattr(tables.adapters, "apply", recording)
    with override(home=tmp_path):
        lake.write_part("posts", as_table("posts", posts), "two-cities")
        assert tables.classify_new_posts(batch_size=2048, cities=["mombasa"])["classified"] == 500
        assert batches == [("mombasa",)]
        assert tables.classify_new_posts(batch_size=2048)["classified"] == 5000
        labelled = lake.read_table("post_labels")
    assert batches == [("mombasa",), ("beirut",), ("london",), ("london",)], batches  # sorted keys would mix
    assert sorted(labelled["post_key"]) == sorted(posts["post_key"])


def test_posts_without_a_city_are_labelled_too(tmp_path: Path) -> None:
    """No ingest path writes a post without a city, but the lake's schema allows it: such posts are labelled
    (in a batch of their own), not skipped, and do not stop the other cities'."""
    posts = pd.concat([review_posts("london", 300, seed=8), review_posts("beirut", 200, seed=9)],
                      ignore_index=True).drop(columns="truth")
    posts.loc[posts.index[::5], "city_id"] = None
    with override(home=tmp_path):
        lake.write_part("posts", as_table("posts", posts), "no-city")
        assert tables.classify_new_posts(batch_size=2048)["classified"] == 500
        assert sorted(lake.read_table("post_labels")["post_key"]) == sorted(posts["post_key"])


def test_labelling_holds_one_batch_of_texts_not_the_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python memory at its peak (tracemalloc), with a stand-in classifier: labelling 60,000 posts in batches of
    2,048 holds well under what reading their texts at once takes (the old code read them all first)."""
    posts = review_posts("london", 60_000, seed=4).drop(columns="truth")
    posts["text"] = posts["text"] + " " + posts["post_key"] * 3  # distinct, longer texts
    monkeypatch.setattr(tables, "classify", lambda texts, langs: pd.DataFrame(
        {"label": "none", "score_hate": 0.0, "assessed": True, "lang": "en"}, index=range(len(texts))))
    with override(home=tmp_path):
        lake.write_part("posts", as_table("posts", posts), "all")
        tracemalloc.start()
        try:
            whole = lake.read_table("posts", ["post_key", "city_id", "text", "lang"])
            all_at_once = tracemalloc.get_traced_memory()[1]
            del whole
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            assert tables.classify_new_posts(batch_size=2048)["classified"] == 60_000
            streamed = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
    assert streamed < all_at_once / 3, (streamed, all_at_once)


def test_a_new_labelling_version_keeps_the_labels_of_posts_whose_text_was_erased(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new model (or lexicon, rules, adapter) re-labels every post, but a post whose text retention erased
    cannot be labelled again: it keeps the label the older model gave it (and says which model), so the flagged
    posts of old months do not fall with each model change; posts with text get the new version's labels."""
    posts = review_posts("london", 600, seed=11).drop(columns="truth")
    with override(home=tmp_path):
        lake.write_part("posts", as_table("posts", posts), "first")
        monkeypatch.setattr(tables, "current_labelling_version", lambda: "model-a")
        tables.classify_new_posts()
        before = lake.read_table("post_labels").set_index("post_key").sort_index()
        assert (before["label"] != "neither").sum() >= 20  # else the erased flagged posts prove nothing
        erased = posts["post_key"].iloc[::3]
        lake.write_part("posts", as_table("posts", posts.assign(text=posts["text"].where(
            ~posts["post_key"].isin(erased)))), "first")  # retention: the part rewritten with those texts null
        monkeypatch.setattr(tables, "current_labelling_version", lambda: "model-b")
        summary = tables.classify_new_posts()
        after = lake.read_table("post_labels").set_index("post_key").sort_index()
    assert after.index.is_unique and set(after.index) == set(posts["post_key"])
    assert summary["kept_erased_labels"] == len(erased) and summary["classified"] == len(posts) - len(erased)
    kept = after.loc[erased]
    assert kept[["label", "score_hate", "target", "model_version"]].equals(
        before.loc[erased, ["label", "score_hate", "target", "model_version"]])
    assert (kept["model_version"] == "model-a").all()
    assert (after.drop(index=erased)["model_version"] == "model-b").all()
