"""Random small cities against the survey views officials see: an attacker written apart from the rule reads an
official's copy of the survey indices (the survey-indices download: every survey, wave and construct, overall
and by area, gender and age group, with n, mean and interval; the city page's survey figure is its ``all`` rows)
and of the pre/post table (the city page's and the download's: each wave's n and mean over the wave's surveys,
the difference and the difference standardised over the respondents' age group or gender), and looks for a
group of fewer than ``min_group`` respondents whose mean it learns, or a hidden count of 1..k-1 respondents
(k = ``suppress_below``).

A world (``min_group`` 10, k 5): one city, a baseline and an endline survey of 10-60 respondents, now and then a
third small survey in one of the waves and a survey with no wave; respondents in 2-5 areas of uneven size, of
three genders and age groups (a mix that changes between the surveys), a few with none of them; two constructs, a 0-100 index of five levels and a yes/no
one (0 or 100: its mean with its n is a count of yes), the second skipped by a few respondents; weights 1.

The attacker knows every published n and mean (a mean with its n is a sum: weights 1) and differences:
- a survey wave's construct (its ``all`` row) less the shown groups of one group type (area-to-city, a total
  less the shown groups; the respondents with no area are in the rest);
- the same respondents by two group types: a type whose shown groups' n add up to the ``all`` n gives the
  ``all`` sum even when the ``all`` row is hidden;
- wave-to-wave: the pre/post table's wave (n and mean over the surveys it names) less the surveys' ``all`` rows,
  and the other way round (one survey in the wave: its ``all`` row is the wave's);
- the standardised difference: the pooled shares (from the groups' n) times the strata's mean changes, less the
  strata whose means are shown in both waves, gives a hidden stratum's mean when one mean is missing;
- the share of answers: a mean with its n is a sum of answers on the known levels of the construct (the
  questionnaire is public): for the yes/no index the count of yes (sum / 100) and of no (n less that); for the
  five-level index, at most sum / 25 respondents answered above the bottom (and at most (100 n - sum) / 25 below
  the top). It reads this of every set of respondents whose n and sum it knows: a published group, one it worked
  out, and the rest of a total less its shown groups.
What it learns is fed back until nothing more follows. A leak: the mean of 1..min_group-1 respondents, or a count
of 1..k-1 respondents not shown (the respondents who answered yes, or off the bottom or top of the scale, among
them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from scn.analysis.tables import survey_areas
from scn.privacy.disclosure import for_audience
from scn.settings import settings, suppress_below
from tests.support.survey_marts import survey_marts

M, K = 10, 5
WORLDS = 40
SEEDS = (1, 2)
GENDERS, AGES = ("female", "male", "other"), ("18-29", "30-49", "50+")
CONSTRUCTS = {"cohesion": (0.0, 25.0, 50.0, 75.0, 100.0), "threatened": (0.0, 100.0)}


def _pick(rng: np.random.Generator, values: tuple | list, p: np.ndarray, none: float, n: int) -> np.ndarray:
    """``n`` draws of ``values`` with probabilities ``p``, each missing with probability ``none``."""
    out = rng.choice(np.array(values, dtype=object), n, p=p)
    return np.where(rng.random(n) < none, None, out)


ITEM_TYPES = {"cohesion": "scale", "threatened": "binary"}
# near the ends of the scales: the five-level index mostly at its top, few saying yes
SKEWED = {"cohesion": np.array([0.03, 0.05, 0.07, 0.15, 0.70]), "threatened": np.array([0.92, 0.08])}


def world(rng: np.random.Generator, skewed: bool = False) -> pd.DataFrame:
    """One city's respondent indices (``int_survey_respondent_index``'s columns; ``skewed``: answers near the ends
    of the scales)."""
    surveys = [("s_base", "baseline", int(rng.integers(10, 60))), ("s_end", "endline", int(rng.integers(10, 60)))]
    if rng.random() < 0.4:
        surveys.append(("s_extra", str(rng.choice(["baseline", "endline"])), int(rng.integers(2, 16))))
    if rng.random() < 0.2:
        surveys.append(("s_pilot", None, int(rng.integers(5, 30))))
    areas = [f"A{i}" for i in range(int(rng.integers(2, 6)))]
    p_area, p_gender = rng.dirichlet(np.full(len(areas), 0.8)), rng.dirichlet([3, 3, 0.4])
    no_area, no_gender, no_age = rng.choice([0, 0.05, 0.15]), rng.choice([0, 0.05]), rng.choice([0, 0, 0.05])
    frames = []
    for survey, wave, n in surveys:
        p_age = rng.dirichlet([2, 2, 2])  # the respondent mix changes between the waves
        people = pd.DataFrame({"survey_id": survey, "response_id": [f"{survey}-{i}" for i in range(n)], "city_id": "c",
                               "area_code": _pick(rng, areas, p_area, no_area, n),
                               "gender": _pick(rng, GENDERS, p_gender, no_gender, n),
                               "age_group": _pick(rng, AGES, p_age, no_age, n), "wave": wave, "programme_id": "P",
                               "weight": 1.0})
        for construct, levels in CONSTRUCTS.items():
            answered = people if construct == "cohesion" else people[rng.random(n) >= 0.1]
            p = SKEWED[construct] if skewed else None
            frames.append(answered.assign(construct=construct, construct_index=rng.choice(levels, len(answered), p=p),
                                          items=1, item_type=ITEM_TYPES[construct]))
    return pd.concat(frames, ignore_index=True)


@dataclass
class Fact:
    """What the attacker knows of one set of respondents: its size and the sum of its indices (None: unknown)."""

    name: str
    n: float | None
    s: float | None


def _num(v: object) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


class Attacker:
    """Differencing over an official's copies of ``survey_indices`` and ``survey_prepost`` (module doc)."""

    def __init__(self, si: pd.DataFrame, pp: pd.DataFrame, truth: pd.DataFrame | None = None, m: int = M,
                 k: int = K, levels: dict[str, tuple[float, ...]] | None = None) -> None:
        self.si, self.pp, self.m, self.k = si, pp, m, k
        self.levels = CONSTRUCTS if levels is None else levels
        self.leaks: list[str] = []
        self._exact: set[tuple] = set()
        self._now = ""  # the construct being read
        # the groups' true n (staff's copy), to judge a sum learned where the n is not shown
        t = si if truth is None else truth
        self.truth = {(r.construct, (r.survey_id, r.wave if isinstance(r.wave, str) else ""), r.group_type,
                       r.group_value): float(r.n) for r in t.itertuples(index=False) if pd.notna(r.n)}

    def _leak(self, text: str) -> None:
        if text not in self.leaks:
            self.leaks.append(text)

    def _answers(self, construct: str, name: str, n: float | None, s: float | None) -> None:
        """A set of ``n`` respondents whose answers sum to ``s``: a leak when it says 1..k-1 of them answered off
        the bottom (or the top) of the construct's scale (for a yes/no index: the count of yes, or of no)."""
        if n is None or s is None or construct not in self.levels:
            return
        levels = sorted(self.levels[construct])
        up, down = levels[1] - levels[0], levels[-1] - levels[-2]  # the smallest step off each end
        for side, mass, step in (("above the bottom", s - n * levels[0], up), ("below the top", n * levels[-1] - s,
                                                                              down)):
            most = np.floor(round(mass / step, 6))  # respondents off this end: at most mass / step, at least 1
            if mass > 1e-6 and most <= self.k - 1:
                self._leak(f"count of at most {most:g} answering {side} ({construct}): {name} (n {n:g})")

    def _rest(self, parent: Fact, parts: list[Fact], exact: bool) -> bool:
        """One equation: ``parent`` less its shown ``parts`` (``exact``: the parts are all of it, no one outside
        them). Records leaks; fills what follows; True when something new was learned."""
        new = False
        if parent.n is None and exact and all(p.n is not None for p in parts):
            parent.n, new = sum(p.n for p in parts), True
        if parent.n is None:
            return new
        summed = [p for p in parts if p.s is not None and p.n is not None]
        rest = parent.n - sum(p.n for p in summed)
        if parent.s is not None and 1 <= rest <= self.m - 1:
            who = [p.name for p in parts if p not in summed]
            self._leak(f"mean of {rest:g} respondents: {parent.name} less shown {len(summed)} ({', '.join(who)})")
        if parent.s is not None and rest >= 1:
            self._answers(self._now, f"{parent.name} less shown {len(summed)}", rest,
                          parent.s - sum(p.s for p in summed))
        counted = [p for p in parts if p.n is not None]
        unknown_n = [p for p in parts if p.n is None]
        left = parent.n - sum(p.n for p in counted)
        if unknown_n and 1 <= left <= self.k - 1:
            self._leak(f"count {left:g}: {parent.name} less {len(counted)} counted ({unknown_n[0].name}...)")
        if exact and len(unknown_n) == 1:
            unknown_n[0].n, new = left, True
        unsummed = [p for p in parts if p.s is None]
        if parent.s is not None and len(unsummed) == 1 and unsummed[0].n is not None and rest == unsummed[0].n:
            p = unsummed[0]
            p.s, new = parent.s - sum(q.s for q in summed), True
            if 1 <= p.n <= self.m - 1:
                self._leak(f"mean of {p.name} ({p.n:g}) by differencing")
        if parent.s is None and rest == 0 and not unsummed:
            parent.s, new = sum(p.s for p in summed), True
        return new

    def run(self) -> list[str]:
        for construct, rows in self.si.groupby("construct"):
            self._construct(str(construct), rows, self.pp[self.pp["construct"] == construct])
        return self.leaks

    def _construct(self, construct: str, rows: pd.DataFrame, pp: pd.DataFrame) -> None:
        self._now = construct
        facts: dict[tuple, Fact] = {}
        for r in rows.itertuples(index=False):
            u = (r.survey_id, r.wave if isinstance(r.wave, str) else "")
            n, mean = _num(r.n), _num(r.mean)
            facts[(u, r.group_type, r.group_value)] = Fact(f"{construct} {u[0]}/{u[1]} {r.group_type}={r.group_value}",
                                                          n, n * mean if n is not None and mean is not None else None)
        universes = sorted({key[0] for key in facts})
        types = {u: {} for u in universes}
        for key in facts:
            if key[1] != "all":
                types[key[0]].setdefault(key[1], []).append(facts[key])
        waves: dict[str, tuple[Fact, list[Fact]]] = {}
        for r in pp.itertuples(index=False):
            for wave in ("baseline", "endline"):
                ids = str(getattr(r, f"{wave}_survey_id")).split(";")
                n, mean = _num(getattr(r, f"n_{wave}")), _num(getattr(r, f"{wave}_mean"))
                whole = Fact(f"{construct} pre/post {wave}", n, n * mean if n is not None and mean is not None else None)
                parts = [facts.setdefault(((s, wave), "all", "all"), Fact(f"{construct} {s}/{wave} all", None, None))
                         for s in ids]
                waves[wave] = (whole, parts)
        # a difference standardised over a group type says every respondent of both waves has one: the type's
        # groups are all of the wave's respondents
        self._exact = exact = {((s, w), str(r.adjusted_by)) for r in pp.itertuples(index=False) if isinstance(r.adjusted_by, str)
                 for w in ("baseline", "endline") for s in str(getattr(r, f"{w}_survey_id")).split(";")}
        changed = True
        while changed:
            changed = False
            for u in universes:
                total = facts.get((u, "all", "all"))
                if total is None:
                    continue
                for typ, parts in types[u].items():
                    changed |= self._rest(total, parts, exact=(u, typ) in exact)
            for whole, parts in waves.values():
                changed |= self._rest(whole, parts, exact=True)
            changed |= self._standardised(construct, facts, pp)
        for key, f in facts.items():  # every set of respondents whose n and sum are known by now
            self._answers(construct, f.name, f.n if f.n is not None else self.truth.get((construct, *key)), f.s)
        for whole, _parts in waves.values():
            self._answers(construct, whole.name, whole.n, whole.s)

    def _standardised(self, construct: str, facts: dict[tuple, Fact], pp: pd.DataFrame) -> bool:
        """Every equation at once, with the standardised difference: sum_g P_g (endline_g - baseline_g), P_g the
        mean of the stratum's shares of the two waves (from the n; one survey per wave). The unknowns are the sums
        of the groups not shown and of the respondents with no value of a type; a group's sum follows when its
        unit vector lies in the row space of the equations (least squares gives it)."""
        new = False
        var: dict[tuple, int] = {}
        rows: list[dict[int, float]] = []
        rhs: list[float] = []

        def term(key: tuple, coef: float, eq: dict[int, float]) -> float:
            f = facts[key]
            if f.s is not None:
                return coef * f.s
            eq[var.setdefault(key, len(var))] = eq.get(var.get(key, -1), 0.0) + coef
            return 0.0

        universes = {key[0] for key in facts}
        for u in universes:
            if (u, "all", "all") not in facts:
                continue
            for typ in {key[1] for key in facts if key[0] == u and key[1] != "all"}:
                eq: dict[int, float] = {}
                known = term((u, "all", "all"), 1.0, eq)
                for key in [k for k in facts if k[0] == u and k[1] == typ]:
                    known -= term(key, 1.0, eq)
                if (u, typ) not in self._exact:
                    eq[var.setdefault((u, typ, None), len(var))] = -1.0  # the respondents with no value
                rows.append(eq)
                rhs.append(-known)
        for r in pp.itertuples(index=False):
            adj, by = _num(r.adjusted_diff), r.adjusted_by
            if adj is None or not isinstance(by, str) or ";" in f"{r.baseline_survey_id}{r.endline_survey_id}":
                continue
            ub, ue = (r.baseline_survey_id, "baseline"), (r.endline_survey_id, "endline")
            strata = sorted({key[2] for key in facts if key[0] in (ub, ue) and key[1] == by})
            if any((u, by, g) not in facts or facts[(u, by, g)].n is None for u in (ub, ue) for g in strata):
                continue
            nb, ne = (sum(facts[(u, by, g)].n for g in strata) for u in (ub, ue))
            eq, known = {}, 0.0
            for g in strata:
                share = (facts[(ub, by, g)].n / nb + facts[(ue, by, g)].n / ne) / 2
                known += term((ue, by, g), share / facts[(ue, by, g)].n, eq)
                known += term((ub, by, g), -share / facts[(ub, by, g)].n, eq)
            rows.append(eq)
            rhs.append(adj - known)
        rows_used = [(eq, b) for eq, b in zip(rows, rhs, strict=True) if eq]
        if not rows_used or not var:
            return new
        a = np.zeros((len(rows_used), len(var)))
        for i, (eq, _) in enumerate(rows_used):
            for j, c in eq.items():
                a[i, j] = c
        b = np.array([b for _, b in rows_used])
        x = np.linalg.lstsq(a, b, rcond=None)[0]
        rank = np.linalg.matrix_rank(a)
        for key, j in var.items():
            if key not in facts:
                continue
            unit = np.zeros(len(var))
            unit[j] = 1.0
            if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:  # determined
                f = facts[key]
                f.s, new = float(x[j]), True
                size = f.n if f.n is not None else self.truth.get((construct, *key))
                if size is not None and 1 <= size <= self.m - 1:
                    self._leak(f"mean of {f.name} ({size:g}) from the equations together")
        return new


