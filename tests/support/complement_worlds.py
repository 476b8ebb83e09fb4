"""Random small cities for the rest of a count beside a part of it (posts less flagged posts, crimes less hate
crimes), and an attacker written apart from the disclosure rules that reads only what an official sees.

A world: one city of 14 res-8 cells (the children of two res-7 cells of one res-6 cell) over January-June 2025,
two areas (west and east halves, an outline each: a cell is its centre's area), counts small enough that the
rests are often 1..k-1; in some cities nearly every post is flagged or every crime a hate crime (the rests of
whole months are small too), in some the few posts not flagged lie in the cells of few flagged posts (hidden)
while every cell's posts are shown. An area's month is its cells' plus a few events located to the area only,
except in a ``located`` world (every other one), where every event has a cell and the attacker is told so; the
city's month is its areas' (every event has an area).

What an official sees (``official_view``): the cells download (``for_audience("cell_month", ..., "official")``,
the four counts of each published cell and month) and the city page's counts (flagged posts, crimes, hate crimes)
at the level chosen for each (``scn.privacy.published_levels.views`` and ``levels.choose``, as the dashboards and
the ``levels`` table do): every area and city figure an official's pages and downloads show (the city series is
the levels' sums; the risk table shows officials bands, not counts; alerts are ``tests/privacy/test_alert_worlds``'
world). Staff's copy (``staff_view``): the same, unsuppressed.

The attacker (``rest_leaks``) knows the algebra of the places and periods: a res-7 cell is the sum of its res-8
cells, a res-6 cell of its res-7 cells, an area of its cells (by centre) and its events in no cell (``extra``: 0
in a located world), the city of its areas, a quarter of its months and a year of its quarters; and that a
count's rest is the count less its part (``PAIRS``). From the counts shown it derives every count and rest it can
to a fixed point, exactly (``closure``) and by bounds (``bounds``: a blank of the cells download is 1..k-1, or its
rest is); a rest it knows exactly in 1..k-1, or a count it pins at one such value without seeing it, is a leak.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import h3
import numpy as np
import pandas as pd

from scn.privacy import published_levels
from scn.privacy.disclosure import for_audience
from scn.privacy.levels import choose, period_at, place_of

CITY = "x"
MONTHS = [f"2025-{m:02d}" for m in range(1, 7)]
ROOT6 = h3.cell_to_parent(h3.latlng_to_cell(51.5, -0.12, 8), 6)
CELLS7 = sorted(h3.cell_to_children(ROOT6, 7))[:2]
CELLS8 = sorted(c for p in CELLS7 for c in h3.cell_to_children(p, 8))
COUNTS = ("posts", "flagged_posts", "crimes", "hate_crimes")
# a count, its part and the rest's name
PAIRS = (("posts", "flagged_posts", "unflagged_posts"), ("crimes", "hate_crimes", "other_crimes"))
PAGE = published_levels.METRICS  # the counts of the city page, each at its own level
Key = tuple[str, str, str, str]  # metric, place (cell8, cell7, cell6, area, extra, city), unit, period


def _outlines() -> pd.DataFrame:
    """Two areas splitting the cells' bounding box at the median longitude of their centres."""
    lat, lon = np.array([h3.cell_to_latlng(c) for c in CELLS8]).T
    mid, pad = float(np.median(lon)) + 1e-7, 0.05
    boxes = {"W": (lon.min() - pad, mid), "E": (mid, lon.max() + pad)}
    rows = []
    for code, (x0, x1) in boxes.items():
        y0, y1 = lat.min() - pad, lat.max() + pad
        wkt = f"POLYGON (({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"
        rows.append({"city_id": CITY, "area_code": code, "geometry_wkt": wkt})
    return pd.DataFrame(rows)


AREAS = _outlines()


def cell_area() -> np.ndarray:
    codes, geoms = published_levels.area_shapes(AREAS)
    return published_levels.cells_in_areas(np.array(CELLS8, dtype=object), codes, geoms)


CELL_AREA = cell_area()


