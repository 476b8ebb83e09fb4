"""The simulation: one deterministic world per (seed, size, null), city by city."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scn.demo.crime import simulate_crimes
from scn.demo.geography import CityGeo, build_city
from scn.demo.programme import programme_records
from scn.demo.spec import MONTHS, PLANTED_RATE_RATIO, registry, rng_for, size_spec, text_pool
from scn.demo.speech import finish_posts, simulate_posts
from scn.demo.survey import codebook, simulate_surveys

TRUTH_COLUMNS = ["city_id", "cell", "period", "posts", "hateful_posts", "crimes", "hate_crimes", "population"]


@dataclass
class CityWorld:
    """Everything simulated for one city."""

    city: pd.Series
    geo: CityGeo
    posts: pd.DataFrame
    crimes: pd.DataFrame
    truth: pd.DataFrame


@dataclass
class World:
    """A simulated world: the planted rate ratio, the true cell x month panel and every frame `generate` writes."""

    seed: int
    size: str
    rate_ratio: float
    cities: pd.DataFrame
    truth_cell_month: pd.DataFrame
    posts: pd.DataFrame
    crimes: pd.DataFrame
    areas: pd.DataFrame
    surveys: dict[str, pd.DataFrame] = field(default_factory=dict)
    codebook: pd.DataFrame = field(default_factory=pd.DataFrame)
    activities: pd.DataFrame = field(default_factory=pd.DataFrame)
    participants: pd.DataFrame = field(default_factory=pd.DataFrame)
    grants: pd.DataFrame = field(default_factory=pd.DataFrame)


def _weight(population: float) -> float:
    """Volume weight of a city: bigger cities post and offend more, sub-linearly."""
    return float(np.clip((population / 1e6) ** 0.35, 0.5, 2.5))


def truth_panel(city_id: str, geo: CityGeo, posts: pd.DataFrame, crimes: pd.DataFrame) -> pd.DataFrame:
    """Full cell x month panel of geolocated posts, hateful posts, located crimes and hate crimes."""
    panel = pd.MultiIndex.from_product([geo.cells, MONTHS], names=["cell", "period"])
    located = posts.loc[posts["precision"] == "cell", ["cell", "month", "label"]]
    p = located.assign(h=located["label"].eq("hate")).groupby(["cell", "month"]).agg(posts=("h", "size"),
                                                                                     hateful_posts=("h", "sum"))
    c = crimes[crimes["located"]].groupby(["cell", "month"]).agg(crimes=("is_hate", "size"),
                                                                  hate_crimes=("is_hate", "sum"))
    out = pd.concat([p.rename_axis(["cell", "period"]), c.rename_axis(["cell", "period"])], axis=1)
    out = out.reindex(panel, fill_value=0).fillna(0).astype("int64").reset_index()
    out["population"] = np.repeat(geo.cell_pop, len(MONTHS))
    out.insert(0, "city_id", city_id)
    return out[TRUTH_COLUMNS]


def iter_cities(seed: int, size: str = "small", null: bool = False) -> Iterator[CityWorld]:
    """Simulate the cities one at a time (bounded memory for the large world)."""
    spec = size_spec(size)
    rr = 1.0 if null else PLANTED_RATE_RATIO
    reg = registry().set_index("city_id", drop=False)
    pool = text_pool()
    n_campaigns = 1 if size == "small" else 3
    for i, city_id in enumerate(spec.cities):
        city = reg.loc[city_id]
        geo = build_city(city, spec.areas, rng_for(seed, i, 1))
        w = _weight(float(city["population"]))
        posts, hateful = simulate_posts(geo, city, spec.posts_per_city_month * w, spec.hate_share, n_campaigns, i, pool,
                                        rng_for(seed, i, 2))
        crimes = simulate_crimes(geo, hateful, spec.hate_crimes_per_city_month * w, spec.nonhate_per_hate, rr,
                                 rng_for(seed, i, 3))
        posts = finish_posts(posts, i, pool, spec.own_text_share)
        yield CityWorld(city, geo, posts, crimes, truth_panel(city_id, geo, posts, crimes))


def areas_frame(geo: CityGeo) -> pd.DataFrame:
    """Areas of one city with city_id and shapely geometry."""
    return geo.areas.assign(city_id=geo.city_id)


def network_frames(seed: int, size: str, area_codes: dict[str, list[str]]) -> dict[str, object]:
    """Surveys (respondents placed in the survey cities' areas), codebook and programme records."""
    spec = size_spec(size)
    frames: dict[str, object] = {"surveys": simulate_surveys(seed, spec.respondents, area_codes),
                                 "codebook": codebook()}
    frames.update(programme_records(seed))
    return frames


def simulate(seed: int, size: str = "small", null: bool = False) -> World:
    """The whole world in memory, without writing files (fast for small: about a second)."""
    parts = list(iter_cities(seed, size, null))
    reg = registry()
    return World(
        seed=seed, size=size, rate_ratio=1.0 if null else PLANTED_RATE_RATIO, cities=reg,
        truth_cell_month=pd.concat([p.truth for p in parts], ignore_index=True),
        posts=pd.concat([p.posts.assign(city_id=p.geo.city_id) for p in parts], ignore_index=True),
        crimes=pd.concat([p.crimes.assign(city_id=p.geo.city_id) for p in parts], ignore_index=True),
        areas=pd.concat([areas_frame(p.geo) for p in parts], ignore_index=True),
        **network_frames(seed, size, {p.geo.city_id: p.geo.areas["area_code"].tolist() for p in parts}),
    )
