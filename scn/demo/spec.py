"""Fixed parameters of the demo world: months, sizes, cities per size, languages, planted effect."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"

PLANTED_RATE_RATIO = 1.15
"""Multiplier of a cell's expected hate-crime count per hateful geolocated post in that cell the month before."""

FIRST_MONTH = "2024-11"
N_MONTHS = 24
MONTHS: list[str] = [str(p) for p in pd.period_range(FIRST_MONTH, periods=N_MONTHS, freq="M")]
BURN_IN = str(pd.Period(FIRST_MONTH, freq="M") - 1)  # simulated, never written: the lag of the first month
H3_RES = 8

# language shares of posts (the text pool covers en, fr, ar)
LANGS: dict[str, dict[str, float]] = {
    "london": {"en": 0.97, "ar": 0.02, "fr": 0.01}, "mombasa": {"en": 1.0},
    "saida": {"ar": 0.9, "en": 0.07, "fr": 0.03}, "dakar": {"fr": 0.93, "en": 0.05, "ar": 0.02},
    "montreal": {"fr": 0.6, "en": 0.4}, "tunis": {"ar": 0.6, "fr": 0.4},
    "paris": {"fr": 0.92, "en": 0.05, "ar": 0.03}, "chattanooga": {"en": 1.0},
    "zarqa": {"ar": 0.95, "en": 0.05}, "irbid": {"ar": 0.95, "en": 0.05}, "tripoli": {"ar": 0.9, "fr": 0.1},
    "al-karak": {"ar": 1.0}, "majdal-anjar": {"ar": 1.0}, "beirut": {"ar": 0.6, "fr": 0.2, "en": 0.2},
    "birmingham": {"en": 0.97, "ar": 0.03}, "new-york-city": {"en": 1.0}, "ottawa": {"en": 0.65, "fr": 0.35},
    "montreuil": {"fr": 0.95, "ar": 0.05}, "sarcelles": {"fr": 0.9, "ar": 0.1}, "bordeaux": {"fr": 1.0},
    "luton": {"en": 1.0}, "kiffa": {"ar": 0.7, "fr": 0.3}, "atlanta": {"en": 1.0}, "denver": {"en": 1.0},
    "louisville": {"en": 1.0}, "edmonton": {"en": 0.95, "fr": 0.05}, "anaheim": {"en": 1.0},
    "san-diego": {"en": 1.0}, "aurora": {"en": 1.0}, "montgomery-county": {"en": 1.0},
}
ARABIC_CITIES = {c for c, mix in LANGS.items() if mix.get("ar", 0) >= 0.5}
TIMEZONES = {
    "london": "Europe/London", "mombasa": "Africa/Nairobi", "saida": "Asia/Beirut", "dakar": "Africa/Dakar",
    "montreal": "America/Toronto", "tunis": "Africa/Tunis", "paris": "Europe/Paris",
    "chattanooga": "America/New_York", "zarqa": "Asia/Amman", "irbid": "Asia/Amman", "tripoli": "Asia/Beirut",
    "al-karak": "Asia/Amman", "majdal-anjar": "Asia/Beirut", "beirut": "Asia/Beirut",
    "birmingham": "Europe/London", "new-york-city": "America/New_York", "ottawa": "America/Toronto",
    "montreuil": "Europe/Paris", "sarcelles": "Europe/Paris", "bordeaux": "Europe/Paris", "luton": "Europe/London",
    "kiffa": "Africa/Nouakchott", "atlanta": "America/New_York", "denver": "America/Denver",
    "louisville": "America/Kentucky/Louisville", "edmonton": "America/Edmonton", "anaheim": "America/Los_Angeles",
    "san-diego": "America/Los_Angeles", "aurora": "America/Denver", "montgomery-county": "America/New_York",
}
SMALL_CITIES = ["london", "mombasa", "saida", "dakar", "montreal", "tunis"]
MEDIUM_CITIES = SMALL_CITIES + ["paris", "chattanooga", "zarqa", "irbid", "tripoli", "al-karak", "majdal-anjar",
                                "beirut", "birmingham"]
LARGE_CITIES = list(LANGS)
JSONL_CITIES = {"montreal", "tunis"}  # these cities hand us JSON Lines exports instead of CSV


@dataclass(frozen=True)
class Size:
    """Volumes of one world size."""

    cities: tuple[str, ...]
    posts_per_city_month: float  # before the city's population weighting (mean over cities ~ this)
    hate_share: float  # mean share of hateful posts: lower in bigger worlds so RR ** hateful_posts stays sane
    hate_crimes_per_city_month: float
    nonhate_per_hate: float
    areas: tuple[int, int]
    respondents: int
    # share of ordinary posts with a text of their own (a pool text and a tail no other post has); the others
    # repeat a pool text verbatim, as retweets and copypasta do. 0 keeps the small world's texts as they were;
    # 0.6 is an assumption (retweets and copies ~40% of posts), not a measurement
    own_text_share: float = 0.0


SIZES: dict[str, Size] = {
    "small": Size(tuple(SMALL_CITIES), 160.0, 0.12, 60.0, 6.0, (20, 40), 240),
    "medium": Size(tuple(MEDIUM_CITIES), 2800.0, 0.01, 60.0, 12.0, (30, 60), 400, own_text_share=0.6),
    "large": Size(tuple(LARGE_CITIES), 15000.0, 0.0023, 115.0, 12.0, (40, 80), 600, own_text_share=0.6),
}


def size_spec(size: str) -> Size:
    """The volumes of a size (small|medium|large)."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    return SIZES[size]


@lru_cache(maxsize=1)
def _read_registry() -> pd.DataFrame:
    reg = pd.read_csv(DATA / "cities.csv", keep_default_na=False, na_values={"population": [""], "joined_year": [""]})
    return reg.assign(timezone=reg["city_id"].map(TIMEZONES).fillna(""))  # blank: a city the demo has no zone for


@lru_cache(maxsize=1)
def _read_pool() -> pd.DataFrame:
    return pd.read_csv(DATA / "demo_texts.csv.gz", keep_default_na=False)


def registry() -> pd.DataFrame:
    """The SCN member registry shipped in scn/data/cities.csv (columns of the `cities` lake table), with the
    demo cities' IANA time zones (``TIMEZONES``) as its optional ``timezone`` column."""
    return _read_registry().copy()


def text_pool() -> pd.DataFrame:
    """The labelled text pool (lang, label, text, source) the posts are drawn from."""
    return _read_pool().copy()


def rng_for(seed: int, *keys: int) -> np.random.Generator:
    """An independent generator per (seed, key...) so a city's draws do not depend on the other cities."""
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))