def world(rng: np.random.Generator, located: bool = False) -> dict[str, pd.DataFrame]:
    """The published tables of one random city (``cell_month``, ``area_month``, ``city_month``, ``areas``) and
    ``located``: whether every event has a cell (no events located to an area only: an area's month is then its
    cells' sum, as a city's documentation may say; the attacker is told)."""
    n = len(CELLS8) * len(MONTHS)
    busy = rng.uniform(0.5, 9.0, len(CELLS8)).repeat(len(MONTHS))
    flagged = rng.poisson(busy)
    hate = rng.poisson(busy / 2)
    rare = rng.choice([0.03, 1.0], 2)  # a city where nearly every post is flagged, or every crime a hate crime
    unflagged = rng.poisson(rare[0] * rng.choice([0.3, 2.0, 6.0, 20.0], n))
    if rng.random() < 0.3:  # a busy city whose few posts not flagged lie in cells of few flagged ones (hidden
        # at k = 5), each cell's posts 5 or more (shown): an area's posts are its cells', its rest small
        flagged = rng.poisson(rng.uniform(5.0, 12.0, len(CELLS8)).repeat(len(MONTHS)))
        unflagged = np.where((flagged > 0) & (flagged < 5), 5 - flagged + rng.integers(0, 2, n), 0)
    cells = pd.DataFrame({"city_id": CITY, "cell": np.repeat(CELLS8, len(MONTHS)), "resolution": 8,
                          "period": np.tile(MONTHS, len(CELLS8)), "flagged_posts": flagged,
                          "posts": flagged + unflagged,
                          "hate_crimes": hate, "crimes": hate + rng.poisson(rare[1] * rng.choice([0.3, 2.0, 6.0], n))})
    by_area = cells.assign(area_code=np.repeat(CELL_AREA, len(MONTHS)))
    area = by_area.groupby(["city_id", "area_code", "period"], as_index=False)[list(COUNTS)].sum()
    m = len(area)  # events located to the area only (no cell): parts stay parts
    on = 0.0 if located else 1.0
    extra_f, extra_h = rng.poisson(0.4 * on, m), rng.poisson(0.3 * on, m)
    area["flagged_posts"] += extra_f
    area["posts"] += extra_f + rng.poisson(0.4 * on, m)
    area["hate_crimes"] += extra_h
    area["crimes"] += extra_h + rng.poisson(0.3 * on, m)
    city = area.groupby(["city_id", "period"], as_index=False)[list(COUNTS)].sum()
    return {"cell_month": cells, "area_month": area, "city_month": city, "areas": AREAS,
            "located": pd.DataFrame({"located": [located]})}


def _level_rows(tables: dict[str, pd.DataFrame], metric: str, audience: str, k: int) -> tuple[str, pd.DataFrame]:
    """The level ``audience`` sees of ``metric`` under threshold ``k`` and its rows (``unit``, ``period``, the
    count; NA: hidden)."""
    leaves = published_levels.leaves_of(tables["cell_month"])
    codes, geoms = published_levels.area_shapes(tables["areas"])
    views = published_levels.views(CITY, metric, leaves, tables.__getitem__,
                                   lambda cells: published_levels.cells_in_areas(cells, codes, geoms))
    c = choose(views, leaves, metric, audience, k=k)
    return c.level, c.frame


def _shown(tables: dict[str, pd.DataFrame], audience: str, k: int) -> dict[Key, float]:
    out: dict[Key, float] = {}
    cells = for_audience("cell_month", tables["cell_month"], audience, k=k, min_group=None)
    for metric in COUNTS:
        for cell, period, v in zip(cells["cell"], cells["period"], cells[metric], strict=True):
            if not pd.isna(v):
                out[(metric, "cell8", str(cell), str(period))] = float(v)
    for metric in PAGE:
        level, frame = _level_rows(tables, metric, audience, k)
        place = level.split("_")[0] if place_of(level) == "cell" else place_of(level)
        for unit, period, v in zip(frame["unit"], frame["period"], frame[metric], strict=True):
            if not pd.isna(v):
                out[(metric, place, str(unit), str(period))] = float(v)
    if bool(tables["located"]["located"].iloc[0]):  # told that no event lies outside every cell: none, each rest 0
        for metric in (m for pair in PAIRS for m in pair):
            out.update({(metric, "extra", str(a), p): 0.0 for a in AREAS["area_code"] for p in MONTHS})
    return out


