"""Random small cities against the alert rule (``for_audience("alerts", ..., "official", parts=...)``): an
attacker written apart from the code under test reads an official's copy of the alerts beside the published
totals and looks for a small count (1..k-1) they give back. It knows only what an official sees: the counts shown,
which are shown as "fewer than k", which alerts exist with their counts withheld, the usual levels (a burst's
baseline window sum) and the published monthly totals (an area's or the city's posts and flagged posts, each shown
when 0 or k or more, and the posts that are not flagged: their difference).

A world (k = 5): one city of two areas over February and March 2025; flagged posts clump on a few days. A burst
is an area's ISO week (2025-W06..W13; W09 spans both months) of ``MIN_POSTS`` or more flagged posts, some with a
usual level over the 1-3 weeks before it; a coordinated cluster is a few days' posts (``MIN_ACCOUNTS`` or more,
some hateful), the city's (clusters carry no area), which may span the month boundary.

The attacker: for each published total (an area's or the city's month, or both months) and metric (flagged posts,
posts, posts not flagged), every set of counts inside it known to share no post (two counts of different areas, or
whose days do not overlap; a burst's flagged posts are posts too) is subtracted: a remainder of 1..k-1 with every
count of the set known is a leak, and so is a set whose unseen counts' floors (a count "fewer than k": 1, a burst:
``MIN_POSTS``; an alert whose counts are withheld says its count is at least its rule's floor) fill the
remainder exactly, pinning a small one at its floor.

The attacker with algebra (``known_by_algebra``): the published totals set against each other (the areas sum to
their city, the months to their year where one is published: ``with_year``), each hidden total in 1..k-1 and at
least the alert counts inside it, to a fixed point; a total it then knows exactly is set against the alert counts
as above, and a total it pins only with the alerts' help is a leak. What the tables give back by themselves (a
hidden area from its city less the other; posts less flagged posts in 1..k-1: a count of its own) is not the alert
rule's (``test_the_algebra_pins_hidden_totals_at_either_bound`` shows the attacker finds it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from geo.warning import MIN_POSTS
from scn.analysis.coordination import MIN_ACCOUNTS
from scn.privacy.disclosure import for_audience
from scn.settings import suppress_below
from tests.support.alert_rows import alert_totals_of
from tests.support.alert_rows import burst as _burst
from tests.support.alert_rows import cluster as _cluster

K = 5
START = date(2025, 2, 1)
DAYS = 59  # 1 February - 31 March 2025
MONTHS = {"2025-02": (0, 27), "2025-03": (28, 58)}
RUNS = {("2025-02",): (0, 27), ("2025-03",): (28, 58), ("2025-02", "2025-03"): (0, 58)}
WEEKS = range(6, 14)  # ISO weeks wholly inside the world; W09 is 24 February - 2 March
AREAS = ("A0", "A1")
WORLDS = 50
SEEDS = (3, 9)
# the attacker's metrics: the names of the totals ``alert_totals`` gives the rule
METRICS = {"flagged": "flagged_posts", "posts": "posts", "unflagged": "unflagged_posts"}


def _week_days(week: int) -> tuple[int, int]:
    """The days (from 1 February) of ISO week ``week`` of 2025 (W06 starts on Monday 3 February)."""
    first = 2 + 7 * (week - 6)
    return first, first + 6


def _day(d: int) -> str:
    return (START + timedelta(days=int(d))).isoformat()


@dataclass(frozen=True)
class Count:
    """One number an official reads about an alert: the posts of ``metric`` it counts, where (``area``, None:
    anywhere in the city) and when (days ``d0``..``d1``); ``value`` when shown, else what the official knows:
    at least ``floor``."""

    alert: int
    kind: str
    metric: str
    area: str | None
    d0: int
    d1: int
    value: float | None
    floor: float


def world(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random city: its posts (area, day, flagged) and its alerts (rows as ``scn.analysis.tables`` writes
    them)."""
    n_f, n_o = int(rng.integers(15, 50)), int(rng.integers(5, 100))
    hot = rng.integers(0, DAYS, 3)  # flagged posts clump on a few days: bursts and clusters meet
    days = np.r_[np.clip(rng.choice(hot, n_f) + rng.integers(-2, 3, n_f), 0, DAYS - 1), rng.integers(0, DAYS, n_o)]
    posts = pd.DataFrame({"area": np.array(AREAS)[rng.integers(0, 2, n_f + n_o)], "day": days,
                          "flagged": np.r_[np.ones(n_f, bool), np.zeros(n_o, bool)]})
    flagged = posts[posts["flagged"]]
    rows = []
    for area in AREAS:
        for week in WEEKS:
            d0, d1 = _week_days(week)
            n = int(((flagged["area"] == area) & flagged["day"].between(d0, d1)).sum())
            if n < MIN_POSTS or rng.random() > 0.9:
                continue
            span = int(rng.integers(1, 4))
            if week - span >= WEEKS[0] and rng.random() < 0.7:  # a usual level over the weeks before
                w0 = _week_days(week - span)[0]
                window = int(((flagged["area"] == area) & flagged["day"].between(w0, d0 - 1)).sum())
                row = _burst("d", area, f"2025-W{week:02d}", n, window / span, f"2025-W{week - span:02d}",
                             f"2025-W{week - 1:02d}")
                row["evidence"] = json.dumps(json.loads(row["evidence"]) | {"baseline_weeks": span})
            else:
                row = _burst("d", area, f"2025-W{week:02d}", n, 0.0)
            rows.append(row)
    for _ in range(int(rng.integers(1, 5))):
        s = int(rng.choice(hot)) - int(rng.integers(0, 4)) if rng.random() < 0.7 else int(rng.integers(0, DAYS - 1))
        s = min(max(s, 0), DAYS - 2)
        e = min(DAYS - 1, s + int(rng.integers(0, 7)))
        pool = posts[posts["day"].between(s, e)]
        take = pd.concat([pool[pool["flagged"]].sample(frac=float(rng.uniform(0.5, 1)), random_state=rng),
                          pool[~pool["flagged"]].sample(frac=float(rng.uniform(0, 1)), random_state=rng)])
        hateful = int(take["flagged"].sum())
        if len(take) < MIN_ACCOUNTS or hateful == 0:
            continue
        first, last = pd.Timestamp(f"{_day(take['day'].min())} 12:00", tz="UTC"), \
            pd.Timestamp(f"{_day(take['day'].max())} 15:00", tz="UTC")
        row = _cluster(len(take), _day(take["day"].min())) | {
            "city_id": "d", "period": f"{first.isocalendar().year}-W{first.isocalendar().week:02d}",
            "first_seen": first, "last_seen": last}
        row["evidence"] = json.dumps(json.loads(row["evidence"]) | {
            "hateful_posts": hateful, "first_seen": first.strftime("%Y-%m-%dT%H:%MZ"),
            "last_seen": last.strftime("%Y-%m-%dT%H:%MZ")})
        rows.append(row)
    return posts, pd.DataFrame(rows)


