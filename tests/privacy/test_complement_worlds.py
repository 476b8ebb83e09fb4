"""A count beside a part of it (posts and flagged posts, crimes and hate crimes) tells its rest: a cell month of
14 posts, 12 flagged, has 2 posts not flagged, a count of 1..k-1 that no single-count rule hides. Random small
cities (``tests.support.complement_worlds``) against an attacker written apart from the rules: it reads what an
official sees (the cells download and the city page's counts at their chosen levels), sums places and periods
(cells to their parents, areas to the city, months to quarters and years) and sets each count against its part.
No world may give it a rest of 1..k-1; on staff's copy (nothing hidden) it finds them, so it can fail."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest

from scn.privacy import levels
from scn.privacy.disclosure import for_audience
from scn.privacy.levels import View, hidden_units
from scn.settings import suppress_below
from tests.support.complement_worlds import (
    bounds,
    closure,
    leaking_worlds,
    official_view,
    rest_leaks,
    staff_view,
    world,
)

WORLDS = 30
SEEDS = (5, 11)


@pytest.mark.parametrize("seed", SEEDS)
def test_no_world_gives_a_small_rest_to_an_official(seed: int) -> None:
    leaking, first = leaking_worlds(seed, WORLDS, suppress_below())
    assert leaking == 0, f"{leaking} of {WORLDS} worlds give a small rest back, e.g. {first}"


def test_the_attacker_finds_small_rests_in_staffs_copy() -> None:
    leaking, _ = leaking_worlds(SEEDS[0], 20, suppress_below(), staff_view)
    assert leaking >= 15


@pytest.mark.parametrize(("posts", "flagged", "posts_shown"), [(14, 12, False), (12, 12, True), (26, 12, True),
                                                                (17, 12, True), (3, 0, False)])
def test_a_count_is_hidden_where_its_rest_is_small(posts: int, flagged: int, posts_shown: bool) -> None:
    """The count (posts) goes, its part (flagged posts) stays: the part is what the page is about; a rest of 0
    (every post flagged) says nothing and is shown, as every zero is."""
    rows = pd.DataFrame({"city_id": "x", "area_code": "A", "period": "2025-01", "posts": [posts],
                         "flagged_posts": [flagged], "crimes": [20], "hate_crimes": [17]})
    out = for_audience("area_month", rows, "official", k=5, min_group=10)
    assert out["posts"].notna().iloc[0] == posts_shown
    assert out["flagged_posts"].notna().iloc[0] == (flagged == 0 or flagged >= suppress_below())
    assert out["crimes"].isna().iloc[0] and out["hate_crimes"].iloc[0] == 17


@pytest.mark.parametrize(("hate", "hidden"), [(17, True), (20, False), (12, False)])
def test_a_level_hides_a_count_whose_rest_is_small(hate: int, hidden: bool) -> None:
    """The levels see the pair together: crimes of 20 beside 17 hate crimes are hidden at that level (3 crimes
    not hate crimes), the hate crimes stay; 20 of 20 (rest 0) and 20 beside 12 (rest 8) are shown."""
    units = pd.DataFrame({"unit": ["x"], "period": ["2025"], "crimes": [20], "hate_crimes": [hate]})
    assert hidden_units(View("city_year", units), pd.DataFrame(), "crimes", k=5)[0] == hidden
    assert not hidden_units(View("city_year", units), pd.DataFrame(), "hate_crimes", k=5)[0]


def test_a_level_of_cells_is_checked_for_the_rests_beneath_it() -> None:
    """Flagged posts at a res-7 cell (7) over two published cells whose flagged posts are hidden (3 and 4: each
    1..4, their sum 7 pins neither) and whose posts are shown: posts 13 and 14 leave 27 - 7 = 20 not flagged
    (shown); posts 5 and 5 leave 10 - 7 = 3, the two cells' posts not flagged, a small count: hidden."""
    parent = h3.cell_to_parent(h3.latlng_to_cell(51.5, -0.12, 8), 7)
    kids = sorted(h3.cell_to_children(parent, 8))[:2]
    for posts, hidden in (((13, 14), False), ((5, 5), True)):
        leaves = pd.DataFrame({"cell": kids, "period": "2025-01", "posts": list(posts), "flagged_posts": [3, 4]})
        units = pd.DataFrame({"unit": [parent], "period": ["2025-01"], "flagged_posts": [7],
                              "posts": [sum(posts)]})
        view = View("cell7_month", units, np.full(2, parent, dtype=object))
        assert hidden_units(view, leaves, "flagged_posts", k=5)[0] == hidden


def test_the_attackers_bounds_hold_the_truth() -> None:
    """The bounds the attacker derives from an official's copy (``bounds``) hold every true count and rest (staff's
    copy, summed: in a located world every count follows), so a leak it reports is one."""
    rng = np.random.default_rng(SEEDS[1])
    for _ in range(3):
        tables = world(rng, located=True)
        truth = closure(staff_view(tables))
        box = bounds(official_view(tables), suppress_below())
        outside = [(key, lo, hi, truth.get(key)) for key, (lo, hi) in box.items()
                   if truth.get(key) is None or not lo <= truth[key] <= hi]
        assert not outside, outside[:5]


def test_without_the_part_check_an_areas_part_gives_the_cells_rests_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The area-level leak the part check (``part_rests``) closes: with it switched off, a located world of seed 11
    (every event in a cell, an area's posts its cells') gives the attacker an area's posts not flagged, 1..k-1."""
    monkeypatch.setattr(levels, "part_rests", lambda codes, size, *_: np.zeros(size, dtype=bool))
    rng = np.random.default_rng(11)
    found = []
    for i in range(16):
        tables = world(rng, located=bool(i % 2))
        if i % 2:
            found += [key for key, _ in rest_leaks(official_view(tables), suppress_below()) if key[1] == "area"]
    assert found