def attack(si: pd.DataFrame, pp: pd.DataFrame, truth: pd.DataFrame | None = None) -> list[str]:
    """Every leak the attacker finds in these copies (``truth``: staff's survey indices, for the n not shown)."""
    return Attacker(si, pp, truth).run()


def official(si: pd.DataFrame, pp: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An official's copies: the survey indices, and the pre/post table shaped with the city's survey indices."""
    return for_audience("survey_indices", si, "official",
                        k=5, min_group=10), for_audience("survey_prepost", pp, "official", parts=si,
                                                                        k=5, min_group=10)


def indexed_worlds(seed: int, n: int = WORLDS, weighted: bool = False, skewed: bool = False):
    """(respondent indices, survey_indices, survey_prepost) of ``n`` random worlds."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        index = world(rng, skewed)
        if weighted:  # survey weights of 0.5-3 (the means are weighted; n counts respondents)
            index["weight"] = rng.choice([0.5, 1.0, 2.0, 3.0], len(index))
        yield index, *survey_marts(index, M)


def worlds(seed: int, n: int = WORLDS, weighted: bool = False, skewed: bool = False):
    for _index, si, pp in indexed_worlds(seed, n, weighted, skewed):
        yield si, pp


def true_counts(index: pd.DataFrame) -> pd.DataFrame:
    """Staff's truth: per survey, wave, construct and group the unweighted n and counts of respondents at the
    bottom (index 0) and at the top (100) of the scale."""
    frames = []
    for typ, col in (("all", None), ("area", "area_code"), ("gender", "gender"), ("age_group", "age_group")):
        keys = ["survey_id", "wave", "construct"] + ([col] if col else [])
        t = index.assign(wave=index["wave"].fillna(""), bottom=index["construct_index"].eq(0),
                         top=index["construct_index"].eq(100)).dropna(subset=keys)
        t = t.groupby(keys).agg(n=("bottom", "size"), bottom=("bottom", "sum"), top=("top", "sum")).reset_index()
        t["group_type"], t["group_value"] = typ, t[col] if col else "all"
        frames.append(t[["survey_id", "wave", "construct", "group_type", "group_value", "n", "bottom", "top"]])
    return pd.concat(frames, ignore_index=True)


def small_true_counts(index: pd.DataFrame, seen: pd.DataFrame, construct: str = "threatened") -> pd.DataFrame:
    """The shown means of ``construct`` whose true (unweighted) count at the bottom or the top of the scale, or
    off it, is 1..k-1 (for a yes/no index: its count of no or of yes)."""
    shown = seen[seen["construct"].eq(construct) & seen["mean"].notna()].assign(wave=lambda d: d["wave"].fillna(""))
    j = shown.merge(true_counts(index), on=["survey_id", "wave", "construct", "group_type", "group_value"],
                    suffixes=("_seen", ""))
    few = pd.concat([j[c].between(1, K - 1) for c in ("bottom", "top")] +
                    [(j["n"] - j[c]).between(1, K - 1) for c in ("bottom", "top")], axis=1).any(axis=1)
    return j[few]


@pytest.mark.parametrize("seed", SEEDS)
def test_no_random_world_gives_an_official_a_small_group(seed: int) -> None:
    """No differencing of an official's survey views gives the mean of fewer than min_group respondents, nor a
    hidden count of 1..k-1."""
    assert (settings().min_group, suppress_below()) == (M, K)
    bad = []
    for si, pp in worlds(seed):
        found = attack(*official(si, pp), truth=si)
        if found:
            bad.append(found[0])
    assert bad == []


def test_weighted_worlds_give_no_small_count_an_official_can_work_out() -> None:
    """With survey weights a mean with its n is only near its sum, but it is what an official can work with: the
    attacker's arithmetic (n x mean, as if weights were 1) finds no count of 1..k-1 answers, nor a small group's
    mean, in an official's copies of weighted worlds (the rule reads the same figures; the true counts:
    ``test_weighted_yes_no_means_hide_their_true_small_counts``)."""
    bad = [found[0] for si, pp in worlds(3, WORLDS // 2, weighted=True) if (found := attack(*official(si, pp),
                                                                                            truth=si))]
    assert bad == []


