"""Social posts of one city: volumes per cell and month, labels, texts, precision, authors, campaigns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.demo.geography import CityGeo
from scn.demo.names import handles
from scn.demo.spec import BURN_IN, LANGS, MONTHS, TIMEZONES
from scn.demo.timefmt import times_in_months

ALL_MONTHS = np.array([BURN_IN, *MONTHS])
PRECISION_P = {"cell": 0.60, "area": 0.25, "city": 0.15}
OFFENSIVE_SHARE = 0.18
PLATFORMS = np.array(["x", "facebook", "telegram"])
PLATFORM_P = [0.6, 0.25, 0.15]
CAMPAIGN_SUFFIX = np.array(["", " !!", " #wakeup", " #share", " ...", " RT", " 👉", " #truth", " !!!", " #now",
                            " #enough", " ?!", " #stand", " #look"])


def sample_texts(pool: pd.DataFrame, lang: np.ndarray, label: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Index into the pool of a random text with each post's language and label."""
    out = np.zeros(len(lang), dtype=np.int64)
    for (lg, lb), idx in pool.groupby(["lang", "label"]).indices.items():  # at most 9 groups
        mask = (lang == lg) & (label == lb)
        out[mask] = idx[rng.integers(0, len(idx), mask.sum())]
    return out


def simulate_posts(geo: CityGeo, city: pd.Series, posts_per_month: float, hate_share: float, n_campaigns: int,
                   city_index: int, pool: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Posts of one city (burn-in month included, flagged) and the hateful geolocated count per cell x month.

    Each post originates in a cell: expected count = volume x activity(cell) x season(month); its chance to be
    hateful = hate_share x propensity(cell) x shock(month). It keeps coordinates (60%), only its area's name (25%)
    or only the city's name (15%).
    """
    n_cells, n_months = len(geo.cells), len(ALL_MONTHS)
    activity = geo.pop_share * rng.lognormal(0, 0.5, n_cells)
    activity /= activity.sum()
    propensity = rng.lognormal(0, 1.3, n_cells)
    propensity /= (activity * propensity).sum()
    season = rng.lognormal(0, 0.15, n_months)
    shock = rng.lognormal(0, 0.5, n_months)
    lam = posts_per_month * np.outer(activity, season)
    counts = rng.poisson(lam).ravel()  # cell-major: index = cell * n_months + month
    p_hate = np.clip(hate_share * np.outer(propensity, shock), 0, 0.8).ravel()
    cell_idx = np.repeat(np.arange(n_cells).repeat(n_months), counts)
    month_idx = np.repeat(np.tile(np.arange(n_months), n_cells), counts)
    n = len(cell_idx)
    u = rng.random(n)
    ph = np.repeat(p_hate, counts)
    label = np.where(u < ph, "hate", np.where(u < ph + OFFENSIVE_SHARE * (1 - ph), "offensive", "none"))
    precision = rng.choice(list(PRECISION_P), n, p=list(PRECISION_P.values()))
    hateful_cell = np.bincount(cell_idx * n_months + month_idx,
                               weights=((label == "hate") & (precision == "cell")).astype(float),
                               minlength=n_cells * n_months).reshape(n_cells, n_months).astype(np.int64)
    mix = LANGS.get(geo.city_id, {"en": 1.0})
    lang = rng.choice(list(mix), n, p=list(mix.values()))
    lat, lon = geo.points_in_cells(cell_idx, rng)
    located = precision == "cell"
    area = geo.cell_area[cell_idx]
    local = geo.areas["area_name_local"].fillna(geo.areas["area_name"]).to_numpy()
    place = np.where(precision == "area", local[area], np.where(precision == "city", str(city["name"]), ""))
    n_auth = max(150, n // 12)
    auth_handles = handles(n_auth, city_index * 100_000, rng)
    author = (rng.zipf(1.7, n) - 1) % n_auth
    hateful_accounts = rng.integers(0, max(1, n_auth // 10), n)
    author = np.where((label == "hate") & (rng.random(n) < 0.7), hateful_accounts, author)
    posts = pd.DataFrame({
        "created_at": times_in_months(ALL_MONTHS[month_idx], rng, TIMEZONES[geo.city_id]),
        "text_idx": sample_texts(pool, lang, label, rng),
        "lang": lang, "label": label, "lat": np.where(located, lat, np.nan), "lon": np.where(located, lon, np.nan),
        "place": pd.Series(place).replace("", None), "author": auth_handles[author],
        "platform": rng.choice(PLATFORMS, n, p=PLATFORM_P), "month": ALL_MONTHS[month_idx],
        "cell": np.where(located, geo.cells[cell_idx], None), "area_code": geo.areas["area_code"].to_numpy()[area],
        "precision": precision, "campaign": None, "suffix": "",
    })
    camps = [campaign(geo, city, k, city_index, pool, rng) for k in range(n_campaigns)]
    return pd.concat([posts, *camps], ignore_index=True), hateful_cell


def campaign(geo: CityGeo, city: pd.Series, k: int, city_index: int, pool: pd.DataFrame,
             rng: np.random.Generator) -> pd.DataFrame:
    """A coordinated burst: one hateful text, lightly varied, posted by 8-14 fresh accounts within 3 hours."""
    mix = LANGS.get(geo.city_id, {"en": 1.0})
    lang = max(mix.items(), key=lambda kv: kv[1])[0]
    accounts = handles(int(rng.integers(8, 15)), city_index * 100_000 + 90_000 + k * 100, rng)
    per = rng.integers(1, 4, len(accounts))
    n = int(per.sum())
    month = MONTHS[int(rng.integers(2, len(MONTHS) - 1))]
    start = times_in_months(np.array([month]), rng, TIMEZONES[geo.city_id], pd.Timedelta(hours=3))[0]
    long_hate = np.flatnonzero((pool["lang"] == lang) & (pool["label"] == "hate") & (pool["text"].str.len() >= 60))
    text_idx = int(long_hate[rng.integers(0, len(long_hate))])  # a campaign carries a real message
    return pd.DataFrame({
        "created_at": start + pd.to_timedelta(np.sort(rng.integers(0, 3 * 3600, n)), unit="s"),
        "text_idx": text_idx, "lang": lang, "label": "hate", "lat": np.nan, "lon": np.nan,
        "place": str(city["name"]), "author": np.repeat(accounts, per), "platform": "x", "month": month,
        "cell": None, "area_code": None, "precision": "city", "campaign": f"{geo.city_id}-campaign-{k + 1}",
        "suffix": CAMPAIGN_SUFFIX[rng.integers(0, len(CAMPAIGN_SUFFIX), n)],
    })


def finish_posts(posts: pd.DataFrame, city_index: int, pool: pd.DataFrame, own_text_share: float = 0.0) -> pd.DataFrame:
    """Drop the burn-in month, sort by time, assign ids, urls and texts. ``own_text_share`` of the ordinary
    (non-campaign) posts, chosen by a hash of their id, get a tail that makes their text their own (a tag made of
    that hash); the others repeat their pool text verbatim."""
    posts = posts[posts["month"] != BURN_IN].sort_values(["created_at", "author"], kind="stable")
    posts = posts.reset_index(drop=True)
    posts["id"] = pd.Series(np.arange(1, len(posts) + 1) + (city_index + 1) * 10**9).astype(str)
    texts = pd.Series(pool["text"].to_numpy()[posts["text_idx"].to_numpy()]) + posts.pop("suffix")
    if own_text_share > 0:
        h = pd.util.hash_array(posts["id"].to_numpy(dtype=object))
        own = posts["campaign"].isna().to_numpy() & (h < np.uint64(own_text_share * 2.0**64))
        tag = " #" + pd.Series(h[own] % np.uint64(36**6)).astype(str)
        texts[own] = texts[own] + tag.to_numpy()
    posts["text"] = texts
    handle = posts["author"].str.lstrip("@")
    posts["url"] = np.select(
        [posts["platform"] == "x", posts["platform"] == "facebook"],
        ["https://x.com/" + handle + "/status/" + posts["id"], "https://facebook.com/" + handle + "/posts/" + posts["id"]],
        "https://t.me/" + handle + "/" + posts["id"])
    return posts.drop(columns="text_idx")
