"""Disclosure control: what each audience may see of a published table. One function for pages, callbacks,
downloads and exports alike (``for_audience``); counts from 1 to ``k - 1`` are hidden outside
staff, and so is every published sum that would give such a count back by differencing.

Primary suppression: a count in 1..k-1 (k: the threshold the caller passes) of a ``SMALL_COUNTS`` column is hidden; zero
is shown (it discloses nothing). The published H3 cells (``cell_month``, the finest view) get only this rule.

Secondary suppression of the sums an official can set against those cells (``docs/dashboards.md``, "Disclosure
control"): the map's coarser cell sizes (``CELL_LEVELS``: res-7 and res-6 parents of the published cells, summed)
and the city's monthly totals (``city_month``, over its cells of that month plus events located less precisely).
Shown sums form a tree (city-month > res 6 > res 7 > cells), so an official's equations reduce to disjoint
ones: for each shown sum, "the hidden cells beneath it that no shown finer sum covers add up to r". A sum is
hidden as well when that equation would pin a hidden count or give a small one: r in 1..k-1, a single hidden
cell, or all hidden cells at a bound (r = n or r = n(k-1), each hidden count being known to lie in 1..k-1);
a shown sum leaves each hidden count, and any part of their sum, two or more possible values. It is decided finest
first: a res-7 sum that fails is hidden (its hidden cells pass on to its parent); a res-6 sum or the city-month
that fails first hides its smallest shown sub-sums that carry hidden cells, until it passes (hidden itself only
if that cannot work). The cells themselves are never hidden for this: what an official loses is some coarse
sums, never a cell.

A count beside a part of it (``RESTS``: posts and flagged posts, crimes and hate crimes) tells its rest (14 posts,
12 flagged: 2 not flagged): the rest gets the same rules, primary and secondary (its own cell tree, the city
month against the cells' rests; ``scn.privacy.levels.hidden_units`` at every level), and where it would be small
or follow by differencing the count is hidden, its part kept (a rest of 0 is shown). A part shown for an area, the
city or a coarser cell, whose count an official sums from the cells download, is hidden where it gives the cells'
rests back (``part_rests``: the part less the cells' shown parts is the hidden parts' sum, and the cells whose
count is shown have their rests by it), in the levels and in ``city_month`` alike. The threshold ``k`` and
``min_group`` are required arguments (``rule``): the caller at the edge passes the audience's from the settings.

Counts inside text are disclosure too: the ``risk`` counts and the numbers in the JSON columns of
``JSON_COUNTS`` (``alerts.evidence``, ``correlations.detail``: the verdict's city totals) are suppressed the same
way (a suppressed number is ``null``, rendered "fewer than k"), and the numbers computed from them (the p-value,
the alert's score) go with them; the verdict's panel totals (sums over the published cells, ``PANEL_TOTALS``) are
never in an official's copy.

Alert counts against the published totals (``_differenced``): an alert shows officials counts of one area (or
the city) in one ISO week (this week's flagged posts), in its baseline window (the usual weekly count times the
window's weeks: a sum) or in a coordinated cluster (posts, shares, hateful posts), each of k or more but finer
than any published view. A published total minus the alert counts inside it is a count of the rest, which
officials never see: it must not be small. The rule, one for every city whatever its level: for each place an
alert count lies in (its area in ``area_month``, the city in ``city_month``, the city's published cells in
``cell_month``, its area's published cells: the cells whose centre lies in the area's outline, summed, which
differ from the area's total by the posts located to the area only) and each run of consecutive months holding
alert counts, the run's total minus the alert counts shown wholly inside it is checked with ``recoverable`` (the
hidden counts in it: small alert counts). Where the total is a sum of cells some of which are hidden, the official
knows only the shown cells less the alert counts shown (d) and that each hidden cell is 1..k-1: the rest lies
between d + the hidden cells and d + their number x (k - 1) (``_known``), which must neither be small throughout
(a burst of 12 beside a shown cell of 5 and two hidden ones: the rest is 0 or 1) nor a single value (a burst of 13:
both hidden cells 4). One alert's counts of one total are one count, its largest (``_wholes``: a cluster's
shares are among its posts, not beside them). Where it fails, every alert with a count in that run is shown
without its counts (``counts_withheld``: the alert, its area, week, type and "well above the usual level" stay),
and the check is run again until it holds. Months are the finest period of every published view (the cells download is monthly whatever level a
city is shown at; quarters and years are runs of months), the places hold every level's units (a unit of a
coarser level is a union of areas, the city or cells, and a sum of remainders that are each 0 or k or more is
too), so the rule holds for every level a city may be shown at. Without the totals (``parts``), an official
gets no alert count at all.

An alert's existence is a count too (``_pinned_by_existence``): a burst means at least ``geo.warning.MIN_POSTS``
flagged posts that week whether its count is shown or not (``ALERT_FLOORS``). Where a run's published total, less
the alert counts shown inside it, equals the floors of the counts not shown (two bursts of 3 or more in a month
whose total is 6: 3 and 3; with hidden cells, where the bounds of ``_known`` with the floors meet), the alerts
are not in an official's copy at all; and a count shown as "fewer than k" whose floor is k - 1 is withheld. One alert's floor in a total is its whole's (a cluster's posts), not its whole's
plus its parts' (its shares, among those posts). A usual level shown as "fewer than k" says its window holds 1
or more (its floor).

Consistent perturbation (``perturb``, docs/security.md row 57), last, for officials and only with a ``key``: every
shown count of ``SMALL_COUNTS`` is true + noise from ``PERTURBATION`` (-2..+2, each 1/5), drawn by a keyed hash of
(table, column, the row's ``IDENTITY``, the true count): the same cell and count show the same value in every run
and view, a new count draws afresh. 0 stays 0; a perturbed count below k is hidden (so a shown cell does not tell
its true count is k or more: hidden at k - 1, one event added, shown k would pin the earlier count); rates are
recomputed from the shown counts (``RATES``). The rules above decide on the true counts.

Flagged posts are posts: a burst's week and a usual level's window are parts of the posts totals too (a month of
8 posts in an area less a burst of 7 left 1), and the posts not flagged (posts less flagged posts: ``_unflagged``
for an area or the city, ``_cells_unflagged`` per cell for the cells' places, where a cell with hidden counts is a
hidden part of k - 1 possible values) are a total whose parts are the clusters' posts less their hateful posts.
The sets of counts known to share no post are every maximal one (``_maximal_apart``) beside one per count; past
``MAX_SETS`` of them a check does not stop at the ones it has: each run of it must then be safe whatever set is
subtracted (``_beyond_every_set``: its total less every count in it, k or more and above k - 1 per count not
shown), else its alerts are withheld (or, for a pin, dropped). ``tests/privacy/test_alert_worlds.py`` sets an
attacker written apart from this rule on random cities (with the algebra of the totals: areas sum to their city,
months to their year; a hidden count pinned at either bound).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from geo.warning import MIN_POSTS
from scn.privacy import surveys

AUDIENCES = ("staff", "official")
# counts of events or people that the official audience sees only from k upwards
SMALL_COUNTS: dict[str, tuple[str, ...]] = {
    "programme_metrics": ("people",),
    "programme_years": ("people",),
    "programme_regions": ("people",),  # the network page's (staff only): shaped all the same should it be shown
    "summit_metrics": ("delegates",),
    "survey_indices": ("n",),
    "survey_prepost": ("n_baseline", "n_endline"),
    "cell_month": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "area_month": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "area_week": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "area_period": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "city_month": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "risk": ("speech_recent", "crime_recent"),
    "review_accuracy": ("n", "positives", "kappa_posts", "sampled", "labelled"),
    "classifier_rates": ("n", "true_positives", "positives", "false_positives", "negatives"),
    # a city's reviewed posts per platform (``classifier_rates``' n summed by platform), shown beside their total
    "review_platforms": ("n",),
    "adjusted_counts": ("posts", "flagged_posts", "corrected_posts", "uncorrected_posts", "city_corrected_posts",
                        "city_uncorrected_posts"),
    "target_month": ("flagged_posts",),
}
# tables whose rows split a published total (the columns naming one total): a hidden part must not follow from
# the total minus the shown parts (``_partition``)
PARTITIONS: dict[str, tuple[str, ...]] = {"target_month": ("city_id", "period"), "review_platforms": ("city_id",)}
# columns computed from one count alone (the rates being published): hidden with that count
DERIVED: dict[str, dict[str, tuple[str, ...]]] = {
    # a rate beside its denominator gives its numerator (tpr 0.15 of 20 hateful posts: 3), beside its numerator
    # its denominator: hidden with either
    "classifier_rates": {"true_positives": ("tpr",), "positives": ("tpr",), "false_positives": ("fpr",),
                         "negatives": ("fpr",)},
    "adjusted_counts": {"flagged_posts": ("adjusted_flagged_posts", "adjusted_low", "adjusted_high"),
                        # the posts corrected and not are the parts of posts: one hidden, the other too
                        "corrected_posts": ("uncorrected_posts",), "uncorrected_posts": ("corrected_posts",),
                        "city_corrected_posts": ("city_uncorrected_posts",),
                        "city_uncorrected_posts": ("city_corrected_posts",)},
}
# counts of one row of a table that are sums of others of it (total, part, the other part: a column, or None where
# only the two are shown and the other part is their difference): checked in order (``_sums``), inner sums first.
# The other part, where it follows (total and part shown), must not be 1..k-1, and hidden parts must not follow
# from the total less the shown ones (``recoverable``): else the total is hidden and its parts kept (40 reviewed
# posts less 37 negatives gave 3 hateful ones; 12 hateful reviewed posts beside 10 flagged: 2 missed)
SUMS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "classifier_rates": (("positives", "true_positives", None), ("negatives", "false_positives", None),
                         ("n", "positives", "negatives")),
}
# ``review_accuracy``: the figures (each a rate with its Wilson interval, which names its numerator and
# denominator: 2 of 3 and 4 of 6 share a point, not an interval) and ``n`` give the reviewed posts' confusion
# counts back; the staff-only unweighted counts (``REVIEW_COUNTS``) tell the rule which, and an official's copy
# shows no figure where one of them is 1..k-1 (``_review_figures``)
REVIEW_COUNTS = ("true_positives", "predicted")
# columns a table publishes for staff (and the rules) only: not in an official's copy (``city_month``'s posts not
# assessed, a count of posts no page shows, came through as it was, 1..k-1 included)
STAFF_ONLY: dict[str, tuple[str, ...]] = {"city_month": ("not_assessed_posts",), "review_accuracy": REVIEW_COUNTS}
# a count shown beside a part of it (count, part, the rest's name): the rest (posts not flagged, crimes not hate
# crimes) is a count an official reads off the two, shown or summed alike; where it would be 1..k-1 or follow by
# differencing, the count is hidden and its part kept (``rest_hides``, ``_rests``, ``levels.hidden_units``)
RESTS: tuple[tuple[str, str, str], ...] = (("posts", "flagged_posts", "unflagged_posts"),
                                           ("crimes", "hate_crimes", "other_crimes"))
PERSONAL_COLUMNS = frozenset({"person_pseudo", "author_pseudo", "response_id", "record_id", "post_key",
                              "participant_id", "gender_of_person"})
# the coarser H3 resolutions cell counts are shown at (parents of the published cells, summed): the cell-size
# switch of the city map (dashboards.maps.RESOLUTIONS) below the published resolution
CELL_LEVELS: tuple[int, ...] = (7, 6)
# tables whose rows are totals over another published table's rows of the same city and month, or whose rows are
# parts of another table's totals: ``for_audience`` needs those rows (``parts=``) to tell which totals (and
# which parts) would give a hidden count back; ``survey_prepost``'s waves are sums of the city's survey_indices
# rows (scn.privacy.surveys)
PARTS: dict[str, str] = {"city_month": "cell_month", "programme_years": "programme_metrics",
                         "programme_metrics": "programme_years", "survey_prepost": "survey_indices"}
# totals split into parts (``_split``): the people of a programme line and year (``programme_years``) over its
# roles (``programme_metrics``); the respondents of a survey wave's construct (its ``all`` row) over the groups of
# each group type (``survey_indices``): the columns naming one total
SPLIT_KEYS: dict[str, tuple[str, ...]] = {"programme": ("city_id", "programme_line", "year"),
                                          "survey_indices": ("city_id", "survey_id", "wave", "construct")}
SURVEY_TABLES = ("survey_indices", "survey_prepost")  # shaped with ``min_group`` as well as ``k``
SURVEY_DERIVED = ("mean", "ci_low", "ci_high", "clusters")  # a survey group's numbers, hidden with its n
# columns of shares of a count shown beside it (``scn.review.metrics.mix_text``: ``telegram:0.60,x:0.40``, each
# platform's share of the reviewed posts to ``MIX_STEP``): a share times the count is a count of the platform's
# reviewed posts, so the shares are hidden where any platform's could be 1..k-1 (``_mixes``)
MIXES: dict[str, dict[str, str]] = {"review_accuracy": {"sample_mix": "n"}}
MIX_STEP = 0.01
# numbers in alerts.evidence (JSON): counts; means whose sum over ``<weeks key>`` weeks is a count; numbers
# computed from those (hidden with them). The alert's ``score`` is computed from them too.
EVIDENCE_COUNTS = ("flagged_posts", "posts", "accounts", "shares", "hateful_posts", "hostile_calls", "crimes",
                   "hate_crimes")
EVIDENCE_MEANS = {"baseline": "baseline_weeks"}
# hidden with the counts: computed from them (p-value, bound) or bounded by them (the cells with a hate crime: at
# most the hate crimes, so 4 cells would pin a hidden total of 4)
EVIDENCE_DERIVED = ("p_value", "upper", "n_cells_with_hate")
# alerts.evidence counts that are parts of a published monthly count (the count they are part of), set against
# the totals of ``ALERT_TOTALS`` (``_differenced``); numbers withheld with them where that fails
ALERT_PARTS = {"flagged_posts": "flagged_posts", "hateful_posts": "flagged_posts", "posts": "posts",
               "shares": "posts"}
ALERT_TOTALS = ("area_month", "city_month", "cell_month")
# what an official knows of an alert count without seeing it (the alert exists): a burst has at least MIN_POSTS
# flagged posts that week, a coordinated cluster posts from at least scn.analysis.coordination.MIN_ACCOUNTS
# accounts (a test holds the two equal); any other count at least 1
ALERT_FLOORS = {"flagged_posts": float(MIN_POSTS), "posts": 5.0}
# at most this many maximal sets of counts known to share no post per check beside the greedy ones
# (``_maximal_apart``); a check with more is decided by ``_beyond_every_set`` (hides more, never checks less)
MAX_SETS = 256
# the columns of those tables (and of ``areas``: the outlines the cells are matched to areas by) ``alert_totals``
# reads (a reader may read these only: cell_month is the largest table)
ALERT_TOTAL_COLUMNS = ("city_id", "area_code", "period", "resolution", "cell", "geometry_wkt",
                       *sorted(set(ALERT_PARTS.values())))
ALERT_WITHHELD = (*EVIDENCE_COUNTS, *EVIDENCE_MEANS, *EVIDENCE_DERIVED, "content_share")
# JSON columns an official reads whose numbers are counts (``EVIDENCE_COUNTS``): shaped by ``_evidence``
JSON_COUNTS: dict[str, tuple[str, ...]] = {"alerts": ("evidence",), "correlations": ("detail",)}
# numbers of a JSON column that are sums over the published cells (the verdict's panel totals): an official who
# holds the cells download (hidden cells empty) would read the hidden cells' sum off the total, so they are never
# in an official's copy, small or not (``n_cells_with_hate`` goes with the hate crimes it bounds)
PANEL_TOTALS: dict[str, tuple[str, ...]] = {
    "correlations": ("posts", "flagged_posts", "crimes", "hate_crimes", "n_cells_with_hate")}
# risk columns computed from one signal's count alone (geo.risk): hidden with that count
RISK_DERIVED = {"speech_recent": ("speech_rr", "speech_exceedance"), "crime_recent": ("crime_rr", "crime_exceedance")}
_SEP = "\x1f"
DAY_NS = 86_400_000_000_000

# Consistent perturbation (docs/security.md, row 57): every ``SMALL_COUNTS`` count an official
# is shown is its true value plus noise from this table (mean 0, variance 2), drawn by a keyed hash under the
# caller's key (``perturbation_noise``) of (table, column, the row's identity, the true count). A perturbed count below k is hidden, so a
# shown cell does not say its true count is k or more (the differencing in time: hidden at k - 1, one event added,
# shown k). Zero is shown as zero (not perturbed): a true zero is the one count the rule always showed.
PERTURBATION = np.array([-2, -1, 0, 1, 2], dtype="int64")
PERTURBATION_P = np.full(5, 0.2)
# the columns naming a row's cell per table (the same cell in every view: the map's and the download's rows of
# ``cell_month`` carry different other columns); other tables: their columns that are not floats nor counts
IDENTITY: dict[str, tuple[str, ...]] = {
    "cell_month": ("city_id", "cell", "period"),
    "area_month": ("city_id", "area_code", "period"),
    "area_week": ("city_id", "area_code", "period"),
    "area_period": ("city_id", "area_code", "period_kind", "period"),
    "city_month": ("city_id", "period"),
    "target_month": ("city_id", "period", "target"),
    "adjusted_counts": ("city_id", "area_code", "period"),
}
# count columns of a table that repeat one quantity of a coarser cell on every row (the city's posts beside each
# area's): one draw per that cell, so the rows cannot be averaged
COLUMN_IDENTITY: dict[str, dict[str, tuple[str, ...]]] = {
    "adjusted_counts": {"city_corrected_posts": ("city_id",), "city_uncorrected_posts": ("city_id",)}}
# rates an official sees, recomputed from the shown counts (numerator, denominator)
RATES: dict[str, dict[str, tuple[str, str]]] = {
    "classifier_rates": {"tpr": ("true_positives", "positives"), "fpr": ("false_positives", "negatives")}}
# figures estimated from a count, scaled with it to the count as shown (the count, the figures)
SCALED: dict[str, dict[str, tuple[str, ...]]] = {
    "adjusted_counts": {"flagged_posts": ("adjusted_flagged_posts", "adjusted_low", "adjusted_high")}}


def rule(k: int, min_group: int | None) -> tuple[int, int | None]:
    """The rule's threshold ``k`` (counts 1..k-1 hidden) and smallest survey group shown (``min_group``), checked:
    both are arguments of every function here, passed by the caller at the edge from the platform's settings
    (``scn.settings``: ``suppress_below``, ``min_group``); ``scn.privacy`` never reads them (tests/architecture).
    ``min_group`` None: no survey table is shaped (``for_audience`` refuses one)."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, not {k!r}")
    if min_group is not None and (isinstance(min_group, bool) or not isinstance(min_group, int | np.integer)
                                  or min_group < 1):
        raise ValueError(f"min_group must be a whole number of at least 1, not {min_group!r}")
    return int(k), None if min_group is None else int(min_group)


