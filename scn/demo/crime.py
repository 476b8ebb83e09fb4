"""Crimes of one city, with the planted link: hate crimes respond to last month's hateful posts in the cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.demo.geography import CityGeo
from scn.demo.spec import MONTHS, TIMEZONES
from scn.demo.timefmt import times_in_months

UK_HATE = {"Violence and sexual offences": 0.5, "Public order": 0.35, "Criminal damage and arson": 0.15}
UK_OTHER = {"Anti-social behaviour": 0.2, "Violence and sexual offences": 0.22, "Other theft": 0.1,
            "Vehicle crime": 0.08, "Burglary": 0.06, "Criminal damage and arson": 0.06, "Shoplifting": 0.06,
            "Public order": 0.06, "Theft from the person": 0.04, "Drugs": 0.04, "Robbery": 0.03,
            "Bicycle theft": 0.02, "Possession of weapons": 0.01, "Other crime": 0.02}
GENERIC_HATE = {"assault": 0.45, "harassment": 0.35, "vandalism": 0.2}
GENERIC_OTHER = {"theft": 0.3, "assault": 0.18, "burglary": 0.12, "vandalism": 0.1, "vehicle_crime": 0.1,
                 "robbery": 0.06, "drugs": 0.08, "public_order": 0.06}
NO_LOCATION_SHARE = 0.015  # London rows published with no location (never in a cell)
# crimes one city's world may hold: the registered sizes stay far below (large: ~40k a city); a size whose hateful
# posts per cell make RR ** hateful explode would otherwise fill the memory before anything is written
MAX_CRIMES_PER_CITY = 20_000_000


def expected_hate(base: float, pop_share: np.ndarray, hateful_lag: np.ndarray, rate_ratio: float) -> np.ndarray:
    """THE PLANTED EFFECT: lambda[c, m] = base x pop_share[c] x RR ** hateful_posts[c, m-1]."""
    return base * pop_share[:, None] * np.power(rate_ratio, hateful_lag)


def simulate_crimes(geo: CityGeo, hateful: np.ndarray, hate_per_month: float, other_per_hate: float,
                    rate_ratio: float, rng: np.random.Generator) -> pd.DataFrame:
    """Crime records of one city over MONTHS; ``hateful`` is cells x (burn-in + MONTHS) geolocated hateful posts.

    Non-hate crimes are independent of speech: other_per_hate x base x pop_share x season(month).
    """
    n_cells, n_months = len(geo.cells), len(MONTHS)
    lam_hate = expected_hate(hate_per_month, geo.pop_share, hateful[:, :-1], rate_ratio)
    season = 1 + 0.12 * np.sin(2 * np.pi * (np.arange(n_months) + 10) / 12)
    lam_other = other_per_hate * hate_per_month * np.outer(geo.pop_share, season)
    expected = float(lam_hate.sum() + lam_other.sum())
    if not expected <= MAX_CRIMES_PER_CITY:  # also NaN or inf
        raise ValueError(f"demo world of {geo.city_id}: the planted effect (rate ratio {rate_ratio} to the power "
                         f"of the hateful posts per cell, up to {int(hateful.max())}) would give ~{expected:,.0f} "
                         f"crimes, more than {MAX_CRIMES_PER_CITY:,}: lower the size's hate share or posts per "
                         "city and month")
    n_hate = rng.poisson(lam_hate).ravel()
    n_other = rng.poisson(lam_other).ravel()
    cells = np.tile(np.arange(n_cells).repeat(n_months), 2)
    months = np.tile(np.arange(n_months), 2 * n_cells)
    reps = np.concatenate([n_hate, n_other])
    is_hate = np.repeat(np.r_[np.ones(n_hate.size, bool), np.zeros(n_other.size, bool)], reps)
    cell_idx, month_idx = np.repeat(cells, reps), np.repeat(months, reps)
    lat, lon = geo.points_in_cells(cell_idx, rng)
    uk = geo.city_id == "london"
    hate_cats, other_cats = (UK_HATE, UK_OTHER) if uk else (GENERIC_HATE, GENERIC_OTHER)
    n = len(cell_idx)
    category = np.where(is_hate, rng.choice(list(hate_cats), n, p=list(hate_cats.values())),
                        rng.choice(list(other_cats), n, p=list(other_cats.values())))
    no_location = uk & (category != "Anti-social behaviour") & (rng.random(n) < NO_LOCATION_SHARE)
    crimes = pd.DataFrame({
        "month": np.array(MONTHS)[month_idx],
        "time": times_in_months(np.array(MONTHS)[month_idx], rng, TIMEZONES[geo.city_id]),
        "lat": np.where(no_location, np.nan, lat), "lon": np.where(no_location, np.nan, lon),
        "category": category, "is_hate": is_hate, "cell": np.where(no_location, None, geo.cells[cell_idx]),
        "area": geo.area_of(lat, lon), "located": ~no_location,
    })
    crimes = crimes.sort_values(["time", "category"], kind="stable").reset_index(drop=True)
    hexes = rng.bytes(32 * len(crimes)).hex()
    crimes["crime_id"] = np.frombuffer(hexes.encode(), dtype="S64").astype(str) if len(crimes) else []
    if uk:  # police.uk publishes anti-social behaviour without a Crime ID
        crimes.loc[crimes["category"] == "Anti-social behaviour", "crime_id"] = ""
    else:
        crimes["crime_id"] = geo.city_id[:3].upper() + "-" + crimes["month"].str.replace("-", "") + "-" + \
            pd.Series(np.arange(1, len(crimes) + 1)).astype(str).str.zfill(7)
    return crimes