@pytest.mark.parametrize("seed", SEEDS)
def test_the_attacker_finds_small_groups_in_what_staff_see(seed: int) -> None:
    """The attacker works: on staff's copies (only the marts' own suppression) most worlds leak."""
    hits = sum(bool(attack(for_audience("survey_indices", si, "staff",
                                        k=5, min_group=10), for_audience("survey_prepost", pp, "staff",
                                                                                     k=5, min_group=10)))
               for si, pp in worlds(seed, WORLDS // 2))
    assert hits >= WORLDS // 4


def test_the_risk_ranking_reads_only_the_area_means_officials_see() -> None:
    """The risk table's ``resilience`` (every audience sees it) is the mean of an area's survey means: it read every
    area mean the marts show (``not suppressed``), so an area mean hidden from officials beside its city's came back
    through it (with the others shown, the one hidden is the resilience times their number less theirs). Now it
    reads the area means officials see, and the worlds hold area means the old query passed that they do not."""
    passed_before = 0
    for si, _pp in worlds(SEEDS[0], 20):
        seen = for_audience("survey_indices", si, "official", k=5, min_group=10)
        rows = survey_areas(si, k=5, min_group=10)
        shown = seen[seen["group_type"].eq("area") & seen["mean"].notna()]
        assert sorted(zip(rows["area_code"], rows["construct"], rows["mean"], strict=True)) == \
            sorted(zip(shown["group_value"], shown["construct"], shown["mean"], strict=True))
        old = si[si["group_type"].eq("area") & ~si["suppressed"].astype(bool)]
        passed_before += len(old) - len(shown)
    assert passed_before > 0


def _yes_no(areas: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """One survey of the yes/no index only: per area its (yes, no) respondents, every one with a gender and age."""
    rows = [(a, 100.0) for a, (yes, _no) in areas.items() for _ in range(yes)] + \
        [(a, 0.0) for a, (_yes, no) in areas.items() for _ in range(no)]
    n = len(rows)
    return pd.DataFrame({"survey_id": "s", "response_id": [f"r{i}" for i in range(n)], "city_id": "c",
                         "area_code": [a for a, _ in rows], "gender": [GENDERS[i % 2] for i in range(n)],
                         "age_group": [AGES[i % 3] for i in range(n)], "wave": "single", "programme_id": "P",
                         "weight": 1.0, "construct": "threatened", "construct_index": [v for _, v in rows], "items": 1,
                         "item_type": "binary"})


@pytest.mark.parametrize(("areas", "hidden"), [
    ({"A": (3, 37), "B": (20, 20)}, {"A"}),  # 3 of 40 said yes in A: its mean hidden (and B's: all less B is A)
    ({"A": (37, 3), "B": (20, 20)}, {"A"}),  # 3 said no
    ({"A": (0, 40), "B": (20, 20)}, set()),  # nobody in A said yes: 0 is no small count
    ({"A": (8, 32), "B": (2, 28), "C": (15, 15)}, {"B"}),  # B's 2 of 30 hidden; A, C shown, so all less them is B
])
def test_an_official_learns_no_small_count_of_yes_or_no(areas: dict, hidden: set) -> None:
    """A yes/no index's mean with its n is a count of yes (n x mean / 100) and of no: an area's mean is shown to an
    official only where both are 0 or k or more, and not given back by the city's mean less the other areas' (an
    area whose own counts are fine loses its mean too where it would)."""
    si, pp = survey_marts(_yes_no(areas), M)
    seen, _ = official(si, pp)
    area = seen[seen["group_type"].eq("area")].set_index("group_value")
    gone = set(area.index[area["mean"].isna()])
    assert hidden <= gone
    assert set(area.index[area["mean"].notna()]) <= set(areas) - hidden
    assert attack(seen, for_audience("survey_prepost", pp, "official", parts=si,
                                     k=5, min_group=10), truth=si) == []
    yes = (area["n"] * area["mean"] / 100).dropna().round(6)
    for count in (yes, area["n"][yes.index] - yes):
        assert ((count == 0) | (count >= K)).all()


def test_weighted_yes_no_means_hide_their_true_small_counts() -> None:
    """Someone holding the survey weights turns a weighted yes/no mean back into its count of yes: no yes/no mean
    an official sees in weighted worlds has a true (unweighted) count of yes or of no of 1..k-1, though n x mean /
    100 is only near it (the marts carry the true counts at each end of the scale, n_bottom and n_top)."""
    bad = []
    for index, si, pp in indexed_worlds(7, WORLDS, weighted=True):
        seen, _ = official(si, pp)
        bad += small_true_counts(index, seen)[["survey_id", "group_type", "group_value", "n", "top"]].to_dict("records")
    assert bad == []


def test_a_weighted_mean_does_not_pass_a_small_count_of_yes() -> None:
    """3 of 40 said yes in area A, with weight 3 beside the others' 0.5: the weighted mean is 32.7, so n x mean /
    100 is 13, yet the count of yes is 3: A's mean is hidden from an official (and the city's less B is A)."""
    index = _yes_no({"A": (3, 37), "B": (20, 20)})
    index["weight"] = np.where(index["area_code"].eq("A") & index["construct_index"].eq(100), 3.0, 0.5)
    si, pp = survey_marts(index, M)
    seen, _ = official(si, pp)
    area = seen[seen["group_type"].eq("area")].set_index("group_value")
    assert area.loc["A", "n"] == 40 and 40 * si.set_index("group_value").loc["A", "mean"] / 100 > K  # looks safe
    assert area["mean"].isna().all()
    assert small_true_counts(index, seen).empty


def _five_levels(areas: dict[str, dict[float, int]]) -> pd.DataFrame:
    """One survey of a five-level scale index only: per area its respondents at each level."""
    rows = [(a, level) for a, counts in areas.items() for level, c in counts.items() for _ in range(c)]
    n = len(rows)
    return pd.DataFrame({"survey_id": "s", "response_id": [f"r{i}" for i in range(n)], "city_id": "c",
                         "area_code": [a for a, _ in rows], "gender": [GENDERS[i % 2] for i in range(n)],
                         "age_group": [AGES[i % 3] for i in range(n)], "wave": "single", "programme_id": "P",
                         "weight": 1.0, "construct": "cohesion", "construct_index": [v for _, v in rows], "items": 1,
                         "item_type": "scale"})


@pytest.mark.parametrize(("areas", "hidden"), [
    # 12 of 40 one step off the bottom: n x mean / 100 = 3, yet up to 12 may be off it: nothing small follows
    ({"A": {0.0: 28, 25.0: 12}, "B": {50.0: 20, 100.0: 20}}, set()),
    ({"A": {100.0: 30, 75.0: 10}, "B": {50.0: 20, 0.0: 20}}, set()),  # the same below the top
    # 2 of 40 one step off the bottom: at most 2 respondents are off it (50 / 25): hidden
    ({"A": {0.0: 38, 25.0: 2}, "B": {50.0: 20, 100.0: 20}}, {"A"}),
    ({"A": {100.0: 37, 75.0: 3}, "B": {50.0: 20, 0.0: 20}}, {"A"}),
])
def test_a_scale_mean_near_its_end_is_hidden_only_where_a_small_count_follows(areas: dict, hidden: set) -> None:
    """A five-level index's mean near an end of the scale says at most n x (distance from the end) / 25
    respondents are off that end (the questionnaire's step): its mean is hidden where that is 1..k-1, and shown
    where it is not, though n x mean / 100 (the yes/no reading) is below k."""
    si, pp = survey_marts(_five_levels(areas), M)
    seen, _ = official(si, pp)
    area = seen[seen["group_type"].eq("area")].set_index("group_value")
    assert set(area.index[area["mean"].isna()]) == (hidden | ({"B"} if hidden else set()))
    levels = {"cohesion": CONSTRUCTS["cohesion"]}
    assert Attacker(seen, for_audience("survey_prepost", pp, "official", parts=si,
                                       k=5, min_group=10), si, levels=levels).run() == []


def test_skewed_worlds_show_scale_means_the_yes_no_rule_hid_and_leak_nothing() -> None:
    """Worlds whose answers sit near the ends of the scales: the attacker (with the questionnaire's steps) finds
    nothing, no yes/no mean shown has a small true count, and five-level means with n x mean / 100 or n less it
    below k are shown (the yes/no reading would hide them; nothing small follows from them at a step of 25)."""
    leaks, shown_near_end = [], 0
    for index, si, pp in indexed_worlds(11, WORLDS // 2, skewed=True):
        seen, pps = official(si, pp)
        leaks += attack(seen, pps, truth=si)
        leaks += [str(r) for r in small_true_counts(index, seen).to_dict("records")]
        scale = seen[seen["construct"].eq("cohesion") & seen["mean"].notna()]
        s = scale["n"].astype(float) * scale["mean"] / 100
        shown_near_end += int(((s < K) | (scale["n"].astype(float) - s < K)).sum())
    assert leaks == []
    assert shown_near_end > 0


def test_officials_do_not_see_the_true_counts() -> None:
    """The marts' counts at the ends of the scale, its step and the item type are staff's: an official's copy of
    the survey indices has none of them."""
    si, pp = next(worlds(SEEDS[0], 1))
    assert {"n_bottom", "n_top", "index_step", "item_type"} <= set(si.columns)
    seen, _ = official(si, pp)
    assert not {"n_bottom", "n_top", "index_step", "item_type"} & set(seen.columns)