def suppress_counts(values: pd.Series | np.ndarray, threshold: int) -> pd.Series:
    """Replace counts in 1..threshold-1 with NA (zero stays zero: it discloses nothing); ``threshold``: the rule's
    k (``rule``)."""
    s = pd.Series(values).astype("Float64")
    return s.mask((s > 0) & (s < threshold))


def recoverable(n: np.ndarray, r: np.ndarray, k: int, actual: np.ndarray | None = None) -> np.ndarray:
    """Where showing a sum lets an official derive something of ``n`` hidden counts (each known to lie in
    1..k-1) beneath it whose sum ``r`` follows by differencing: a sum in 1..k-1 (also of nothing hidden: a small
    count of events outside the parts), a single hidden count, or every hidden count at a bound (r = n: all 1;
    r = n(k-1): all k-1). Otherwise each hidden count, and any part of their sum, keeps two or more possible
    values. r < n (a total below its parts) is not a sum of them and gives nothing. ``actual``: where each hidden
    count is a known offset plus an unknown in 1..k-1 (a rest, ``rests``), r sums the unknowns and ``actual`` the
    counts themselves, whose sum is what must not be small."""
    n, r = np.asarray(n, dtype="float64"), np.asarray(r, dtype="float64")
    a = r if actual is None else np.asarray(actual, dtype="float64")
    small = (a >= 1) & (a <= k - 1)
    return np.where(n == 0, small, (r >= n) & (small | (r == n) | (r == n * (k - 1))))


def pinned(n: np.ndarray, r: np.ndarray, u: np.ndarray, k: int, actual: np.ndarray | None = None) -> np.ndarray:
    """Where a shown total pins the ``n`` hidden parts beneath it (``recoverable``) given its events outside every
    part ``u`` (the total less the parts' sum): as the official sees it (r + u), or as if u were known (r, when u
    is at least 0). ``actual``: as in ``recoverable`` (the hidden counts' own sum, for rests)."""
    a_u = None if actual is None else actual + u
    return recoverable(n, r + u, k, a_u) | ((u >= 0) & recoverable(n, r, k, actual))


def rest_pairs(cols: list[str] | tuple[str, ...]) -> list[tuple[str, str, str]]:
    """The ``RESTS`` (count, part, rest) whose count and part are both among ``cols``."""
    return [r for r in RESTS if r[0] in cols and r[1] in cols]


def rest_hides(total: np.ndarray, part: np.ndarray, total_shown: np.ndarray, part_shown: np.ndarray,
               k: int) -> np.ndarray:
    """Where a count must be hidden for its rest: both it and its part shown and the count less the part in
    1..k-1 (a rest of 0, every event in the part, is shown: zero discloses nothing)."""
    rest = np.asarray(total, dtype="float64") - np.asarray(part, dtype="float64")
    return np.asarray(total_shown, dtype=bool) & np.asarray(part_shown, dtype=bool) & (rest >= 1) & (rest <= k - 1)


