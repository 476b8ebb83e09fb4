"""The official's level of detail chosen at publish time (the ``levels`` table of the serving snapshot,
``scn.privacy.published_levels``) is the one chosen on use: same level, reason, finer level, share and counts
(hidden ones included); the dashboards read it without choosing again, and choose again for a snapshot
without the table or published under another threshold."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from scn.privacy import published_levels
from scn.privacy.levels import Choice, View, choose
from scn.publish import serving
from scn.settings import override, settings
from tests.support.snapshots import make_tables, publish_tables, quiet_city


def _tables() -> dict[str, pd.DataFrame]:
    """The synthetic snapshot; in Saida no flagged post at all (the finest level passes) and a single hate crime
    of 2 (hidden even for the whole city by year)."""
    return quiet_city(make_tables(), "saida", hate_crimes=2)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish_tables(tmp_path_factory.mktemp("levels-home"), _tables())


def _same(a: Choice, b: Choice) -> None:
    assert (a.level, a.reason, a.finer, a.periods) == (b.level, b.reason, b.finer, b.periods)
    assert a.hidden_share == pytest.approx(b.hidden_share)
    pd.testing.assert_frame_equal(a.frame.reset_index(drop=True), b.frame.reset_index(drop=True))


def _views_of(city: dict[str, pd.DataFrame], city_id: str, metric: str) -> tuple[pd.DataFrame, Callable]:
    """The city's published cells and its views of ``metric`` (``levels`` -> the views of those levels)."""
    leaves = published_levels.leaves_of(city["cell_month"])
    codes, geoms = published_levels.area_shapes(city["areas"])

    def views(levels: tuple[str, ...] = published_levels.LEVELS) -> Iterator:
        return published_levels.views(city_id, metric, leaves, city.__getitem__,
                                      lambda cells: published_levels.cells_in_areas(cells, codes, geoms), levels)

    return leaves, views


def test_published_choice_equals_the_computed_one(snapshot: Path) -> None:
    levels = serving.read_serving("levels", snapshot=snapshot)
    assert serving.manifest(snapshot)["tables"]["levels"] == len(levels) == 6  # 2 cities x 3 counts
    tables = {n: serving.read_serving(n, snapshot=snapshot) for n in ("cell_month", "area_month", "city_month",
                                                                      "areas")}
    for row in levels.itertuples():
        leaves, views = _views_of({n: f[f["city_id"] == row.city_id].reset_index(drop=True)
                                   for n, f in tables.items()}, row.city_id, row.metric)
        built: list[str] = []

        def build(level: str, views: Callable = views, built: list = built) -> View | None:
            built.append(level)
            return next(views((level,)), None)

        published = published_levels.published_choice(levels[levels["city_id"] == row.city_id], row.metric,
                                                      leaves, build, k=5)
        assert published is not None and built == [row.level]  # only the chosen level is built
        _same(published, choose(views(), leaves, row.metric, "official", k=5))
    assert {"finest", "finer_hidden", "coarsest_hidden"} <= set(levels["reason"]), levels
    saida = levels[(levels["city_id"] == "saida") & (levels["metric"] == "hate_crimes")].iloc[0]
    assert (saida["level"], saida["reason"]) == ("city_year", "coarsest_hidden")


def test_dashboards_read_the_published_choice_and_choose_again_without_it(tmp_path: Path, monkeypatch) -> None:
    from dashboards import detail

    def computed(city_id: str, metric: str) -> Choice:
        leaves = detail._leaves(city_id)
        return choose(detail.views(city_id, metric, leaves), leaves, metric, "official", k=settings().suppress_below)

    tables = _tables()
    pairs = [(c, m) for c in ("london", "saida") for m in published_levels.METRICS]
    with override(home=tmp_path):
        publish_tables(tmp_path, tables)
        expected = {p: computed(*p) for p in pairs}
        with monkeypatch.context() as m:  # the published table answers: nothing is chosen on page load
            m.setattr(detail, "choose", lambda *a, **k: pytest.fail("chosen again on page load"))
            for (city, metric), want in expected.items():
                _same(detail.choice(city, metric, "official"), want)
        assert detail.choice("london", "posts", "official").level  # a count not published: chosen on use

        (publish_tables(tmp_path, tables) / "levels.parquet").unlink()  # a snapshot from before the table
        for (city, metric), want in expected.items():
            _same(detail.choice(city, metric, "official"), want)

        snap = publish_tables(tmp_path, tables)  # what the table says is what an official sees...
        forged = serving.read_serving("levels", snapshot=snap).assign(level="cell8_month", reason="finest",
                                                                      finer=None, hidden_share=0.0)
        forged.to_parquet(snap / "levels.parquet", index=False)
        assert detail.choice("london", "flagged_posts", "official").level == "cell8_month"
        with override(suppress_below=13):  # ...unless it was chosen under another threshold: chosen again
            got = detail.choice("london", "flagged_posts", "official")
            assert got.level != "cell8_month"
            _same(got, computed("london", "flagged_posts"))
