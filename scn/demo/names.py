"""Synthetic names: neighbourhoods (LSOA-like for London, Arabic for Arab cities) and fake author handles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.demo.spec import ARABIC_CITIES, LANGS

LONDON_BOROUGHS = ["Barnet", "Brent", "Camden", "Ealing", "Enfield", "Hackney", "Haringey", "Islington",
                   "Lambeth", "Lewisham", "Newham", "Southwark", "Tower Hamlets", "Waltham Forest", "Wandsworth",
                   "Westminster"]
EN_STEMS = ["Oak", "Mill", "Church", "Market", "River", "Station", "Park", "North", "South", "East", "West",
            "Old", "New", "Green", "Bridge", "Hill", "Castle", "Harbour", "King's", "Queen's"]
EN_SUFFIX = ["Green", "Park", "End", "Heights", "Gardens", "Vale", "Cross", "Fields", "Side", "Town"]
FR_STEMS = ["Les Jardins", "Le Plateau", "La Gare", "Le Port", "Les Cèdres", "La Colline", "Le Marché",
            "Les Lilas", "La Source", "Le Moulin", "Les Almadies", "La Corniche", "Le Parc", "Les Ormes",
            "La Fontaine", "Le Centre", "Les Sables", "La Pointe", "Le Faubourg", "Les Vignes"]
FR_SUFFIX = ["Nord", "Sud", "Est", "Ouest"]
AR_STEMS = [("Al-Zahra", "الزهراء"), ("Al-Nour", "النور"), ("Al-Salam", "السلام"), ("Al-Qalaa", "القلعة"),
            ("Al-Madina", "المدينة"), ("Al-Souk", "السوق"), ("Al-Mina", "الميناء"), ("Al-Bustan", "البستان"),
            ("Al-Rawda", "الروضة"), ("Al-Nakheel", "النخيل"), ("Al-Yasmin", "الياسمين"), ("Al-Amal", "الأمل"),
            ("Al-Karama", "الكرامة"), ("Al-Wadi", "الوادي"), ("Al-Tal", "التل"), ("Al-Balad", "البلد"),
            ("Al-Hussein", "الحسين"), ("Al-Shuhada", "الشهداء"), ("Al-Zaytoun", "الزيتون"), ("Al-Rabie", "الربيع")]
AR_SUFFIX = [("", ""), (" Al-Shamali", " الشمالي"), (" Al-Sharqi", " الشرقي"), (" Al-Gharbi", " الغربي")]
HANDLE_STEMS = ["amira", "sam", "leila", "omar", "jo", "fatou", "marc", "nadia", "kev", "aisha", "tom", "yasmine",
                "ali", "chloe", "moussa", "grace", "hassan", "lucie", "dan", "mariam", "ibra", "sara", "pierre",
                "noor", "mike", "awa", "rami", "julie", "ken", "salma"]


def _combos(stems: list, suffixes: list) -> list:
    return [(s, x) for x in suffixes for s in stems]


def area_names(city_id: str, country_code: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n distinct area codes and names for a city (area_code, area_name, area_name_local)."""
    if city_id == "london":
        codes = np.sort(rng.choice(np.arange(1000, 35000), n, replace=False))
        borough = rng.choice(LONDON_BOROUGHS, n)
        suffix = np.array([f"{i + 1:03d}{chr(65 + j)}" for i, j in enumerate(rng.integers(0, 5, n))])
        return pd.DataFrame({"area_code": [f"E01{c:06d}" for c in codes],
                             "area_name": pd.Series(borough) + " " + suffix, "area_name_local": None})
    code = [f"{country_code}-{city_id[:3].upper()}-{i:03d}" for i in range(1, n + 1)]
    if city_id in ARABIC_CITIES:
        combos = _combos(AR_STEMS, AR_SUFFIX)
        pick = rng.choice(len(combos), n, replace=False)
        return pd.DataFrame({"area_code": code,
                             "area_name": ["Hay " + combos[i][0][0] + combos[i][1][0] for i in pick],
                             "area_name_local": ["حي " + combos[i][0][1] + combos[i][1][1] for i in pick]})
    main = max(LANGS.get(city_id, {"en": 1.0}).items(), key=lambda kv: kv[1])[0]
    combos = _combos(FR_STEMS, FR_SUFFIX) if main == "fr" else _combos(EN_STEMS, EN_SUFFIX)
    pick = rng.choice(len(combos), n, replace=False)
    return pd.DataFrame({"area_code": code, "area_name": [f"{combos[i][0]} {combos[i][1]}" for i in pick],
                         "area_name_local": None})


def handles(n: int, offset: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct fake handles like @amira4521 (offset keeps cities' handles apart)."""
    stems = rng.choice(HANDLE_STEMS, n)
    return np.char.add(np.char.add("@", stems), (np.arange(n) * 7 + offset + 1000).astype(str))