def official_view(tables: dict[str, pd.DataFrame], k: int = 5) -> dict[Key, float]:
    """Every count an official reads of the world, by (metric, place, unit, period), under threshold ``k`` (the
    worlds are drawn for 5: a pure test helper's default)."""
    return _shown(tables, "official", k)


def staff_view(tables: dict[str, pd.DataFrame], k: int = 5) -> dict[Key, float]:
    """The same counts unsuppressed (staff's copy; the page at the published cells by month)."""
    return _shown(tables, "staff", k)


def _periods() -> dict[str, list[str]]:
    """Each period (month, quarter, year) with the periods it is the sum of."""
    months = pd.Series(MONTHS)
    quarters = pd.Series(period_at(months, "quarter"))
    out: dict[str, list[str]] = defaultdict(list)
    for m, q in zip(months, quarters, strict=True):
        out[q].append(m)
    for q in sorted(set(quarters)):
        out[q[:4]].append(q)
    return dict(out)


def _places() -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
    """Each place with the places it is the sum of."""
    out = [(("cell7", p), [("cell8", c) for c in sorted(h3.cell_to_children(p, 8)) if c in CELLS8]) for p in CELLS7]
    out.append((("cell6", ROOT6), [("cell7", p) for p in CELLS7]))
    out.append((("city", CITY), [("area", a) for a in AREAS["area_code"]]))
    return out


def _relations() -> list[tuple[Key, list[Key]]]:
    """Every sum the attacker knows: (total, parts), for each metric and rest."""
    metrics = [m for pair in PAIRS for m in pair]
    periods = [*MONTHS, *_periods()]
    units = [("cell8", c) for c in CELLS8] + [("cell7", c) for c in CELLS7] + [("cell6", ROOT6)] + \
        [("area", a) for a in AREAS["area_code"]] + [("extra", a) for a in AREAS["area_code"]] + [("city", CITY)]
    out = []
    for metric in metrics:
        for whole, parts in _places():
            out += [((metric, *whole, p), [(metric, *part, p) for part in parts]) for p in periods]
        for a in AREAS["area_code"]:  # an area is its cells (by centre, the cells download) and its events in none
            cells = [("cell8", c) for c, at in zip(CELLS8, CELL_AREA, strict=True) if at == a] + [("extra", a)]
            out += [((metric, "area", a, p), [(metric, *part, p) for part in cells]) for p in periods]
        for whole_p, parts_p in _periods().items():
            out += [((metric, *u, whole_p), [(metric, *u, p) for p in parts_p]) for u in units]
    return out


RELATIONS = _relations()


def closure(known: dict[Key, float]) -> dict[Key, float]:
    """Everything the attacker derives from ``known`` (``extra``: an area's events in no cell, an unknown unless
    the world is ``located``): sums of known parts, a part from its total less the
    others, a rest from its count less the part (and back), to a fixed point."""
    known = dict(known)
    triples = {key[1:] for whole, parts in RELATIONS for key in (whole, *parts)}  # (place, unit, period)
    changed = True
    while changed:
        changed = False
        for at in triples:
            for total, part, rest in PAIRS:
                t, s, r = (known.get((m, *at)) for m in (total, part, rest))
                if [t, s, r].count(None) == 1:
                    if t is None:
                        known[(total, *at)] = s + r
                    elif s is None:
                        known[(part, *at)] = t - r
                    else:
                        known[(rest, *at)] = t - s
                    changed = True
        for whole, parts in RELATIONS:
            missing = [p for p in parts if p not in known]
            if whole in known and len(missing) == 1:
                known[missing[0]] = known[whole] - sum(known[p] for p in parts if p in known)
                changed = True
            elif whole not in known and not missing:
                known[whole] = sum(known[p] for p in parts)
                changed = True
    return known