def published(posts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The published monthly totals (``area_month``, ``city_month``) as the pipeline writes them."""
    month = np.where(posts["day"] <= MONTHS["2025-02"][1], "2025-02", "2025-03")
    p = posts.assign(period=month, flagged_posts=posts["flagged"].astype(int), posts=1)
    area = p.groupby(["area", "period"], as_index=False)[["posts", "flagged_posts"]].sum()
    area = area.set_index(["area", "period"]).reindex(
        pd.MultiIndex.from_product([AREAS, list(MONTHS)], names=["area", "period"]), fill_value=0).reset_index()
    city = p.groupby("period", as_index=False)[["posts", "flagged_posts"]].sum()
    return {"area_month": area.rename(columns={"area": "area_code"}).assign(city_id="d"),
            "city_month": city.assign(city_id="d")}


def _read(ev: dict, key: str, floor: float) -> tuple[float | None, float]:
    """One count of an alert's evidence as an official reads it: (its value, its value) when shown; (None, the
    rule's ``floor``) when the alert's counts are withheld (it exists); (None, at least 1) "fewer than k"."""
    if ev.get("counts_withheld"):
        return None, floor
    v = ev.get(key)
    return (float(v), float(v)) if v is not None else (None, max(floor, 1.0))


def read_counts(out: pd.DataFrame) -> list[Count]:
    """What an official reads of each alert in its copy (``out``; its index: the alert's row)."""
    counts = []
    for i, row in out.iterrows():
        ev = json.loads(row["evidence"])
        area = row["area_code"] if isinstance(row["area_code"], str) else None
        if row["alert_type"] == "burst":
            d0, d1 = _week_days(int(ev["week"][-2:]))
            v, lo = _read(ev, "flagged_posts", MIN_POSTS)
            for metric in ("flagged", "posts"):  # flagged posts are posts
                counts.append(Count(i, "burst", metric, area, d0, d1, v, lo))
            if ev.get("baseline_from") and not ev.get("counts_withheld") and not ev.get("baseline_withheld"):
                w0, w1 = _week_days(int(ev["baseline_from"][-2:]))[0], _week_days(int(ev["baseline_to"][-2:]))[1]
                mean = ev.get("baseline")  # the usual weekly count: x the weeks, the window's flagged posts
                v = None if mean is None else round(mean * ev["baseline_weeks"])
                if v != 0:  # a window of 0 adds nothing to a subtraction
                    for metric in ("flagged", "posts"):
                        counts.append(Count(i, "usual", metric, area, w0, w1, v, 1.0 if v is None else v))
        else:
            d0 = (pd.Timestamp(ev["first_seen"]).date() - START).days
            d1 = (pd.Timestamp(ev["last_seen"]).date() - START).days
            posts, lo = _read(ev, "posts", MIN_ACCOUNTS)
            hateful, lo_h = _read(ev, "hateful_posts", 0.0)  # a cluster of hostile calls alone has none
            counts.append(Count(i, "cluster", "posts", None, d0, d1, posts, lo))
            counts.append(Count(i, "cluster", "flagged", None, d0, d1, hateful, lo_h))
            if posts is not None and hateful is not None:
                counts.append(Count(i, "cluster", "unflagged", None, d0, d1, posts - hateful, posts - hateful))
    return counts


def totals_known(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str, tuple[str, ...], str, float]]:
    """The totals an official reads (place, unit, months, metric, total): each month's shown count (0 or k or
    more), both months where both are shown, and the posts not flagged where both totals are shown."""
    out = []
    for name, unit in (("area_month", "area_code"), ("city_month", "city_id")):
        for u, rows in tables[name].groupby(unit):
            by_month = rows.set_index("period")
            for months in (m for m in RUNS if set(m) <= set(by_month.index)):
                got = {}
                for col, metric in (("flagged_posts", "flagged"), ("posts", "posts")):
                    v = by_month.loc[list(months), col].to_numpy(dtype="float64")
                    if ((v == 0) | (v >= K)).all():
                        got[metric] = float(v.sum())
                if {"flagged", "posts"} <= set(got):
                    got["unflagged"] = got["posts"] - got["flagged"]
                out += [(name.split("_")[0], str(u), months, m, t) for m, t in got.items()]
    return out


def _apart(a: Count, b: Count) -> bool:
    """Known to share no post: days that do not overlap, or two different areas."""
    return a.d1 < b.d0 or b.d1 < a.d0 or (a.area is not None and b.area is not None and a.area != b.area)


def _subtractable(inside: list[Count], total: float) -> list[tuple[list[Count], float, float]]:
    """Every non-empty set of ``inside`` known to share no post whose shown counts and floors fit in ``total``:
    (the set, its shown counts' sum, its unseen counts' floors' sum)."""
    out = []

    def grow(start: int, taken: list[Count], known: float, floors: float) -> None:
        if taken:
            out.append((taken, known, floors))
        for j in range(start, len(inside)):
            c = inside[j]
            add, fl = (c.value, 0.0) if c.value is not None else (0.0, c.floor)
            if known + add + floors + fl <= total and all(_apart(c, t) for t in taken):
                grow(j + 1, [*taken, c], known + add, floors + fl)

    grow(0, [], 0.0, 0.0)
    return out


def leaks(counts: list[Count], totals: list[tuple[str, str, tuple[str, ...], str, float]]) -> list[str]:
    """Every total and set of counts inside it known to share no post that gives a small count back: the rest
    (total less the set) exactly 1..k-1 with every count of the set shown; or, some not shown, their floors
    filling the rest exactly (each is at its floor and nothing else is left), one of them a floor of 1..k-1."""
    found = []
    for place, unit, months, metric, total in totals:
        r0, r1 = RUNS[months]
        inside = [c for c in counts if c.metric == metric and r0 <= c.d0 and c.d1 <= r1
                  and (place == "city" or c.area == unit)]
        name = f"{place} {unit} {'+'.join(months)} {metric}: {total:g} - {{}}"
        for taken, known, floors in _subtractable(inside, total):
            unseen = [c.floor for c in taken if c.value is None]
            if not unseen and known > 0 and 1 <= total - known <= K - 1:  # (a small total alone: not the alerts')
                found.append(name.format(f"{known:g} = {total - known:g}"))
            elif unseen and total - known == floors and any(1 <= f <= K - 1 for f in unseen):
                found.append(name.format(f"{known:g} pins {unseen}"))
    return found


def official_worlds(seed: int, worlds: int = WORLDS):
    """Each world of ``seed`` with alerts: its published totals and the official's copy of its alerts (shaped
    with the totals, ``alert_totals``)."""
    rng = np.random.default_rng(seed)
    for _ in range(worlds):
        posts, alerts = world(rng)
        if len(alerts):
            tables = published(posts)
            yield tables, for_audience("alerts", alerts, "official", parts=alert_totals_of(tables),
                                       k=5, min_group=10)


@pytest.mark.parametrize("seed", SEEDS)
def test_no_random_world_gives_an_official_a_small_count(seed: int) -> None:
    """No total an official reads, less any set of alert counts known to share no post, gives back 1..k-1, nor
    pins a count not shown at a small floor."""
    assert suppress_below() == K
    bad = []
    for tables, out in official_worlds(seed):
        found = leaks(read_counts(out), totals_known(tables))
        if found:
            bad.append(found[0])
    assert bad == []


@pytest.mark.parametrize("seed", SEEDS)
def test_the_attacker_finds_small_counts_in_what_staff_see(seed: int) -> None:
    """The attacker works: read off every count (staff's copy), most worlds give a small count back (23 and 25
    of 25 when written)."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(WORLDS // 2):
        posts, alerts = world(rng)
        if len(alerts):
            hits += bool(leaks(read_counts(alerts), totals_known(published(posts))))
    assert hits >= WORLDS // 4


def test_the_totals_the_attacker_reads_are_the_totals_the_rule_is_given() -> None:
    """Every total the attacker reads of one month (an area's or the city's posts, flagged posts and posts not
    flagged) is among the ``parts`` an official's copy is shaped with (``alert_totals``), with the same value; and
    the worlds hold counts of both areas and the city's, bursts and clusters across the month boundary and usual
    levels shown and "fewer than k"."""
    rng, seen = np.random.default_rng(SEEDS[0]), set()
    for _ in range(40):
        posts, alerts = world(rng)
        tables = published(posts)
        parts = alert_totals_of(tables)
        given = {(p, u, int(m), metric): t for p, u, m, metric, t in
                 parts[["place", "unit", "month", "metric", "total"]].itertuples(index=False)}
        for place, unit, months, metric, total in totals_known(tables):
            if len(months) == 1:
                month = 2025 * 12 + int(months[0][-2:]) - 1
                key = (place, unit, month, METRICS[metric])
                assert given.get(key) == total, key
        if len(alerts):
            for c in read_counts(for_audience("alerts", alerts, "staff", k=5, min_group=10)):
                seen |= {("area", c.area), (c.kind, c.d0 <= MONTHS["2025-02"][1] < c.d1)}
    assert {("area", "A0"), ("area", "A1"), ("area", None), ("burst", True), ("cluster", True), ("usual", False),
            ("usual", True)} <= seen


@pytest.mark.parametrize(("march", "kept"), [(7, 0), (8, 2)])
def test_a_usual_level_shown_as_fewer_than_k_is_a_floor_of_1(march: int, kept: int) -> None:
    """Found by the attacker (seed 3, world 163): area A0's bursts of 3 in 2025-W12 and W13 (shown as "fewer than
    5") and W12's usual level over W10-W11 (a window of 1, shown as "fewer than 5": 1 or more). A March of 7 less
    nothing shown is 3 + 1 + 3, every floor: all three were pinned, though the rule took the window's floor as 0
    (3 + 0 + 3 = 6 pinned nothing). The official gets neither alert; with 8 both (each count two values or more)."""
    alerts = pd.DataFrame([_burst("d", "A0", "2025-W12", 3, 0.5, "2025-W10", "2025-W11"),
                           _burst("d", "A0", "2025-W13", 3, 0.0)])
    alerts["evidence"] = [json.dumps(json.loads(e) | {"baseline_weeks": 2}) for e in alerts["evidence"]]
    tables = {"area_month": pd.DataFrame({"city_id": "d", "area_code": ["A0", "A1"], "period": "2025-03",
                                          "flagged_posts": [march, 40], "posts": [march + 30, 70]})}
    tables["city_month"] = tables["area_month"].groupby(["city_id", "period"], as_index=False)[
        ["flagged_posts", "posts"]].sum()
    totals = totals_known(tables)
    staff = read_counts(for_audience("alerts", alerts, "staff", k=5, min_group=10))
    hidden = [replace(c, value=None, floor=MIN_POSTS if c.kind == "burst" else 1.0) if c.value < K else c
              for c in staff]  # what the official reads where both alerts are kept: every count "fewer than 5"
    assert bool(leaks(hidden, totals)) == (kept == 0)
    official = for_audience("alerts", alerts, "official", parts=alert_totals_of(tables), k=5, min_group=10)
    assert len(official) == kept
    assert leaks(read_counts(official), totals) == []


@pytest.mark.parametrize(("posts", "shown"), [(100, False), (110, True)])
def test_a_clusters_posts_not_hateful_are_parts_of_the_posts_not_flagged(posts: int, shown: bool) -> None:
    """A city's March of 100 posts, 20 of them flagged, and a cluster of 90 posts, 12 hateful (5 March): 100 - 90
    = 10 and 20 - 12 = 8 leave nothing small, but the posts not flagged (100 - 20 = 80, both totals published) less
    the cluster's posts not hateful (90 - 12 = 78) leave 2. With 110 posts: 12."""
    cluster = _cluster(90, "2025-03-05") | {"city_id": "d"}
    cluster["evidence"] = json.dumps(json.loads(cluster["evidence"]) | {"hateful_posts": 12})
    alerts = pd.DataFrame([cluster])
    city = pd.DataFrame({"city_id": "d", "period": ["2025-03"], "posts": [posts], "flagged_posts": [20]})
    totals = totals_known({"city_month": city, "area_month": city.iloc[:0].assign(area_code=None)})
    assert bool(leaks(read_counts(alerts), totals)) != shown  # the attack, on every count
    official = for_audience("alerts", alerts, "official", parts=alert_totals_of({"city_month": city}),
                            k=5, min_group=10)
    assert (json.loads(official["evidence"].iloc[0])["posts"] is not None) == shown
    assert leaks(read_counts(official), totals) == []


def _march_alerts() -> pd.DataFrame:
    """City d's March of the two tests below: bursts of 5 (2025-W10, all on 9 March) and 6 (W12, all on 17 March)
    and clusters of 7 hateful posts (9-10 March) and 8 (10-17 March)."""
    def cluster(n: int, first: str, last: str) -> dict:
        row = _cluster(n, first) | {"city_id": "d", "last_seen": pd.Timestamp(f"{last} 15:00", tz="UTC")}
        row["evidence"] = json.dumps(json.loads(row["evidence"]) | {"last_seen": f"{last}T15:00Z"})
        return row

    return pd.DataFrame([_burst("d", "A0", "2025-W10", 5, 0.0), cluster(7, "2025-03-09", "2025-03-10"),
                         cluster(8, "2025-03-10", "2025-03-17"), _burst("d", "A1", "2025-W12", 6, 0.0)])


@pytest.mark.parametrize(("march", "shown"), [(13, False), (20, True)])
def test_every_maximal_set_of_counts_known_to_share_no_post_is_subtracted(march: int, shown: bool) -> None:
    """Bursts of 5 (2025-W10, all on 9 March) and 6 (W12, all on 17 March) and clusters of 7 hateful posts (9-10
    March) and 8 (10-17 March): each cluster shares days with one burst and with the other cluster. An official
    subtracts the two bursts (never sharing a post) from a March of 13 flagged posts: 2. The sets taken one per
    count, largest first, were {5, 8} and {7, 6} (13 - 13 = 0 each), never {5, 6}. With 20: 9 left."""
    alerts = _march_alerts()
    city = pd.DataFrame({"city_id": "d", "period": ["2025-03"], "posts": [200], "flagged_posts": [march]})
    totals = totals_known({"city_month": city, "area_month": city.iloc[:0].assign(area_code=None)})
    assert bool(leaks(read_counts(alerts), totals)) != shown  # the attack, on every count
    official = for_audience("alerts", alerts, "official", parts=alert_totals_of({"city_month": city}),
                            k=5, min_group=10)
    bursts = [json.loads(e).get("flagged_posts") for e in official.loc[official["alert_type"] == "burst", "evidence"]]
    assert bursts == ([5, 6] if shown else [None, None])
    assert leaks(read_counts(official), totals) == []


@pytest.mark.parametrize("cap", [0, 1, 2])
def test_a_cap_on_the_maximal_sets_hides_more_never_checks_less(cap: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The world of the test above (a March of 13: bursts of 5 and 6 between clusters of 7 and 8) with the maximal
    sets of counts known to share no post capped at ``cap`` (``MAX_SETS``; a big city has more than any cap): the
    greedy sets never hold {5, 6}, so a check that stopped at the cap let 13 - 11 = 2 through. Past the cap the
    rule must hide more, not check less: no leak whatever the cap."""
    import scn.privacy.disclosure as disclosure

    monkeypatch.setattr(disclosure, "MAX_SETS", cap)

    alerts = _march_alerts()
    city = pd.DataFrame({"city_id": "d", "period": ["2025-03"], "posts": [200], "flagged_posts": [13]})
    totals = totals_known({"city_month": city, "area_month": city.iloc[:0].assign(area_code=None)})
    official = for_audience("alerts", alerts, "official", parts=alert_totals_of({"city_month": city}),
                            k=5, min_group=10)
    assert leaks(read_counts(official), totals) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_no_random_world_leaks_with_the_maximal_sets_capped(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The random worlds with no maximal set enumerated at all (``MAX_SETS`` = 0: every check past its cap, as the
    city-wide checks of a big city): the conservative bound still leaves the attacker nothing."""
    import scn.privacy.disclosure as disclosure

    monkeypatch.setattr(disclosure, "MAX_SETS", 0)
    bad = []
    for tables, out in official_worlds(seed, WORLDS // 2):
        found = leaks(read_counts(out), totals_known(tables))
        if found:
            bad.append(found[0])
    assert bad == []


# the algebra an official can do across the published totals (``known_by_algebra``): the areas sum to their city
# (every post of a world has an area) and the two months to their run (``YEAR``: a both-months table published
# beside the months, as a year beside its months); a published count shown is exact, one hidden lies in 1..k-1
YEAR = ("2025-02", "2025-03")
Var = tuple[str, tuple[str, ...], str]  # (unit: an area or "city", months, metric: flagged or posts)


def _bounds(tables: dict[str, pd.DataFrame], year: bool) -> dict[Var, list[float]]:
    """What an official reads of each total: [v, v] shown, [1, k-1] hidden, [0, inf) not published."""
    b: dict[Var, list[float]] = {(u, m, x): [0.0, np.inf] for u in (*AREAS, "city") for m in RUNS
                                 for x in ("flagged", "posts")}
    sources = [(tables["area_month"], "area_code"), (tables["city_month"], None)]
    for frame, unit in sources:
        for row in frame.itertuples(index=False):
            for col, x in (("flagged_posts", "flagged"), ("posts", "posts")):
                u = getattr(row, unit) if unit else "city"
                months = (row.period,) if row.period in MONTHS else YEAR
                if months == YEAR and not year:
                    continue
                v = float(getattr(row, col))
                b[(u, months, x)] = [v, v] if (v == 0 or v >= K) else [1.0, K - 1.0]
    return b


def _tighten(b: dict[Var, list[float]]) -> None:
    """Interval propagation to a fixed point over x0 = x1 + x2 (city = A0 + A1; both months = Feb + Mar) and
    flagged <= posts."""
    sums = [((("city", m, x)), (AREAS[0], m, x), (AREAS[1], m, x)) for m in RUNS for x in ("flagged", "posts")]
    sums += [((u, YEAR, x), (u, (YEAR[0],), x), (u, (YEAR[1],), x)) for u in (*AREAS, "city")
             for x in ("flagged", "posts")]
    for _ in range(50):
        before = {v: tuple(iv) for v, iv in b.items()}
        for s, a, c in sums:
            for x0, x1, x2, sign in ((s, a, c, 1), (a, s, c, -1), (c, s, a, -1)):
                lo = b[x1][0] + b[x2][0] if sign == 1 else b[x1][0] - b[x2][1]
                hi = b[x1][1] + b[x2][1] if sign == 1 else b[x1][1] - b[x2][0]
                b[x0][0], b[x0][1] = max(b[x0][0], lo), min(b[x0][1], hi)
        for u, m, _ in list(b):
            p, f = b[(u, m, "posts")], b[(u, m, "flagged")]
            p[0], f[1] = max(p[0], f[0]), min(f[1], p[1])
        if before == {v: tuple(iv) for v, iv in b.items()}:
            return


def _alert_floors(b: dict[Var, list[float]], counts: list[Count]) -> None:
    """Each total is at least the counts of any set inside it known to share no post (shown: their value; not
    shown: their floor, an alert's existence): a lower bound the algebra carries to the other totals."""
    for (u, m, x), iv in b.items():
        r0, r1 = RUNS[m]
        inside = [c for c in counts if c.metric == x and r0 <= c.d0 and c.d1 <= r1 and (u == "city" or c.area == u)]
        sets = _subtractable(inside, np.inf)
        iv[0] = max([iv[0], *(known + floors for _, known, floors in sets)])


def known_by_algebra(tables: dict[str, pd.DataFrame], year: bool = False, counts: list[Count] | None = None
                     ) -> tuple[list[tuple[str, str, tuple[str, ...], str, float]], list[str]]:
    """The totals an official knows exactly once the published ones are set against each other (as
    ``totals_known``: place, unit, months, metric, total), and what that algebra gives back: a hidden total pinned
    (a city shown as 8 over two areas hidden, k = 5: 4 and 4, each at its upper bound; a hidden month less
    nothing), or the posts not flagged (posts less flagged posts, a count of their own) small where the posts are
    not hidden. ``counts``: an official's alert counts, which bound the totals they lie in from below."""
    b = _bounds(tables, year)
    hidden = {v for v, (lo, hi) in b.items() if lo == 1 and hi == K - 1}
    if counts is not None:
        _alert_floors(b, counts)
    _tighten(b)
    found = [f"{v} hidden, given back as {b[v][0]:g}" for v in sorted(hidden) if b[v][0] == b[v][1]]
    out = []
    for (u, m, x), (lo, hi) in sorted(b.items()):
        place, unit = ("city", "d") if u == "city" else ("area", u)
        if lo == hi:
            out.append((place, unit, m, x, lo))
        if x == "posts":
            f = b[(u, m, "flagged")]
            rest = (max(lo - f[1], 0.0), hi - f[0])
            if lo == hi and f[0] == f[1]:
                out.append((place, unit, m, "unflagged", rest[0]))
            if (rest[0] == rest[1] or lo >= K) and 1 <= rest[1] <= K - 1:
                found.append(f"{u} {'+'.join(m)} posts not flagged: {rest[0]:g}..{rest[1]:g}")
    return out, found


def leaks_by_algebra(counts: list[Count], tables: dict[str, pd.DataFrame], year: bool = False) -> list[str]:
    """What the alert counts add to the algebra over the published totals: the alert counts set against every
    total it knows exactly (``leaks``), and a total the algebra pins only with the alerts' bounds (its finds with
    the counts about a total the tables alone leave open: the published tables' own algebra is not the alerts'
    doing, and a range of theirs the alerts narrow is theirs too)."""
    def subject(find: str) -> str:  # the total a find is about (the alerts may narrow a find of the tables)
        return find.split(":")[0].split(" hidden")[0]

    alone = {subject(f) for f in known_by_algebra(tables, year)[1]}
    totals, found = known_by_algebra(tables, year, counts)
    return [f for f in found if subject(f) not in alone] + leaks(counts, totals)


def with_year(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The world's tables with each area's and the city's both months published as one row (a year)."""
    out = {}
    for name, keys in (("area_month", ["city_id", "area_code"]), ("city_month", ["city_id"])):
        rows = tables[name]
        both = rows.groupby(keys, as_index=False)[["posts", "flagged_posts"]].sum().assign(period="2025")
        out[name] = pd.concat([rows, both], ignore_index=True)
    return out


@pytest.mark.parametrize("year", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_no_random_world_gives_a_small_count_through_the_algebra_of_the_totals(seed: int, year: bool) -> None:
    """The attacker with the algebra of the published totals (areas sum to their city, months to their year when
    it is published; a hidden total lies in 1..k-1, so it is pinned at either bound) and the alerts' lower bounds:
    no total it then knows exactly, less any set of alert counts known to share no post, gives back 1..k-1 or
    pins a count not shown, and no total is pinned that the published tables alone leave open."""
    bad = []
    for tables, out in official_worlds(seed, WORLDS // 2):
        found = leaks_by_algebra(read_counts(out), with_year(tables) if year else tables, year)
        if found:
            bad.append(found[0])
    assert bad == []


@pytest.mark.parametrize("seed", SEEDS)
def test_the_algebra_attacker_finds_small_counts_in_what_staff_see(seed: int) -> None:
    """The extended attacker still works on staff's copy (every count shown): most worlds give one back."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(WORLDS // 2):
        posts, alerts = world(rng)
        if len(alerts):
            hits += bool(leaks_by_algebra(read_counts(alerts), with_year(published(posts)), True))
    assert hits >= WORLDS // 4


def test_the_algebra_pins_hidden_totals_at_either_bound() -> None:
    """The algebra itself (no alerts): a city month shown as 8 over two areas hidden (k = 5) pins both at 4 (the
    upper bound); a city of 7 leaves each area 3 or 4. Posts less flagged posts of 2
    (12 and 10, both shown) is a small count of its own; 15 and 10 is not."""
    def tables(a0: int, a1: int, posts: tuple[int, int] = (40, 40)) -> dict[str, pd.DataFrame]:
        area = pd.DataFrame({"city_id": "d", "area_code": list(AREAS), "period": "2025-03",
                             "flagged_posts": [a0, a1], "posts": list(posts)})
        return {"area_month": area, "city_month": area.groupby(["city_id", "period"], as_index=False)[
            ["flagged_posts", "posts"]].sum()}

    def given_back(t: dict[str, pd.DataFrame]) -> list[str]:
        return [f for f in known_by_algebra(t)[1] if "given back" in f]

    assert len(given_back(tables(4, 4))) == 2
    assert given_back(tables(3, 4)) == []
    assert any("not flagged" in f for f in known_by_algebra(tables(10, 20, (12, 40)))[1])
    assert not any("not flagged" in f for f in known_by_algebra(tables(10, 20, (15, 40)))[1])