def rests(total: np.ndarray, part: np.ndarray, total_hidden: np.ndarray, part_hidden: np.ndarray,
          k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A rest (count less part) per row as an official knows it: its value, whether it is hidden (the count or the
    part is) and, where hidden, the unknown in 1..k-1 it is a known offset plus (the count shown, the part p hidden:
    k - p; both hidden: count - part + 1; the count hidden, the part shown: the rest itself)."""
    t, p = np.asarray(total, dtype="float64"), np.asarray(part, dtype="float64")
    t_hid, p_hid = np.asarray(total_hidden, dtype=bool), np.asarray(part_hidden, dtype=bool)
    unknown = np.where(p_hid & ~t_hid, k - p, np.where(p_hid, t - p + 1, t - p))
    hidden = t_hid | p_hid
    return t - p, hidden, np.where(hidden, np.clip(unknown, 1, k - 1), 0.0)


def part_rests(codes: np.ndarray, size: int, total: np.ndarray, part: np.ndarray, total_hidden: np.ndarray,
               part_hidden: np.ndarray, k: int) -> np.ndarray:
    """Where a part shown for a place (``size`` places; ``codes``: each published cell's place, -1 for none)
    gives a small rest of the cells beneath it back: the part less the cells' shown parts is their hidden parts'
    sum (as if the place's events in no cell were known), so where no cell beneath has both counts hidden, the
    cells whose count is shown and part hidden have their rests' sum (their counts less that sum) exactly, which
    must not be 1..k-1 (an area's flagged posts beside its cells' posts: the posts not flagged). With a cell of
    both hidden the sum is known only to k - 1 values or more, as ``recoverable`` asks (pinning the parts
    themselves is the part's own check). One bool per place."""
    ok = codes >= 0
    t, p = np.asarray(total, dtype="float64"), np.asarray(part, dtype="float64")
    a = ok & part_hidden & ~total_hidden & (t > 0)
    b = ok & part_hidden & total_hidden
    rest = np.bincount(codes[a], (t - p)[a], size)
    return (np.bincount(codes[a], minlength=size) > 0) & (np.bincount(codes[b], minlength=size) == 0) & \
        (rest >= 1) & (rest <= k - 1)


def _rests(name: str, frame: pd.DataFrame, out: pd.DataFrame, k: int) -> pd.DataFrame:
    """The primary rule of a count's rest (``rest_hides``) on the rows of a table holding both (``RESTS``)."""
    for total, part, _ in rest_pairs([c for c in SMALL_COUNTS.get(name, ()) if c in out.columns]):
        t, p = (pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype="float64") for c in (total, part))
        hide = rest_hides(t, p, out[total].notna().to_numpy(), out[part].notna().to_numpy(), k)
        out[total] = out[total].where(~hide, pd.NA)
    return out


def _sums(name: str, frame: pd.DataFrame, out: pd.DataFrame, k: int) -> pd.DataFrame:
    """``SUMS`` of one row: a total shown beside its parts is hidden where the part not shown (the difference, where
    the other part is no column) follows and is 1..k-1, where a single part is hidden (it follows exactly, and
    was hidden for a reason), or where hidden parts are pinned (``recoverable``: each at a bound). A hidden count
    is 1 or more (zero is shown)."""
    def num(col: str) -> np.ndarray:
        return pd.to_numeric(frame[col], errors="coerce").fillna(0).to_numpy(dtype="float64")

    for total, part, other in SUMS.get(name, ()):
        if total not in out.columns or part not in out.columns:
            continue
        t, shown = num(total), out[total].notna().to_numpy()
        if other is None:
            hide = rest_hides(t, num(part), shown, out[part].notna().to_numpy(), k)
        elif other in out.columns:
            hidden = np.stack([out[c].isna().to_numpy() & (num(c) > 0) for c in (part, other)])
            values = np.stack([num(part), num(other)])
            nh = hidden.sum(axis=0).astype("float64")
            # one hidden part follows exactly whatever hid it (a part hidden for its own rest: positives of 12
            # hidden for the 2 missed, known again as n less negatives); two or more as ``recoverable`` says
            hide = shown & ((nh == 1) | ((nh > 1) & recoverable(nh, (values * hidden).sum(axis=0), k)))
        else:
            continue
        out[total] = out[total].where(~hide, pd.NA)
    return out


def _review_figures(frame: pd.DataFrame, out: pd.DataFrame, k: int) -> pd.DataFrame:
    """``review_accuracy`` for an official: no figure (rates, intervals, the notes on them) where a confusion count
    of the reviewed posts (hateful posts flagged and missed, other posts flagged and not, and their sums: hateful,
    other, flagged, not flagged) is 1..k-1, nor where the counts are not published with the row; positives hidden
    where n less them is 1..k-1 (n is what the page says the figures were measured on). The staff-only counts
    (``REVIEW_COUNTS``) are read from ``frame``: an official's copy has none (``STAFF_ONLY``)."""
    if "n" not in frame.columns or "positives" not in frame.columns:
        return out
    cols = {c: pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype="float64") if c in frame.columns
            else np.full(len(frame), np.nan) for c in ("n", "positives", *REVIEW_COUNTS)}
    n, pos, tp, pred = cols["n"], cols["positives"], cols["true_positives"], cols["predicted"]
    counts = np.stack([tp, pos - tp, pred - tp, n - pos - pred + tp, pos, n - pos, pred, n - pred])
    small = ((counts >= 1) & (counts <= k - 1)).any(axis=0) | np.isnan(counts).any(axis=0)
    figures = [c for c in out.columns if c.startswith(("precision", "recall", "f1", "macro_f1", "accuracy"))]
    for col in figures:
        out[col] = out[col].where(~small, None if out[col].dtype == object else np.nan)
    rest = n - pos
    out["positives"] = out["positives"].where(~((rest >= 1) & (rest <= k - 1)), pd.NA)
    # why the figures are missing, for the words (not "not measured"): withheld where some were published
    out["figures_withheld"] = small & frame[[c for c in figures if c in frame.columns]].notna().any(axis=1).to_numpy()
    return out


def _resolution(cells: np.ndarray) -> np.ndarray:
    """The H3 resolution of each cell (bits 52-55 of the index)."""
    return np.fromiter(((int(c, 16) >> 52) & 0xF for c in cells), dtype="int64", count=len(cells))


def _key(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One string per row from the ``keys`` columns (city, month), for grouping and lookups."""
    out = np.full(len(frame), "", dtype=object)
    for col in keys:
        out = out + _SEP + frame[col].astype(object).fillna("").astype(str).to_numpy(dtype=object)
    return out


def _level(codes: np.ndarray, size: int, t: np.ndarray, en: np.ndarray, er: np.ndarray, shown: np.ndarray, k: int,
           more: bool, forced: np.ndarray | None = None, ea: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """One level of secondary suppression: children (``codes``: the index of each one's parent, of ``size``) with
    their totals ``t``, the number ``en`` and sum ``er`` of hidden cells in their own equation (a published cell:
    itself when hidden) and whether they are ``shown``.

    A parent is shown when its equation is safe: the hidden cells beneath it that no shown child covers (the
    hidden children's en, er, summed) are not ``recoverable``. Where it is not, and ``more`` (its children are
    sums, not published cells), its smallest shown children with hidden cells of their own are hidden as well,
    one by one, until it is; failing that (or when its total is in 1..k-1) the parent is hidden.

    ``forced``: parents hidden whatever their equation (a count hidden for its rest, ``_cell_tree``); ``ea``: the
    hidden cells' own values where ``er`` holds unknowns beside known offsets (``recoverable``'s ``actual``).

    Returns the parents' t, en, er, ea and shown, and the children's shown (updated)."""
    hid = ~shown
    ea = er if ea is None else ea
    total = np.bincount(codes, t, size)
    n = np.bincount(codes, np.where(hid, en, 0.0), size)
    r = np.bincount(codes, np.where(hid, er, 0.0), size)
    a = np.bincount(codes, np.where(hid, ea, 0.0), size)
    primary = (total > 0) & (total < k)
    forced = np.zeros(size, dtype=bool) if forced is None else forced
    unsafe = primary | recoverable(n, r, k, a) | forced
    fix = np.flatnonzero(unsafe & ~primary & ~forced) if more else np.array([], dtype="int64")
    if len(fix):
        shown = shown.copy()
        cand = np.flatnonzero(shown & (en > 0))
        order = cand[np.lexsort((t[cand], codes[cand]))]
        grouped = codes[order]
        for g, lo, hi in zip(fix, np.searchsorted(grouped, fix, "left"), np.searchsorted(grouped, fix, "right"),
                             strict=True):
            ng, rg, ag = n[g], r[g], a[g]
            for j in range(lo, hi):
                ng, rg, ag = ng + en[order[j]], rg + er[order[j]], ag + ea[order[j]]
                if not recoverable(ng, rg, k, ag):
                    shown[order[lo:j + 1]] = False
                    n[g], r[g], a[g], unsafe[g] = ng, rg, ag, False
                    break
    return total, n, r, a, ~unsafe, shown


def _cell_tree(cells: pd.DataFrame, keys: list[str], cols: list[str], k: int) -> tuple[dict[int, pd.DataFrame],
                                                                                        pd.DataFrame]:
    """Secondary suppression of the coarser cell views, finest level first, then the city-month (the sum of all
    its cells, over the coarsest sums), per city and month (``keys``).

    ``cells``: the published cells (one count per col). Returns, per level of ``CELL_LEVELS``, a frame indexed by
    "<key><SEP><parent cell>" with a True per col where that parent's sum is hidden; and, per key, the cells'
    total ``t_<col>`` and the number ``n_<col>`` and sum ``r_<col>`` of hidden cells that no shown parent
    covers. A count beside its part (``RESTS``) is hidden where its rest is (``rest_hides``: in the cells, with
    the rest, not the count, as the unknown), and the rest gets a tree of its own, shown where both are: a parent
    whose rest would be small or pin the hidden rests beneath hides the count there (``t_``, ``n_``, ``r_`` of
    the rest too, in its unknowns, ``rests``)."""
    from geo.h3index import parents  # H3 (and geopandas) only when there are coarser views to shape

    cells = cells[cells["cell"].notna()]
    key = _key(cells, keys)
    ids = cells["cell"].to_numpy(dtype=object)
    structure = []  # per level: (level, parent index of each child, the parents' "<key><SEP><cell>" names)
    for level in sorted(CELL_LEVELS, reverse=True):
        node = ids.copy()
        finer = _resolution(ids) > level
        if finer.any():
            node[finer] = parents(ids[finer], level)
        codes, names = pd.factorize(key + _SEP + node)
        first = np.unique(codes, return_index=True)[1]
        structure.append((level, codes, np.asarray(names, dtype=object)))
        key, ids = key[first], node[first]
    root_codes, root_names = pd.factorize(key)
    hide: dict[int, pd.DataFrame] = {level: pd.DataFrame(index=pd.Index(names)) for level, _, names in structure}
    top = pd.DataFrame(index=pd.Index(np.asarray(root_names, dtype=object), name="key"))

    def run(t: np.ndarray, en: np.ndarray, er: np.ndarray, shown: np.ndarray, forced: list[np.ndarray] | None = None,
            ea: np.ndarray | None = None) -> tuple[list[np.ndarray], tuple[np.ndarray, ...]]:
        """One count up the tree: which parents are shown per level, and the root's t, en, er, ea."""
        decided: list[np.ndarray] = []
        ea = er if ea is None else ea
        for depth, (_, codes, names) in enumerate(structure):
            t, en, er, ea, parent_shown, shown = _level(codes, len(names), t, en, er, shown, k, more=depth > 0,
                                                        forced=None if forced is None else forced[depth], ea=ea)
            if depth:
                decided[-1] = shown
            decided.append(parent_shown)
            shown = parent_shown
        t, en, er, ea, _, shown = _level(root_codes, len(root_names), t, en, er, shown, k, more=bool(structure), ea=ea)
        if structure:
            decided[-1] = shown
        return decided, (t, en, er, ea)

    values = {col: pd.to_numeric(cells[col], errors="coerce").fillna(0).to_numpy(dtype="float64") for col in cols}
    leaf_hidden = {col: (v > 0) & (v < k) for col, v in values.items()}
    unknown = {col: np.where(leaf_hidden[col], v, 0.0) for col, v in values.items()}
    pairs = rest_pairs(cols)
    actual = {col: np.where(h, values[col], 0.0) for col, h in leaf_hidden.items()}
    for total, part, _ in pairs:  # a cell hidden for its rest: the official knows its part, the unknown is the rest
        extra = rest_hides(values[total], values[part], ~leaf_hidden[total], ~leaf_hidden[part], k)
        leaf_hidden[total] = leaf_hidden[total] | extra
        unknown[total] = np.where(extra, values[total] - values[part], unknown[total])
        actual[total] = np.where(extra, values[total] - values[part], actual[total])  # what is unknown: the rest
    results = {}
    for col in cols:
        hid = leaf_hidden[col]
        results[col] = run(values[col], hid.astype("float64"), unknown[col], ~hid, None, actual[col])
    for total, part, rest in pairs:
        # the rest is shown wherever the count and the part are: a rest hidden by its own tree (small, or pinning
        # the hidden rests beneath) hides the count there, which changes the count's tree: to a fixed point
        value, hid, part_unknown = rests(values[total], values[part], leaf_hidden[total], leaf_hidden[part], k)
        forced = [np.zeros(len(names), dtype=bool) for _, _, names in structure]
        while True:
            unseen = [~a | ~b for a, b in zip(results[total][0], results[part][0], strict=True)]
            results[rest] = run(value, hid.astype("float64"), part_unknown, ~hid, unseen, np.where(hid, value, 0.0))
            more = [f | (~r & ~u) for f, r, u in zip(forced, results[rest][0], unseen, strict=True)]
            if all((m == f).all() for m, f in zip(more, forced, strict=True)):
                break
            forced = more
            results[total] = run(values[total], leaf_hidden[total].astype("float64"), unknown[total],
                                 ~leaf_hidden[total], forced, actual[total])
    for col, (decided, (t, en, er, ea)) in results.items():
        if col in cols:
            for (level, _, _), flags in zip(structure, decided, strict=True):
                hide[level][col] = ~flags
        top[f"t_{col}"], top[f"n_{col}"], top[f"r_{col}"], top[f"a_{col}"] = t, en, er, ea
    return hide, top


def _keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("city_id", "period") if c in frame.columns]


def _cell_views(frame: pd.DataFrame, out: pd.DataFrame, cols: list[str], k: int) -> pd.DataFrame:
    """``cell_month`` rows at several resolutions (a map's views: each city-month's finest rows are the published
    cells, coarser rows their parents' sums): the coarser rows get the secondary suppression."""
    if "resolution" not in frame.columns or not cols or frame["resolution"].nunique() <= 1:
        return out
    keys = _keys(frame)
    key = _key(frame, keys)
    res = frame["resolution"].astype("int64").to_numpy()
    codes, uniques = pd.factorize(key)
    finest = np.full(len(uniques), -1, dtype="int64")
    np.maximum.at(finest, codes, res)
    leaf = res == finest[codes]
    unknown = {int(x) for x in np.unique(res[~leaf])} - set(CELL_LEVELS)
    if unknown:
        raise ValueError(f"cell_month sums at resolutions {sorted(unknown)} are not declared in CELL_LEVELS")
    hide, _ = _cell_tree(frame[leaf], keys, cols, k)
    cells = frame["cell"].to_numpy(dtype=object)
    for level, flags in hide.items():
        rows = ~leaf & (res == level)
        if not rows.any():
            continue
        found = flags.reindex(key[rows] + _SEP + cells[rows]).fillna(False).astype(bool)
        for col in cols:
            hidden = np.zeros(len(out), dtype=bool)
            hidden[rows] = found[col].to_numpy()
            out[col] = out[col].where(~hidden, pd.NA)
    return out


def _totals(frame: pd.DataFrame, out: pd.DataFrame, parts: pd.DataFrame, cols: list[str], k: int) -> pd.DataFrame:
    """City-month totals (``frame``) against their published cells (``parts``): a total is hidden where the
    official could difference it against the shown cells and shown coarser sums. The total may hold events
    without a cell (u >= 0): checked both as the official would take it (u unknown, so r + u) and as if u were
    known (r)."""
    keys = [c for c in _keys(frame) if c in parts.columns]
    cols = [c for c in cols if c in parts.columns]
    if not cols or parts.empty:
        return out
    if "resolution" in parts.columns and parts["resolution"].nunique() > 1:
        parts = parts[parts["resolution"] == parts["resolution"].max()]
    _, top = _cell_tree(parts, keys, cols, k)
    at = _key(frame, keys)
    for col in cols:
        total = pd.to_numeric(frame[col], errors="coerce").astype("float64").to_numpy()
        n, r, t, a = (top[f"{x}_{col}"].reindex(at).fillna(0).to_numpy() for x in "nrta")
        u = total - t
        hidden = pinned(n, r, u, k, a)
        out[col] = out[col].where(~(hidden & ~np.isnan(total)), pd.NA)
    for total, part, rest in rest_pairs(cols):  # the rest of the total against the cells' rests, where both shown
        value = (pd.to_numeric(frame[total], errors="coerce") - pd.to_numeric(frame[part], errors="coerce")
                 ).astype("float64").to_numpy()
        n, r, t, a = (top[f"{x}_{rest}"].reindex(at).fillna(0).to_numpy() for x in "nrta")
        u = value - t
        hidden = pinned(n, r, u, k, a) & ~np.isnan(value)
        both = out[total].notna().to_numpy() & out[part].notna().to_numpy()
        out[total] = out[total].where(~(hidden & both), pd.NA)
    for total, part, _ in rest_pairs([*cols, *(c for c in parts.columns if c not in cols)]):
        if part not in cols:
            continue
        # the part against the cells' counts, shown in the table or not (``part_rests``): hidden where it gives
        # their rests back
        t, p = (pd.to_numeric(parts[c], errors="coerce").fillna(0).to_numpy(dtype="float64") for c in (total, part))
        t_hid, p_hid = (t > 0) & (t < k), (p > 0) & (p < k)
        t_hid |= rest_hides(t, p, ~t_hid, ~p_hid, k)
        index = pd.Index(at)
        codes = index.get_indexer(_key(parts, keys)) if index.is_unique else np.full(len(parts), -1)
        out[part] = out[part].where(~part_rests(codes, len(frame), t, p, t_hid, p_hid, k), pd.NA)
    return out


def _partition(frame: pd.DataFrame, out: pd.DataFrame, keys: list[str], cols: list[str], k: int) -> pd.DataFrame:
    """Rows that split one published total (per ``keys``): where the hidden parts' sum, the total minus the shown
    parts, would give something of them back (``recoverable``), the smallest shown non-zero parts are hidden as
    well, one by one, until it does not. (When every non-zero part is hidden and the sum still says something, e.g.
    two parts of k-1, only the total itself could be hidden: it belongs to another table.)"""
    if frame.empty:
        return out
    codes = frame.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    size = int(codes.max()) + 1
    for col in cols:  # the total is the parts' sum (nothing outside them): ``_split`` with u = 0
        v = pd.to_numeric(frame[col], errors="coerce").fillna(0).to_numpy(dtype="float64")
        hidden, _ = _split(v, out[col].isna().to_numpy() & (v > 0), codes, np.bincount(codes, v, size), k)
        out[col] = out[col].where(~hidden, pd.NA)
    return out


def _split(v: np.ndarray, hidden: np.ndarray, codes: np.ndarray, total: np.ndarray,
           k: int) -> tuple[np.ndarray, np.ndarray]:
    """Parts ``v`` (counts; ``hidden`` those suppressed) of totals ``total`` (per group ``codes``; -1: a part of no
    shown total; a total NaN: not shown). An official who sees a total and its shown parts knows the hidden parts'
    sum up to the total's events outside the parts (u = total - all parts; u < 0 where one person holds two roles):
    where that, taken as r + u or as r with u known, would give something of them back (``recoverable``), the
    smallest shown non-zero parts of the group are hidden as well, one by one, until it does not; failing that,
    the total is hidden. Returns the parts' hidden flags and the totals' (per group)."""
    size, ok = len(total), codes >= 0
    s = np.bincount(codes[ok], v[ok], size)
    n = np.bincount(codes[ok], hidden[ok].astype("float64"), size)
    r = np.bincount(codes[ok], np.where(hidden, v, 0.0)[ok], size)
    u = total - s

    def unsafe(n: np.ndarray, r: np.ndarray, u: np.ndarray) -> np.ndarray:
        return pinned(n, r, u, k)

    hidden, total_hidden = hidden.copy(), np.zeros(size, dtype=bool)
    for g in np.flatnonzero(~np.isnan(total) & unsafe(n, r, np.nan_to_num(u))):  # the unsafe totals only
        rows = np.flatnonzero((codes == g) & ~hidden & (v > 0))
        ng, rg = n[g], r[g]
        for j in rows[np.argsort(v[rows], kind="stable")]:
            hidden[j], ng, rg = True, ng + 1, rg + v[j]
            if not unsafe(ng, rg, u[g]):
                break
        else:
            total_hidden[g] = True
    return hidden, total_hidden


def _counts(frame: pd.DataFrame, col: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """A count column as floats (missing: 0) and its primary suppression (1..k-1)."""
    v = pd.to_numeric(frame[col], errors="coerce").fillna(0).to_numpy(dtype="float64")
    return v, (v > 0) & (v < k)


def _survey_groups(frame: pd.DataFrame, out: pd.DataFrame, k: int) -> pd.DataFrame:
    """``survey_indices``: each group type's groups split the wave's ``all`` row (same survey, wave, construct);
    a group's n hidden for this hides its mean and interval too (with the n, they would give each other back)."""
    keys = [c for c in SPLIT_KEYS["survey_indices"] if c in frame.columns]
    if "n" not in out.columns or "group_type" not in frame.columns or frame.empty:
        return out
    v, primary = _counts(frame, "n", k)
    is_all = frame["group_type"].astype(str).eq("all").to_numpy()
    key = _key(frame, keys)
    totals = pd.Series(np.where(primary, np.nan, v)[is_all], index=key[is_all])
    totals = totals[~totals.index.duplicated()]
    parts = np.flatnonzero(~is_all)
    codes, uniques = pd.factorize(key[parts] + _SEP + frame["group_type"].astype(str).to_numpy(dtype=object)[parts])
    group_total = totals.reindex([g.rsplit(_SEP, 1)[0] for g in uniques]).to_numpy(dtype="float64")
    hidden, total_hidden = _split(v[parts], primary[parts], codes, group_total, k)
    hide = primary.copy()
    hide[parts] = hidden
    gone = {g.rsplit(_SEP, 1)[0] for g in uniques[total_hidden]}
    # a total hidden for one group type would come back as the sum of another type's parts: the wave's construct
    # is hidden whole (it happens where a type's hidden groups cannot be covered by hiding more of them)
    hide |= pd.Series(key).isin(gone).to_numpy()
    out["n"] = out["n"].where(~hide, pd.NA)
    for col in (c for c in SURVEY_DERIVED if c in out.columns):
        out[col] = out[col].where(~hide)
    if "suppressed" in out.columns:
        out["suppressed"] = out["suppressed"].astype("boolean").fillna(False) | hide
    return out


def _programme_roles(name: str, frame: pd.DataFrame, out: pd.DataFrame, other: pd.DataFrame,
                     k: int) -> pd.DataFrame:
    """``programme_metrics`` (people per role) split ``programme_years`` (people per line and year): both shaped
    from the same two tables, so the page and the download agree."""
    metrics, years = (frame, other) if name == "programme_metrics" else (other, frame)
    keys = [c for c in SPLIT_KEYS["programme"] if c in metrics.columns and c in years.columns]
    if "people" not in out.columns or "people" not in other.columns or metrics.empty or years.empty or not keys:
        return out
    v, primary = _counts(metrics, "people", k)
    t, t_primary = _counts(years, "people", k)
    year_key = _key(years, keys)
    lookup = pd.Index(year_key)
    codes = lookup.get_indexer(_key(metrics, keys)) if lookup.is_unique else np.full(len(metrics), -1)
    total = np.where(t_primary | years["people"].isna().to_numpy(), np.nan, t)
    hidden, total_hidden = _split(v, primary, codes, total, k)
    out["people"] = out["people"].where(~(hidden if name == "programme_metrics" else total_hidden), pd.NA)
    return out


def _evidence(raw: object, k: int, totals: tuple[str, ...] = ()) -> tuple[object, bool]:
    """One JSON of ``JSON_COUNTS`` (``alerts.evidence``, ``correlations.detail``) with its small counts (and the
    numbers computed from them) as null, and its ``totals`` (``PANEL_TOTALS``) null whatever their size."""
    if not isinstance(raw, str):
        return raw, False
    try:
        ev = json.loads(raw)
    except ValueError:
        return raw, False
    if not isinstance(ev, dict):
        return raw, False

    def number(key: str) -> float | None:
        v = ev.get(key)
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

    hidden = False
    for key in EVIDENCE_COUNTS:
        v = number(key)
        if v is not None and 0 < v < k:
            ev[key], hidden = None, True
    for key, weeks in EVIDENCE_MEANS.items():
        v, w = number(key), number(weeks)
        if v is not None and v > 0 and round(v * (w if w else 1)) < k:
            ev[key], hidden = None, True
    if hidden:
        for key in EVIDENCE_DERIVED:
            if key in ev:
                ev[key] = None
    for key in totals:
        if key in ev:
            ev[key] = None
    return json.dumps(ev), hidden


def _overlapping_windows(alerts: pd.DataFrame, evidence: list) -> tuple[list, np.ndarray]:
    """Burst alerts of one area whose baseline windows overlap: the usual weekly count times the window's weeks is
    the window's sum, and two sums whose windows overlap differ by the weeks only one holds (with alerts in weeks
    W and W + 1, the week W - 8 is this week's count of W minus the difference: a count of one area and week that
    officials never see). An alert's baseline, and the p-value, bound and score computed from it, is shown only
    when its area had no alert in the ``baseline_weeks`` weeks before it (then no other shown window overlaps
    its own, nor holds a week whose count an alert shows); otherwise it is withheld (``baseline_withheld``).
    Returns the evidence JSONs and which alerts lost their baseline."""
    withheld = np.zeros(len(evidence), dtype=bool)
    if not evidence or not {"period", "area_code"} <= set(alerts.columns):
        return evidence, withheld
    docs = [json.loads(e) if isinstance(e, str) and e.startswith("{") else None for e in evidence]
    has = np.array([isinstance(d, dict) and isinstance(d.get("baseline"), int | float) and
                    not isinstance(d.get("baseline"), bool) for d in docs], dtype=bool)
    if not has.any():
        return evidence, withheld
    span = np.array([float(d.get("baseline_weeks") or 8) if isinstance(d, dict) else 8.0 for d in docs])
    start = pd.to_datetime(alerts["period"].astype("string") + "-1", format="%G-W%V-%u", errors="coerce")
    week = ((start - pd.Timestamp("1970-01-05")).dt.days // 7).to_numpy(dtype="float64", na_value=np.nan)
    keys = [c for c in ("city_id", "alert_type", "area_code") if c in alerts.columns]
    frame = alerts[keys].reset_index(drop=True).assign(_week=week, _i=np.arange(len(alerts)))
    frame = frame.sort_values([*keys, "_week"], kind="stable")
    before = frame.groupby(keys, sort=False, dropna=False)["_week"].shift(1).to_numpy()
    order = frame["_i"].to_numpy()
    withheld[order] = (frame["_week"].to_numpy() - before) <= span[order]
    withheld &= has
    out = list(evidence)
    for i in np.flatnonzero(withheld):  # a few alerts of a city
        d = dict(docs[i], baseline=None, baseline_withheld=True)
        for key in EVIDENCE_DERIVED:
            if key in d:
                d[key] = None
        out[i] = json.dumps(d)
    return out, withheld


def _month_index(text: pd.Series) -> np.ndarray:
    """``2025-03`` -> 2025 * 12 + 2 (NaN where not a month)."""
    t = text.astype("string")
    return (pd.to_numeric(t.str.slice(0, 4), errors="coerce") * 12
            + pd.to_numeric(t.str.slice(5, 7), errors="coerce") - 1).to_numpy(dtype="float64", na_value=np.nan)


def alert_totals(table: Callable[[str], pd.DataFrame], k: int) -> pd.DataFrame:
    """The published monthly totals alert counts are set against (``ALERT_TOTALS``; ``table(name)``: the rows
    of a published table, empty when it is not published), long: ``city_id``, ``place`` (area, city, cells),
    ``unit`` (area code or city; ``area_cells``: an area's published cells, matched by centre, ``_area_cells``),
    ``month`` (index), ``metric``, ``total``, ``hidden`` (how many parts of it an official gets as hidden: small
    cells) and ``hidden_total`` (their sum). Pass it as ``parts`` of ``for_audience("alerts", ...)`` (with the same
    ``k``: ``rule``)."""
    k, metrics = rule(k, None)[0], sorted(set(ALERT_PARTS.values()))
    frames = []
    for name, place, unit in (("area_month", "area", "area_code"), ("city_month", "city", "city_id"),
                              ("cell_month", "cells", "city_id")):
        rows = table(name)
        cols = [m for m in metrics if m in rows.columns]
        if rows.empty or not cols or not {"city_id", "period", unit} <= set(rows.columns):
            continue
        if name == "cell_month" and "resolution" in rows.columns:  # the published cells: the finest rows
            res = pd.to_numeric(rows["resolution"], errors="coerce")
            rows = rows[(res == res.groupby(rows["city_id"]).transform("max")).to_numpy()]
        frames.append(_place_totals(rows, rows[unit], cols, place, name == "cell_month", k))
        if name == "cell_month":  # an area's published cells (matched by centre) sum to a total of the area too
            frames.append(_area_cells(rows, cols, table("areas"), k))
    frames = [f for f in frames if len(f)]
    cols = ["city_id", "place", "unit", "month", "metric", "total", "hidden", "hidden_total"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)[cols]
    return pd.concat([out, _unflagged(out)], ignore_index=True)[cols]


def _unflagged(totals: pd.DataFrame) -> pd.DataFrame:
    """The posts not flagged of each area and city month (posts less flagged posts): a total of
    ``unflagged_posts``, which a cluster's posts less its hateful posts are parts of. (The cells' places sum theirs
    per cell, hidden cells too: ``_cells_unflagged``.)"""
    keys = ["city_id", "place", "unit", "month"]
    totals = totals[~totals["place"].isin(["cells", "area_cells"])]  # theirs: ``_cells_unflagged``, per cell
    if totals.empty:
        return totals
    wide = totals.pivot_table(index=keys, columns="metric", values=["total", "hidden"], aggfunc="sum")
    if {("total", "posts"), ("total", "flagged_posts")} - set(wide.columns):
        return totals.iloc[:0]
    exact = (wide[("hidden", "posts")] == 0) & (wide[("hidden", "flagged_posts")] == 0)
    rest = (wide[("total", "posts")] - wide[("total", "flagged_posts")])[exact]
    return rest.rename("total").reset_index().assign(metric="unflagged_posts", hidden=0.0, hidden_total=0.0)


def _area_cells(rows: pd.DataFrame, metrics: list[str], areas: pd.DataFrame, k: int) -> pd.DataFrame:
    """``alert_totals`` of the place ``area_cells``: each area's published cells (``rows``) summed, per month and
    metric (``metrics``), a cell being its centre's area
    (as the levels match them: ``scn.privacy.cell_areas.cells_in_areas``). An official holding the cells
    download and the areas' outlines has these sums whether or not the area's own total is published, and they
    differ from it (posts located to the area only, in no cell)."""
    cols = ["city_id", "place", "unit", "month", "metric", "total", "hidden", "hidden_total"]
    if areas.empty or "cell" not in rows.columns or not {"city_id", "area_code", "geometry_wkt"} <= set(areas.columns):
        return pd.DataFrame(columns=cols)  # no outlines published: no area's cells to sum
    from scn.privacy.cell_areas import area_shapes, cells_in_areas  # shapely and H3 only when needed

    cells = rows[["city_id", "cell"]].dropna().drop_duplicates()
    found = []
    for city, own in cells.groupby("city_id", sort=False):  # a handful of cities
        codes, geoms = area_shapes(areas[areas["city_id"] == city])
        found.append(own.assign(area=cells_in_areas(own["cell"].astype(str), codes, geoms)))
    if not found:
        return pd.DataFrame(columns=cols)
    at = pd.concat(found, ignore_index=True)
    at = at[at["area"] != ""]
    placed = rows.merge(at, on=["city_id", "cell"])
    return _place_totals(placed, placed["area"], metrics, "area_cells", True, k)


def _place_totals(rows: pd.DataFrame, unit: pd.Series, metrics: list[str], place: str, cells: bool, k: int
                  ) -> pd.DataFrame:
    """``alert_totals``' rows of one place: ``rows`` (a published table's) summed per city, ``unit``, month and
    metric; where the rows are cells (``cells``), those in 1..k-1 are hidden parts (how many, and their sum), and
    so is a count hidden for its rest (posts beside their shown flagged posts: its unknown is the rest, 1..k-1,
    the flagged posts a known offset; counting it as shown took a pinned rest for a rest of 0)."""
    long = rows.assign(month=_month_index(rows["period"]), unit=unit.astype(str), _row=np.arange(len(rows))).melt(
        ["city_id", "unit", "month", "_row"], metrics, var_name="metric", value_name="total")
    long["total"] = pd.to_numeric(long["total"], errors="coerce").astype("float64")
    long = long[long["total"].notna() & ~np.isnan(long["month"].to_numpy(dtype="float64"))]
    small = (long["total"] > 0) & (long["total"] < k) if cells else long["total"] < 0
    unknown = np.where(small, long["total"], 0.0)
    if cells:  # a count hidden for its rest (``RESTS``): a hidden part whose unknown is the rest (its part shown)
        for total, part, _ in rest_pairs(list(metrics)):
            t, p = (pd.to_numeric(rows[c], errors="coerce").astype("float64").to_numpy() for c in (total, part))
            rest = np.where(rest_hides(t, p, ~((t > 0) & (t < k)), ~((p > 0) & (p < k)), k), t - p, 0.0)
            at = (long["metric"] == total).to_numpy()
            own = rest[long["_row"].to_numpy()[at]]
            unknown[at] = np.where(own > 0, own, unknown[at])
            small = small | (at & (unknown > 0))
    long = long.assign(hidden=small.astype("float64"), hidden_total=unknown, place=place)
    if cells and {"posts", "flagged_posts"} <= set(metrics):
        long = pd.concat([long, _cells_unflagged(rows, unit, place, k)], ignore_index=True)
    return long.groupby(["city_id", "place", "unit", "month", "metric"], as_index=False)[
        ["total", "hidden", "hidden_total"]].sum()


def _cells_unflagged(rows: pd.DataFrame, unit: pd.Series, place: str, k: int) -> pd.DataFrame:
    """The posts not flagged of each published cell (posts less flagged posts) as ``_place_totals``' rows: exact
    where both counts are shown; else what an official knows of it is k - 1 values, a known offset plus a hidden
    part in 1..k-1 (its ``hidden_total``: posts shown, flagged posts f hidden: p - (k - 1)..p - 1, part k - f;
    both hidden: 0..k - 2, part p - f + 1; posts hidden, flagged posts shown: the posts not flagged, ``rests``).
    A hidden cell no longer drops its place's posts not flagged (``_unflagged`` takes exact totals only)."""
    p = pd.to_numeric(rows["posts"], errors="coerce").astype("float64").to_numpy()
    f = pd.to_numeric(rows["flagged_posts"], errors="coerce").astype("float64").to_numpy()
    p_hid, f_hid = (p > 0) & (p < k), (f > 0) & (f < k)
    p_hid |= rest_hides(p, f, ~p_hid, ~f_hid, k)  # posts hidden for their rest
    rest, hidden, part = rests(p, f, p_hid, f_hid, k)
    out = pd.DataFrame({"city_id": rows["city_id"].to_numpy(), "unit": unit.astype(str).to_numpy(),
                        "month": _month_index(rows["period"]), "metric": "unflagged_posts", "total": rest,
                        "hidden": hidden.astype("float64"), "hidden_total": part, "place": place})
    return out[~np.isnan(out["total"].to_numpy()) & ~np.isnan(out["month"].to_numpy(dtype="float64"))]


def _months(start: pd.Timestamp | None, end: pd.Timestamp | None) -> tuple[float, float]:
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return np.nan, np.nan
    return float(start.year * 12 + start.month - 1), float(end.year * 12 + end.month - 1)


def _week(text: object) -> pd.Timestamp | None:
    day = pd.to_datetime(f"{text}-1", format="%G-W%V-%u", errors="coerce") if isinstance(text, str) else pd.NaT
    return None if pd.isna(day) else day


def _days(start: pd.Timestamp | None, end: pd.Timestamp | None) -> tuple[float, float]:
    """The first and last day of a span (days since 1970-01-01, UTC); NaN when it is not known."""
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return np.nan, np.nan
    return float(pd.Timestamp(start).value // DAY_NS), float(pd.Timestamp(end).value // DAY_NS)


def _alert_items(alerts: pd.DataFrame, raw: list, docs: list) -> pd.DataFrame:
    """The alert counts that are parts of a published count (``ALERT_PARTS``, the baseline window's sum): one row
    per alert and count, with its true value, whether the official sees it (``shown``; else it is hidden as small)
    and the months its days lie in (``m0``..``m1``), and its evidence ``key``. Counts already withheld are not
    parts of anything shown."""
    area = alerts["area_code"] if "area_code" in alerts.columns else pd.Series(None, index=alerts.index)
    rows = []
    for i, (city, code, period, r, d) in enumerate(zip(alerts["city_id"], area, alerts["period"], raw, docs,
                                                       strict=True)):  # a city's few alerts
        if not isinstance(r, dict) or not isinstance(d, dict):
            continue
        week = _week(r.get("week") or period)
        first = pd.to_datetime(r.get("first_seen"), errors="coerce", utc=True)
        last = pd.to_datetime(r.get("last_seen"), errors="coerce", utc=True)
        if pd.isna(first) or pd.isna(last):
            first, last = (None, None) if week is None else (week, week + pd.Timedelta(days=6))
        span = (*_months(first, last), *_days(first, last))
        unit = None if code is None or pd.isna(code) else str(code)
        for key, metric in ALERT_PARTS.items():
            v = r.get(key)
            if isinstance(v, int | float) and not isinstance(v, bool) and v > 0:
                rows.append((i, city, unit, metric, float(v), d.get(key) is not None, *span, key))
        mean, weeks = r.get("baseline"), r.get("baseline_weeks") or 8
        if isinstance(mean, int | float) and not isinstance(mean, bool) and mean > 0 and \
                not d.get("baseline_withheld") and not d.get("counts_withheld"):
            start, end = _week(r.get("baseline_from")), _week(r.get("baseline_to"))
            if start is None or end is None:
                # the window is the ``weeks`` weeks before the alert's (geo.warning), not its first week alone
                start, end = (None, None) if week is None else (week - pd.Timedelta(weeks=int(weeks)),
                                                                week - pd.Timedelta(weeks=1))
            # the usual weekly count is the baseline weeks' mean x the season x the collection volume
            # (geo.warning): the window's sum is the usual count over both, times its weeks
            total = float(mean) * float(weeks) / (float(r.get("seasonal") or 1) * float(r.get("volume") or 1))
            end = None if end is None else end + pd.Timedelta(days=6)
            rows.append((i, city, unit, "flagged_posts", round(total), d.get("baseline") is not None,
                         *_months(start, end), *_days(start, end), "baseline"))
    out = pd.DataFrame(rows, columns=["alert", "city_id", "area_code", "metric", "value", "shown", "m0", "m1",
                                      "d0", "d1", "key"])
    out = out[out["m0"].notna()]
    # flagged posts are posts: a burst's week and usual level are parts of the posts totals too
    flagged = out[out["metric"].eq("flagged_posts")].assign(metric="posts")
    # a cluster's posts less its hateful posts (both shown) are parts of the posts not flagged
    whole = out[out["shown"].astype(bool)].pivot_table(index="alert", columns="key", values="value", aggfunc="max")
    unflagged = out.iloc[:0]
    if {"posts", "hateful_posts"} <= set(whole.columns):
        rest = (whole["posts"] - whole["hateful_posts"]).dropna()
        rest = rest[rest > 0]
        first = out[out["key"].eq("posts")].drop_duplicates("alert").set_index("alert").loc[rest.index]
        unflagged = first.assign(metric="unflagged_posts", key="unflagged_posts", value=rest).reset_index()
    return pd.concat([out, flagged, unflagged[out.columns]], ignore_index=True)


def _parts_of_one(items: pd.DataFrame, n: int, k: int) -> np.ndarray:
    """Alerts whose own counts difference each other (``ALERT_PARTS``: a cluster's shares and hateful posts are
    parts of its posts; hateful posts of the week's flagged posts): a whole minus a part shown beside it is the
    count of the rest, which must not be small (``recoverable`` with nothing hidden)."""
    out = np.zeros(n, dtype=bool)
    shown = items[items["shown"].astype(bool) & items["key"].isin(["posts", "flagged_posts", "shares",
                                                                     "hateful_posts"])]
    if shown.empty:
        return out
    whole = shown.pivot_table(index="alert", columns="key", values="value", aggfunc="max")
    for metric, parts in (("posts", ("shares", "hateful_posts")), ("flagged_posts", ("hateful_posts",))):
        if metric not in whole.columns:
            continue
        for part in parts:  # a few keys
            if part not in whole.columns:
                continue
            rest = (whole[metric] - whole[part]).dropna()
            out[rest.index[recoverable(np.zeros(len(rest)), rest.to_numpy(), k)].to_numpy(dtype="int64")] = True
    return out


def _placed_checks(items: pd.DataFrame, totals: pd.DataFrame) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Each place an alert count lies in (its area, the city, the city's published cells, its area's published
    cells) and metric: the alert items there (one per alert and metric: ``_wholes``) and the place's monthly
    totals."""
    items = _wholes(items)
    area = items[items["area_code"].notna()]
    places = [items.assign(place="city", unit=items["city_id"].astype(str)),
              items.assign(place="cells", unit=items["city_id"].astype(str)),
              area.assign(place="area", unit=area["area_code"]), area.assign(place="area_cells", unit=area["area_code"])]
    placed = pd.concat(places, ignore_index=True)
    keys = ["city_id", "place", "unit", "metric"]
    by_key = placed.groupby(keys, sort=False)
    return [(by_key.get_group(g), t) for g, t in totals.groupby(keys, sort=False) if g in by_key.groups]


def _wholes(items: pd.DataFrame) -> pd.DataFrame:
    """One item per alert and metric (and its baseline window apart, in other weeks): a cluster's shares are part
    of its posts, so posts and shares are one count of the posts total, the posts (the largest; ties: the higher
    ``floor``), not two. Subtracting both understated the rest (a June of 43 less a cluster's 40 posts and its
    30 shares: below 0, not 3) and counted a part's floor (or hidden count) beside its whole's. Taking the whole
    alone is enough: ``_parts_of_one`` holds every shown whole less a shown part at 0 or k or more."""
    order = ["value", "floor"] if "floor" in items.columns else ["value"]
    return items.assign(_window=items["key"].eq("baseline")).sort_values(order, ascending=False, kind="stable") \
        .drop_duplicates(["alert", "metric", "_window"]).drop(columns="_window").sort_index()


def _disjoint_sets(items: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """The sets of ``items`` (one place's alert counts) an official may subtract from a total together, as a
    boolean matrix (sets x items), and whether every maximal one is among them (``_maximal_apart``). Counts that may share events cannot both be subtracted (a cluster's hateful
    posts may be a burst's; a baseline window holds the bursts of its weeks), so subtracting all of them at once
    (the first set) understates what a careful official gets from the counts known to share none: a month of 14
    flagged posts less a burst of 12 is 2, however large a cluster of the same week. Known to share none: two
    bursts (each one area's week), two counts of different areas, or two counts whose days do not overlap. Then
    one set per count that may share events with another: it, every count that shares none with any, and, largest
    first, every other count known to share none with those taken."""
    n = len(items)
    burst = items["key"].eq("flagged_posts").to_numpy()
    d0, d1 = items["d0"].to_numpy(dtype="float64"), items["d1"].to_numpy(dtype="float64")
    area = items["area_code"].astype(object).where(items["area_code"].notna(), None).to_numpy(dtype=object)
    placed = np.array([a is not None for a in area])
    shared = ~((d1[:, None] < d0[None, :]) | (d1[None, :] < d0[:, None]))  # NaN days: may share
    shared &= ~(burst[:, None] & burst[None, :])
    shared &= ~(placed[:, None] & placed[None, :] & (area[:, None] != area[None, :]))
    np.fill_diagonal(shared, False)
    busy = shared.any(axis=1)
    order = [j for j in np.argsort(-items["value"].to_numpy(dtype="float64"), kind="stable") if busy[j]]
    sets = [np.ones(n, dtype=bool)]
    for seed in np.flatnonzero(busy):  # the counts that may share events: few
        taken, blocked = ~busy, shared[seed].copy()
        taken[seed] = True
        for j in order:
            if not taken[j] and not blocked[j]:
                taken[j] = True
                blocked |= shared[j]
        sets.append(taken)
    maximal, complete = _maximal_apart(shared, busy, MAX_SETS)
    return np.unique(np.array(sets + maximal), axis=0), complete


def _maximal_apart(shared: np.ndarray, busy: np.ndarray, cap: int) -> tuple[list[np.ndarray], bool]:
    """Every maximal set of the ``busy`` counts known to share no post pairwise (``shared``: counts x counts), each
    with every count that is not busy: the maximal cliques of the graph of counts known to share none
    (networkx's Bron-Kerbosch), at most ``cap`` sets, and whether that was all of them (False: the checks fall back
    to ``_beyond_every_set``, which hides more). (The greedy sets miss some: bursts of 5 and 6 beside clusters
    of 7 and 8, each cluster sharing days with one burst and the other cluster, give {5, 8} and {7, 6}, never
    {5, 6}: a March of 13 less 11.)"""
    from itertools import islice

    import networkx as nx

    idx = np.flatnonzero(busy)
    graph = nx.Graph()
    graph.add_nodes_from(idx.tolist())
    pairs = np.argwhere(np.triu(~shared[np.ix_(idx, idx)], k=1))
    graph.add_edges_from(zip(idx[pairs[:, 0]].tolist(), idx[pairs[:, 1]].tolist(), strict=True))
    out: list[np.ndarray] = []
    for clique in islice(nx.find_cliques(graph), cap + 1):
        if len(out) == cap:
            return out, False
        row = ~busy
        row[clique] = True
        out.append(row)
    return out, True


def _beyond_every_set(rest: np.ndarray, unseen: np.ndarray, k: int) -> np.ndarray:
    """Runs where no set of counts at all could give a small count back, whichever an official subtracts (the
    check of a run whose maximal sets were not all enumerated, ``MAX_SETS``): ``rest``, the run's total less every
    count in it that could be subtracted (shown values, or floors of counts not shown; with hidden cells, at their
    upper bound), is k or more and above ``unseen`` x (k - 1) (``unseen``: the counts not shown in it). Any set
    leaves at least that much, more than k - 1, than every hidden count of it at 1 or at k - 1: ``recoverable``
    and ``_known`` say nothing for any of them."""
    return (rest >= k) & (rest > unseen * (k - 1))


def _sets(cache: dict[tuple, tuple[np.ndarray, bool]], its: pd.DataFrame,
          live: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """``_disjoint_sets`` of a check's (``its``) live counts, once per check and live counts (the rules' loops
    repeat until nothing more is withheld or dropped)."""
    key = (id(its), tuple(live.index))
    if key not in cache:
        cache[key] = _disjoint_sets(live)
    return cache[key]


def _runs(tot: pd.DataFrame, live: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every run of consecutive months (first..last) of one place: its total, its hidden cells (how many and their
    sum), and which of the ``live`` alert items lie wholly inside it (runs x items)."""
    lo = min(tot["month"].min(), live["m0"].min())
    size = int(max(tot["month"].max(), live["m1"].max()) - lo) + 1
    at = (tot["month"].to_numpy() - lo).astype("int64")
    csum = np.concatenate([[0.0], np.cumsum(np.bincount(at, tot["total"].to_numpy(), size))])
    chid = np.concatenate([[0.0], np.cumsum(np.bincount(at, tot["hidden"].to_numpy(), size))])
    chsum = np.concatenate([[0.0], np.cumsum(np.bincount(at, tot["hidden_total"].to_numpy(), size))])
    first, last = np.triu_indices(size)
    m0, m1 = (live["m0"].to_numpy() - lo), (live["m1"].to_numpy() - lo)
    inside = (first[:, None] <= m0[None, :]) & (m1[None, :] <= last[:, None])
    return csum[last + 1] - csum[first], chid[last + 1] - chid[first], chsum[last + 1] - chsum[first], inside


def _known(total: np.ndarray, hidden: np.ndarray, hidden_total: np.ndarray, shown: np.ndarray, least: np.ndarray,
           k: int) -> tuple[np.ndarray, np.ndarray]:
    """What an official knows of a run's rest (its total less the alert counts ``shown`` inside it: the counts not
    shown and the events outside every alert) where the total is a sum of published cells some of which are hidden
    (``hidden`` of them, summing to ``hidden_total``): the shown cells' sum less the shown alert counts (d), plus
    the hidden cells' sum, each 1..k-1: from d + hidden (and at least ``least``) to d + hidden x (k - 1)."""
    d = total - hidden_total - shown
    return np.maximum(np.maximum(d + hidden, least), 0.0), d + hidden * (k - 1)


def _differenced(alerts: pd.DataFrame, evidence: list, raw: list, totals: pd.DataFrame | None,
                 k: int) -> tuple[list, np.ndarray, np.ndarray]:
    """Alerts whose counts, set against the published totals, would give a small count back (module doc):
    their evidence without counts (``counts_withheld``). ``totals``: ``alert_totals``; None: every alert's counts
    are withheld. Returns the evidence JSONs, which alerts lost their counts and which an official must not get
    at all (``_pinned_by_existence``)."""
    docs = [json.loads(e) if isinstance(e, str) and e.startswith("{") else None for e in evidence]
    raws = [json.loads(e) if isinstance(e, str) and e.startswith("{") else None for e in raw]
    items = _alert_items(alerts, raws, docs)
    withheld = np.zeros(len(evidence), dtype=bool)
    # a count shown as "fewer than k" whose floor is k - 1 (k = 4: a burst's 3 or more) is pinned by itself
    tight = ~items["shown"].to_numpy(dtype=bool) & (np.maximum(_rule_floors(items), 1.0) == k - 1)
    withheld[items["alert"].to_numpy(dtype="int64")[tight]] = True
    if totals is None:
        withheld[items["alert"].to_numpy(dtype="int64")] = True
    elif len(items) and len(totals):
        checks = _placed_checks(items, totals)
        sets_of: dict[tuple, tuple[np.ndarray, bool]] = {}  # a check's live counts -> their disjoint sets (loops repeat)
        changed = True
        while changed:  # withholding changes other runs' remainders: until nothing more is withheld
            changed = False
            for its, tot in checks:  # a few per alert
                live = its[~withheld[its["alert"].to_numpy(dtype="int64")]]
                if live.empty:
                    continue
                total, hidden, hidden_total, inside = _runs(tot, live)
                shown = live["shown"].to_numpy(dtype=bool)
                sets, complete = _sets(sets_of, its, live)  # sets x items: subtracted together
                sets = sets.astype("float64")
                subtracted = inside @ (sets * np.where(shown, live["value"].to_numpy(), 0.0)).T  # runs x sets
                n = inside @ (sets * ~shown).T
                # with hidden cells the rest is known only within bounds: unsafe when they say it is small or pin it
                lo, hi = _known(total[:, None], hidden[:, None], hidden_total[:, None], subtracted, n, k)
                bad = np.where((hidden == 0)[:, None], recoverable(n, total[:, None] - subtracted, k),
                               ((hi >= 1) & (hi <= k - 1)) | (lo >= hi))
                unsafe = (bad & (inside @ sets.T > 0)).any(axis=1)
                if not complete:  # sets not enumerated: a run is safe only where every set is
                    value = np.where(shown, live["value"].to_numpy(), 0.0)
                    rest = total - hidden_total + hidden * (k - 1) - inside @ value
                    unsafe |= inside.any(axis=1) & ~_beyond_every_set(rest, inside @ (~shown).astype("float64"), k)
                if unsafe.any():
                    hit = live["alert"].to_numpy(dtype="int64")[inside[unsafe].any(axis=0)]
                    withheld[hit], changed = True, True
    withheld |= _parts_of_one(items, len(evidence), k)
    dropped = _pinned_by_existence(items, withheld, totals, k) if totals is not None else \
        np.zeros(len(evidence), dtype=bool)
    out = list(evidence)
    for i in np.flatnonzero(withheld):  # a few alerts of a city
        d = dict(docs[i], counts_withheld=True)
        out[i] = json.dumps({key: (None if key in ALERT_WITHHELD else v) for key, v in d.items()})
    return out, withheld, dropped


def _rule_floors(items: pd.DataFrame) -> np.ndarray:
    """Each alert item's floor by its alert's rule (``ALERT_FLOORS``; 0 where the rule sets none)."""
    return items["key"].map(ALERT_FLOORS).fillna(0.0).to_numpy(dtype="float64")


def _pinned_by_existence(items: pd.DataFrame, withheld: np.ndarray, totals: pd.DataFrame, k: int) -> np.ndarray:
    """Alerts whose mere existence gives a small count back: an alert whose counts an official does not see still
    says its count is at least its floor (``ALERT_FLOORS``: a burst means 3 or more flagged posts that week). A run
    of months whose published total, less the alert counts shown inside it, equals the floors of the counts not
    shown inside it pins each of them at its floor (a total with hidden cells: where ``_known``'s bounds meet): two
    bursts of an area in one month whose total is 6 were 3 and 3, fewer than k, though neither count is shown. The
    counts set against a total together are those known to share no post (``_disjoint_sets``). Such alerts are not shown to
    officials at all (staff keep them); repeated until no run pins. Floors of k or more pin nothing small."""
    dropped = np.zeros(len(withheld), dtype=bool)
    if items.empty or totals.empty:
        return dropped
    # a withheld alert says only that it exists (its rule's floor); a count shown as "fewer than k" is 1 or more
    rule = _rule_floors(items)
    told = ~withheld[items["alert"].to_numpy(dtype="int64")] & ~items["shown"].to_numpy(dtype=bool)
    # (a count below its rule's floor, only in a hand-made world, says no more than 1 or more)
    told_floor = np.where(rule < k, np.maximum(rule, 1.0), 1.0)
    # a usual level shown as "fewer than k" says its window holds 1 or more; withheld, nothing
    items = items.assign(floor=np.where(items["key"].eq("baseline"), np.where(told, 1.0, 0.0),
                                        np.where(told, told_floor, rule)))
    checks = _placed_checks(items, totals)
    sets_of: dict[tuple, tuple[np.ndarray, bool]] = {}  # a check's live counts -> their disjoint sets (loops repeat)
    changed = True
    while changed:  # a dropped alert no longer bounds anything: other runs' floors change
        changed = False
        for its, tot in checks:  # a few per alert
            live = its[~dropped[its["alert"].to_numpy(dtype="int64")]]
            unseen = (~live["shown"].to_numpy(dtype=bool)) | withheld[live["alert"].to_numpy(dtype="int64")]
            if live.empty or not (unseen & (live["floor"].to_numpy() > 0)).any():
                continue
            total, hidden, hidden_total, inside = _runs(tot, live)
            sets, complete = _sets(sets_of, its, live)  # sets x items: the counts set against a total together
            floor = live["floor"].to_numpy()
            subtracted = inside @ (sets * np.where(unseen, 0.0, live["value"].to_numpy())).T  # runs x sets
            floors = inside @ (sets * np.where(unseen, floor, 0.0)).T
            # the counts a pin tells: those not shown whose floor is small; with hidden cells, where the rest's
            # bounds (``_known``) meet (every hidden cell at k - 1), every count at its floor (k or more too)
            tells = np.where((hidden == 0)[:, None], unseen & (floor < k), unseen & (floor > 0))  # runs x items
            lo, hi = _known(total[:, None], hidden[:, None], hidden_total[:, None], subtracted, floors, k)
            pinned = ((inside & tells).astype("float64") @ sets.T > 0) & np.where(
                (hidden == 0)[:, None], (floors > 0) & (total[:, None] - subtracted == floors), lo >= hi)
            hit = np.zeros(len(live), dtype=bool)
            if not complete:  # sets not enumerated: a run whose total could meet some set's floors pins them all
                least = np.where(unseen, floor, live["value"].to_numpy())  # every count at its least
                hit = ((inside & tells)[total - hidden_total + hidden * (k - 1) - inside @ least <= 0]).any(axis=0)
            if pinned.any() or hit.any():
                # an item is dropped when a pinned (run, set) holds it: inside the run, in the set, told by the pin
                hit = (((pinned.T.astype("float64") @ (inside & tells)) > 0) & sets).any(axis=0) | hit
                dropped[live["alert"].to_numpy(dtype="int64")[hit]] = True
                changed = True
    return dropped


def perturbation_noise(name: str, column: str, identity: np.ndarray, counts: np.ndarray, key: bytes) -> np.ndarray:
    """Each count's noise from ``PERTURBATION``, a uniform draw from the keyed hash of (table, column, identity, true
    count): SipHash-2-4 (pandas' ``hash_array``, vectorised) under a 96-bit key taken from SHA-256 of ``key``. The
    same cell and count give the same noise under one key, a new count a fresh draw; without the key the draws
    cannot be computed."""
    whole = np.nan_to_num(np.asarray(counts, dtype="float64")).astype("int64").astype(str).astype(object)
    messages = name + _SEP + column + _SEP + np.asarray(identity, dtype=object) + _SEP + whole
    hash_key = base64.b64encode(hashlib.sha256(key).digest()).decode()[:16]  # 16 characters of 6 bits
    draws = pd.util.hash_array(np.asarray(messages, dtype=object), hash_key=hash_key).astype("float64") / 2.0 ** 64
    index = np.minimum(np.searchsorted(np.cumsum(PERTURBATION_P), draws, side="right"), len(PERTURBATION) - 1)
    return PERTURBATION[index].reshape(-1)


def perturb_values(name: str, column: str, identity: np.ndarray, true: np.ndarray, shown: np.ndarray, k: int,
                   key: bytes) -> np.ndarray:
    """Counts as an official is shown them (float, NaN hidden): ``shown`` (the count after suppression, NaN where
    hidden) where it is hidden or 0, else the true count plus its noise (``perturbation_noise``), NaN where that is
    below ``k``."""
    t = np.asarray(true, dtype="float64")
    value = np.asarray(shown, dtype="float64")
    live = ~np.isnan(value) & (t > 0)
    noisy = t + perturbation_noise(name, column, identity, t, key)
    return np.where(live, np.where(noisy >= k, noisy, np.nan), value)


def identity(name: str, frame: pd.DataFrame, column: str | None = None) -> np.ndarray:
    """One string per row naming its cell (``COLUMN_IDENTITY`` for ``column``, ``IDENTITY``; else the columns
    that are neither floats nor counts)."""
    own = COLUMN_IDENTITY.get(name, {}).get(column or "")
    cols = [c for c in (own or IDENTITY.get(name, ())) if c in frame.columns]
    if own is None and name not in IDENTITY:
        counts = set(SMALL_COUNTS.get(name, ()))
        cols = [c for c in frame.columns if c not in counts and not pd.api.types.is_float_dtype(frame[c])]
    return _key(frame, cols)


def perturb(name: str, frame: pd.DataFrame, out: pd.DataFrame, k: int, key: bytes) -> pd.DataFrame:
    """``out`` (``frame`` shaped for an official, row for row) with every shown count of ``SMALL_COUNTS`` perturbed
    (``perturbation_noise``): zero stays zero, a hidden count stays hidden, a perturbed count below ``k`` is
    hidden too; what is computed from a count follows it: ``DERIVED`` and ``RISK_DERIVED`` hidden with it, the
    rates of ``RATES`` recomputed from the shown counts, the figures of ``SCALED`` scaled with theirs."""
    cols = [c for c in SMALL_COUNTS.get(name, ()) if c in out.columns and c in frame.columns]
    if not cols or out.empty:
        return out
    if len(out) != len(frame):
        raise ValueError(f"{name}: perturbation needs the official's copy row for row with the published rows")
    truth: dict[str, np.ndarray] = {}
    for col in cols:
        ident = identity(name, frame, col)
        t = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")
        truth[col] = t
        value = perturb_values(name, col, ident, t, out[col].astype("Float64").to_numpy(dtype="float64",
                                                                                       na_value=np.nan), k, key)
        out[col] = pd.array(np.where(np.isnan(value), None, value), dtype="Float64").astype("Int64")
    for col, derived in {**DERIVED.get(name, {}), **(RISK_DERIVED if name == "risk" else {})}.items():
        if col in out.columns:
            hidden = out[col].isna().to_numpy()
            for d in (d for d in derived if d in out.columns):
                out[d] = out[d].where(~hidden)
    for rate, (num, den) in RATES.get(name, {}).items():
        if {rate, num, den} <= set(out.columns):
            n, d = (out[c].astype("Float64").to_numpy(dtype="float64", na_value=np.nan) for c in (num, den))
            with np.errstate(divide="ignore", invalid="ignore"):
                out[rate] = np.where(out[rate].notna().to_numpy() & (d > 0), n / d, np.nan)
    for col, figures in SCALED.get(name, {}).items():
        if col in truth:
            s = out[col].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(truth[col] > 0, s / truth[col], 1.0)
            for f in (f for f in figures if f in out.columns):
                out[f] = pd.to_numeric(out[f], errors="coerce") * ratio
    return out


def for_audience(name: str, frame: pd.DataFrame, audience: str, parts: pd.DataFrame | None = None, *,
                 k: int, min_group: int | None, key: bytes | None = None) -> pd.DataFrame:
    """Staff see everything published; officials get no per-person columns and small counts suppressed, also
    where a differencing of views would give them back (see the module doc), and with ``key`` every shown count
    perturbed (``perturb``: the caller at the edge passes ``scn.privacy.pseudonyms.perturbation_key()``; None only
    for the rule's own computations and tests of suppression alone).

    ``cell_month``: rows of one or more resolutions; per city and month, the finest rows present are the published
    cells and coarser rows (at ``CELL_LEVELS``) the sums of their parents. ``parts``: for a table in ``PARTS``, the
    published rows it totals (``city_month``: the city's ``cell_month``); required for officials. ``alerts``: the
    published totals its counts are set against (``alert_totals``); without them an official gets no alert count.
    ``k``, ``min_group``: the rule's threshold and smallest survey group, required (``rule``: the caller passes
    the audience's from the settings; ``min_group`` None only where no survey table is shaped)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    k, min_group = rule(k, min_group)
    if min_group is None and name in SURVEY_TABLES:
        raise ValueError(f"{name} is shaped with the smallest survey group shown (min_group=)")
    if audience == "staff":
        return frame
    out = frame.drop(columns=[c for c in frame.columns if c in PERSONAL_COLUMNS or c in STAFF_ONLY.get(name, ())])
    cols = [c for c in SMALL_COUNTS.get(name, ()) if c in out.columns]
    for col in cols:
        out[col] = suppress_counts(out[col], k).astype("Int64")
    out = _rests(name, frame, out, k)
    out = _sums(name, frame, out, k)
    if name == "review_accuracy":
        out = _review_figures(frame, out, k)
    if name in PARTITIONS and cols:
        out = _partition(frame, out, [c for c in PARTITIONS[name] if c in frame.columns], cols, k)
    if name == "cell_month":
        out = _cell_views(frame, out, cols, k)
    if name == "survey_indices":  # counts (k), then means (min_group) and their answers (k): scn.privacy.surveys
        out = surveys.group_means(frame, _survey_groups(frame, out, k), min_group, k)
    if name in PARTS and cols:
        if parts is None:
            raise ValueError(f"{name} needs its {PARTS[name]} rows (parts=) to be shaped for {audience}")
        if name == "survey_prepost":  # the city's survey indices, as officials see them
            out = surveys.prepost(frame, out, for_audience(PARTS[name], parts, audience, k=k, min_group=min_group))
        elif name.startswith("programme_"):
            out = _programme_roles(name, frame, out, parts, k)
        else:
            out = _totals(frame, out, parts, cols, k)
    for col, derived in DERIVED.get(name, {}).items():
        if col in out.columns:
            hidden = (out[col].isna() & frame[col].notna()).to_numpy()
            for d in (d for d in derived if d in out.columns):
                out[d] = out[d].where(~hidden)
    if name == "risk":
        for col, derived in RISK_DERIVED.items():
            if col in out.columns:
                hidden = (out[col].isna() & frame[col].notna()).to_numpy()
                for d in (d for d in derived if d in out.columns):
                    out[d] = out[d].where(~hidden)
    for col in (c for c in JSON_COUNTS.get(name, ()) if c in out.columns):
        shaped = [_evidence(raw, k, PANEL_TOTALS.get(name, ())) for raw in out[col]]
        hidden = np.array([h for _, h in shaped], dtype=bool)
        texts = [e for e, _ in shaped]
        if name == "alerts":
            texts, withheld = _overlapping_windows(out, texts)
            texts, differenced, unseen = _differenced(out, texts, list(frame[col]), parts, k)
            if "score" in out.columns:
                out["score"] = out["score"].where(~(hidden | withheld | differenced))
        out[col] = pd.Series(texts, index=out.index, dtype=object)
        if name == "alerts":
            out = out[~unseen]  # alerts whose existence gives a small count back (``_pinned_by_existence``)
    out = _mixes(name, frame, out, k)
    if key is not None:
        out = perturb(name, frame, out, k, key)
    if name == "network_kpis" and {"unit", "value", "statement"} <= set(out.columns):
        people = out["unit"].eq("people")
        out["value"] = out["value"].astype("Float64").mask(people, suppress_counts(out["value"], k))
        hidden = people & out["value"].isna()
        out["statement"] = _small_numbers_in_text(
            out["statement"].mask(hidden, f"(fewer than {k}: suppressed)"), k)
    return out


def _mixes(name: str, frame: pd.DataFrame, out: pd.DataFrame, k: int) -> pd.DataFrame:
    """The shares of a count (``MIXES``) hidden where the count is, or where a platform's count (its share, known
    to ``MIX_STEP``, times the count) could be 1..k-1: a platform listed has one or more, and the least count its
    rounded share allows is below k (a review of 40 posts, ``bluesky:0.05``: 2 Bluesky posts)."""
    for col, count in MIXES.get(name, {}).items():
        if col not in out.columns or count not in frame.columns:
            continue
        n = pd.to_numeric(frame[count], errors="coerce").to_numpy(dtype="float64")
        text = pd.Series(out[col].to_numpy(dtype=object), index=np.arange(len(out))).astype("string")
        items = text.str.split(",").explode()
        share = pd.to_numeric(items.str.rsplit(":", n=1).str[1], errors="coerce").to_numpy(dtype="float64")
        least = (share - MIX_STEP / 2) * n[items.index.to_numpy()]
        few = pd.Series(~(least >= k) & items.notna().to_numpy(), index=items.index).groupby(level=0).any()
        hide = few.reindex(np.arange(len(out))).fillna(False).to_numpy(dtype=bool) | out[count].isna().to_numpy()
        out[col] = out[col].where(~hide, None)
    return out


# a whole number written in a sentence: digits with optional thousands commas, not part of a decimal or a word
_NUMBER_IN_TEXT = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,]|\.\d)|(?<![\w.,])\d+(?![\w,]|\.\d)")


def _small_numbers_in_text(texts: pd.Series, k: int) -> pd.Series:
    """Sentences with every whole number from 1 to ``k`` - 1 written as "fewer than k": a sentence of the network
    KPIs carries counts of people (participants, young people) beside counts of cities, and which is which is not
    known here, so every small number is hidden."""
    def hide(m: re.Match) -> str:
        value = int(m.group(0).replace(",", ""))
        return f"fewer than {k}" if 1 <= value < k else m.group(0)

    return texts.map(lambda t: _NUMBER_IN_TEXT.sub(hide, t) if isinstance(t, str) else t)