def bounds(known: dict[Key, float], k: int, rounds: int = 60) -> dict[Key, tuple[float, float]]:
    """What the attacker knows of every count and rest as bounds (lo, hi), from ``known`` (exact) and what a blank
    in the cells download says: a hidden part (flagged posts, hate crimes) is 1..k-1; a hidden count (posts,
    crimes) is 1..k-1 or its rest is (so the count is at least 1, the rest 0..k-1, and 1..k-1 where the part is k
    or more); nothing else is negative. Sums (``RELATIONS``) and pairs (count = part + rest) narrow the bounds, to
    a fixed point (``rounds`` at most). Exact values (``closure``) are bounds whose ends meet."""
    inf = 1e9  # no bound (finite: bounds are added and subtracted)
    box: dict[Key, list[float]] = {}
    for whole, parts in RELATIONS:
        for key in (whole, *parts):
            box.setdefault(key, [0.0, inf])
    rest_of = {total: (part, rest) for total, part, rest in PAIRS}
    blanks = [key for key in box if key[1] == "cell8" and key[3] in MONTHS and key[0] in COUNTS and key not in known]
    for key in blanks:
        if key[0] in rest_of:
            box[key][0] = 1.0
            box[(rest_of[key[0]][1], *key[1:])] = [0.0, k - 1.0]
        else:
            box[key] = [1.0, k - 1.0]
    for key, v in known.items():
        box[key] = [v, v]
    sums = list(RELATIONS) + [((total, *at), [(part, *at), (rest, *at)]) for total, part, rest in PAIRS
                              for at in {key[1:] for key in box}]
    hidden_totals = [((rest_of[key[0]][0], *key[1:]), (rest_of[key[0]][1], *key[1:])) for key in blanks
                     if key[0] in rest_of]
    for _ in range(rounds):
        changed = False
        for part, rest in hidden_totals:  # a part of k or more: the count is not small, so its rest is
            if box[part][0] >= k and box[rest][0] < 1:
                box[rest][0], changed = 1.0, True
        for whole, parts in sums:
            w = box[whole]
            lo, hi = sum(box[p][0] for p in parts), sum(box[p][1] for p in parts)
            if lo > w[0] or hi < w[1]:
                w[0], w[1], changed = max(w[0], lo), min(w[1], hi), True
            for p in parts:
                b = box[p]
                plo, phi = w[0] - (hi - b[1]), w[1] - (lo - b[0])
                if plo > b[0] or phi < b[1]:
                    b[0], b[1], changed = max(b[0], plo), min(b[1], phi), True
                    lo, hi = sum(box[q][0] for q in parts), sum(box[q][1] for q in parts)
        if not changed:
            break
    return {key: (b[0], b[1]) for key, b in box.items()}


def rest_leaks(shown: dict[Key, float], k: int) -> list[tuple[Key, float]]:
    """The rests (``PAIRS``) the attacker knows exactly that are 1..k-1, by exact sums (``closure``) or bounds
    (``bounds``); and any count it pins at one value of 1..k-1 that was not shown."""
    rests = {rest for _, _, rest in PAIRS}
    exact = {key: v for key, v in closure(shown).items() if key[0] in rests and 1 <= v <= k - 1}
    exact.update({key: lo for key, (lo, hi) in bounds(shown, k).items()
                  if lo == hi and 1 <= lo <= k - 1 and key not in shown and (key[0] in rests or key[1] != "extra")})
    return sorted(exact.items())


def leaking_worlds(seed: int, worlds: int, k: int,
                   view: Callable[[dict, int], dict[Key, float]] = official_view) -> tuple[int, list[tuple[int, list]]]:
    """How many of ``worlds`` random cities (``seed``) leak a small rest through ``view``, and the first few."""
    rng = np.random.default_rng(seed)
    found = []
    for i in range(worlds):
        leaks = rest_leaks(view(world(rng, located=bool(i % 2)), k), k)
        if leaks:
            found.append((i, leaks[:3]))
    return len(found), found[:3]


def hidden_cells(tables: Iterable[dict[str, pd.DataFrame]], k: int = 5) -> dict[str, int]:
    """The counts an official does not see (cells download and the page's levels, threshold ``k``), summed over
    ``tables``: the cost of a rule in information."""
    out: dict[str, int] = defaultdict(int)
    for t in tables:
        cells = for_audience("cell_month", t["cell_month"], "official", k=k, min_group=None)
        for metric in COUNTS:
            out[f"cells.{metric}"] += int(cells[metric].isna().sum())
        for metric in PAGE:
            level, frame = _level_rows(t, metric, "official", k)
            out[f"level.{metric}.{level}"] += 1
            out[f"level.{metric}.hidden"] += int(frame[metric].isna().sum())
    return dict(out)
