"""Programme records (activities, participants, grants) whose counts add up to the figures SCN publishes.

Figures (../shared/seeds): Global Summit 2017 Aarhus 476 delegates / 170 cities / 47 countries; 2018 Melbourne
216 / 94 / 32; six Local Prevention Networks (Saida, Tripoli, Majdal Anjar, Irbid, Al-Karak, Zarqa) with over 95
members, later seven with over 100 (the seventh in North Macedonia); Local Action Planning workshops in 62 cities
in 21 countries; city consultations with 11 cities in Bangladesh, Kenya, Kosovo, North Macedonia and Pakistan;
more than 14 innovation grants; city exchanges with over 60 participants from 27 cities; Young Cities in six
cities across Kenya, Lebanon and Senegal (over 200 young people, over 50 local government leaders, more than 25
campaigns); the Kolkata workshop (30 practitioners, 14 cities, 4 countries) and training for more than 100
public sector actors across the United States and Canada.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.demo.places import places
from scn.demo.spec import registry
from scn.registry import slugify

ACTIVITY_COLUMNS = ["activity_id", "programme_line", "activity_type", "title", "host_city", "country", "city_id",
                    "start_date", "end_date"]
PARTICIPANT_COLUMNS = ["record_id", "activity_id", "participant_id", "role", "home_city", "home_country", "gender"]
GRANT_COLUMNS = ["grant_id", "city_id", "programme_line", "recipient_org", "amount", "currency", "year"]
ROLES = ["mayor", "city_official", "practitioner", "youth", "civil_society", "other"]
SUMMIT_ROLE_P = [0.12, 0.38, 0.28, 0.06, 0.14, 0.02]

SUMMITS = [("2017", "Aarhus", "Denmark", "2017-05-03", "2017-05-04", 476, 170, 47),
           ("2018", "Melbourne", "Australia", "2018-11-07", "2018-11-08", 216, 94, 32)]
LPNS = [("Saida", "2017-01-16"), ("Tripoli", "2017-02-13"), ("Majdal Anjar", "2017-03-13"),
        ("Irbid", "2017-04-10"), ("Al-Karak", "2017-05-08"), ("Zarqa", "2017-06-12"), ("Kumanovo", "2021-03-15")]
LAP_CITIES = {  # 62 cities, 21 countries
    "Albania": ["Tirana", "Elbasan", "Cerrik", "Librazhd", "Bulqize"],
    "Kosovo": ["Prishtina", "Prizren", "Peja/Pec", "Gjakova", "Gjilan", "Ferizaj", "Kaçanik", "Hani I Elezit",
               "Viti", "Mitrovica South"],
    "North Macedonia": ["Kumanovo", "Tetovo", "Gostivar", "Struga", "Kicevo", "Cair (Skopje)"],
    "Montenegro": ["Bar", "Berane", "Ulcinj", "Rožaje"],
    "Bosnia and Herzegovina": ["Tuzla", "Prijedor", "Bihać", "Bijeljina", "Srebrenik", "Jablanica"],
    "Serbia": ["Novi Pazar", "Preševo", "Bujanovac"],
    "Cameroon": ["Kolofata", "Kousseri", "Mokolo", "Meri/Diamaré", "Yaoundé"],
    "Kenya": ["Mombasa", "Kwale", "Kilifi", "Lamu"], "Nigeria": ["Kano", "Kaduna"], "Niger": ["Diffa"],
    "Senegal": ["Dakar"], "Tanzania": ["Zanzibar"], "Bangladesh": ["Dhaka North", "Dhaka South", "Narayanganj"],
    "Pakistan": ["Peshawar", "Quetta", "Nowshera"], "India": ["Kolkata", "Guwahati"], "Maldives": ["Malé"],
    "Sri Lanka": ["Colombo"], "Lebanon": ["Tripoli"], "Jordan": ["Irbid"], "Kyrgyzstan": ["Osh"],
    "Tajikistan": ["Khujand"],
}
CONSULTATIONS = [("Quetta", "2017-11-06"), ("Peshawar", "2017-11-08"), ("Nowshera", "2017-11-10"),
                 ("Gjilan", "2018-06-11"), ("Prizren", "2018-06-13"), ("Kumanovo", "2018-06-18"),
                 ("Tetovo", "2018-06-20"), ("Dhaka North", "2019-02-11"), ("Dhaka South", "2019-02-13"),
                 ("Narayanganj", "2019-02-15"), ("Mombasa", "2019-09-16")]
# title, host, start, {home city: participants}; the first four are in the seeds, the rest illustrative
EXCHANGES = [
    ("SCN U.S.-India Mayoral Exchange", "Mumbai", "2017-02-06",
     {"Anaheim": 3, "Louisville": 3, "Mumbai": 3, "New Delhi": 2, "Dharamsala": 2}),
    ("Dakar-Montréal City Exchange", "Montréal", "2017-10-09", {"Dakar": 4, "Montréal": 4}),
    ("Mombasa-Kristiansand City Exchange", "Kristiansand", "2018-03-12", {"Mombasa": 2, "Kristiansand": 4}),
    ("Peshawar-Birmingham City Exchange", "Birmingham", "2018-10-15", {"Peshawar": 2, "Birmingham": 3, "Luton": 2}),
    ("Saida-Rotterdam City Exchange", "Rotterdam", "2019-04-08", {"Saida": 3, "Rotterdam": 3}),
    ("Irbid-Aarhus City Exchange", "Aarhus", "2019-09-09", {"Irbid": 3, "Aarhus": 2}),
    ("Kumanovo-Utrecht City Exchange", "Utrecht", "2019-11-04", {"Kumanovo": 3, "Utrecht": 2}),
    ("Tunis-Bordeaux City Exchange", "Bordeaux", "2020-02-10", {"Tunis": 2, "Bordeaux": 2}),
    ("Chattanooga-Antwerp City Exchange", "Antwerp", "2021-10-11", {"Chattanooga": 2, "Antwerp": 2}),
    ("Zarqa-Oslo City Exchange", "Oslo", "2022-05-09", {"Zarqa": 2, "Oslo": 2}),
    ("Tetovo-Malmö-Helsinki City Exchange", "Malmö", "2022-09-12", {"Tetovo": 2, "Malmö": 2, "Helsinki": 2}),
]
YOUNG_CITIES = ["Mombasa", "Kilifi", "Saida", "Tripoli", "Dakar", "Pikine"]
YOUTH_PER_LAB, LEADERS_PER_WORKSHOP, CAMPAIGNS = 34, 9, 26
TRAININGS = [  # title, host, start, {home city: participants}, role mix
    ("Western Balkans Regional Practitioners' Training", "Peja/Pec", "2017-06-12",
     {"Peja/Pec": 8, "Prizren": 5, "Gjakova": 5, "Prishtina": 6}, "wb"),
    ("Western Balkans Regional Practitioners' Training", "Ulcinj", "2017-07-10",
     {"Ulcinj": 8, "Bar": 6, "Rožaje": 5, "Gusinje": 4}, "wb"),
    ("Western Balkans Regional Practitioners' Training", "Durres", "2017-09-18",
     {"Durres": 6, "Tirana": 7, "Elbasan": 6, "Shkodra": 5}, "wb"),
    ("SCN-AVE training for Seattle Police Department", "Seattle", "2017-11-13", {"Seattle": 30}, "police"),
    ("South Asia Regional Practitioners' Workshop", "Kolkata", "2018-01-22",
     {"Kolkata": 4, "Mumbai": 2, "New Delhi": 2, "Guwahati": 2, "Shillong": 2, "Imphal": 2, "Hyderabad": 2,
      "Dhaka North": 2, "Dhaka South": 2, "Narayanganj": 2, "Sylhet": 2, "Malé": 2, "Colombo": 2,
      "Batticaloa": 2}, "mixed"),
    ("Intervention and community engagement training", "Montréal", "2019-03-18", {"Montréal": 20}, "mixed"),
    ("Intervention and community engagement training", "Ottawa", "2019-05-13", {"Ottawa": 20}, "mixed"),
    ("Intervention and community engagement training", "Denver", "2019-09-23", {"Denver": 20, "Aurora": 6}, "mixed"),
    ("Intervention and community engagement training", "Louisville", "2020-02-24", {"Louisville": 20}, "mixed"),
]
TRAINING_ROLE_P = {"wb": [0.05, 0.45, 0.35, 0.05, 0.10, 0.0], "police": [0, 0, 1.0, 0, 0, 0],
                   "mixed": [0.04, 0.3, 0.4, 0.1, 0.16, 0.0]}
GRANT_CITIES = ["Saida", "Tripoli", "Majdal Anjar", "Irbid", "Al-Karak", "Zarqa", "Mombasa", "Dakar", "Kumanovo",
                "Tetovo", "Gjilan", "Prizren", "Quetta", "Peshawar", "Dhaka North"]  # 15 grants
ORG_KINDS = ["Youth Forum", "Women's Association", "Arts Collective", "Community Foundation", "Peace Club",
             "Media Lab", "Scouts Group", "Dialogue Centre"]


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 99]))
        self.acts: list[dict] = []
        self.people: list[pd.DataFrame] = []
        pl = places()
        self.country = dict(zip(pl["name"], pl["country"], strict=True))
        self.member = set(registry()["name"])
        self.next_person = 1

    def activity(self, line: str, kind: str, title: str, host: str, start: str, days: int = 1) -> str:
        aid = f"{line[:3].upper()}-{len(self.acts) + 1:04d}"
        end = (pd.Timestamp(start) + pd.Timedelta(days=days - 1)).strftime("%Y-%m-%d")
        self.acts.append({"activity_id": aid, "programme_line": line, "activity_type": kind, "title": title,
                          "host_city": host, "country": self.country[host],
                          "city_id": slugify(host) if host in self.member else "", "start_date": start,
                          "end_date": end})
        return aid

    def participants(self, aid: str, homes: dict[str, int], role_p: list[float] | None = None,
                     roles: list[str] | None = None) -> None:
        n = sum(homes.values())
        role = np.array(roles) if roles is not None else self.rng.choice(ROLES, n, p=role_p)
        gender = self.rng.choice(["female", "male", ""], n, p=[0.45, 0.47, 0.08])
        ids = [f"P{i:06d}" for i in range(self.next_person, self.next_person + n)]
        self.next_person += n
        home = np.repeat(list(homes), list(homes.values()))
        self.people.append(pd.DataFrame({"activity_id": aid, "participant_id": ids, "role": role,
                                         "home_city": home, "home_country": [self.country[h] for h in home],
                                         "gender": gender}))


def _summit_homes(b: _Builder, host: str, delegates: int, n_cities: int, n_countries: int) -> dict[str, int]:
    pl = places()
    sizes = pl.groupby("country").size()
    host_country = b.country[host]
    big = [c for c in sizes.sort_values(ascending=False, kind="stable").index if c != host_country]
    # the host country plus the best-represented countries, the rest drawn at random
    n_big = n_countries // 2
    rest = [c for c in big[n_big:]]
    chosen = [host_country, *big[: n_big - 1], *b.rng.choice(rest, n_countries - n_big, replace=False)]
    pool = pl[pl["country"].isin(chosen)]
    first = pool.groupby("country").head(1)["name"].tolist()  # one city per country
    if host not in first:
        first = [host if b.country[c] == host_country else c for c in first]
    others = pool[~pool["name"].isin(first)]["name"].to_numpy()
    cities = first + b.rng.choice(others, n_cities - len(first), replace=False).tolist()
    counts = np.ones(n_cities, dtype=int)
    w = b.rng.lognormal(0, 0.8, n_cities)
    w[cities.index(host)] *= 15
    counts += b.rng.multinomial(delegates - n_cities, w / w.sum())
    return dict(zip(cities, counts.tolist(), strict=True))


def programme_records(seed: int) -> dict[str, pd.DataFrame]:
    """{'activities', 'participants', 'grants'} frames in the inbox columns."""
    b = _Builder(seed)
    for year, host, _, start, _end, delegates, n_cities, n_countries in SUMMITS:
        aid = b.activity("summit", "global_summit", f"SCN Global Summit {year}", host, start, days=2)
        b.participants(aid, _summit_homes(b, host, delegates, n_cities, n_countries), SUMMIT_ROLE_P)
    for city, start in LPNS:
        aid = b.activity("local_prevention_network", "network_establishment",
                         f"{city} Local Prevention Network", city, start)
        roles = ["mayor"] + ["city_official"] * 3 + ["practitioner"] * 6 + ["youth"] * 2 + ["civil_society"] * 4
        roles = roles[:12] if city == "Kumanovo" else roles  # 6 x 16 = 96 (over 95), + 12 = 108 (over 100)
        b.participants(aid, {city: len(roles)}, roles=roles)
    k = 0
    for country in LAP_CITIES:
        for city in LAP_CITIES[country]:
            start = (pd.Timestamp("2018-03-05") + pd.Timedelta(weeks=3 * k)).strftime("%Y-%m-%d")
            aid = b.activity("local_action_planning", "training_workshop",
                             f"Local Action Planning workshop, {city}", city, start, days=2)
            b.participants(aid, {city: int(b.rng.integers(8, 21))}, [0.06, 0.44, 0.3, 0.05, 0.15, 0.0])
            k += 1
    for city, start in CONSULTATIONS:
        aid = b.activity("city_consultation", "needs_assessment", f"City consultation, {city}", city, start, 3)
        b.participants(aid, {city: int(b.rng.integers(5, 13))}, [0.1, 0.5, 0.2, 0.0, 0.2, 0.0])
    for title, host, start, homes in EXCHANGES:
        aid = b.activity("city_exchange", "bilateral_exchange", title, host, start, days=4)
        b.participants(aid, homes, [0.15, 0.45, 0.3, 0.0, 0.1, 0.0])
    for i, city in enumerate(YOUNG_CITIES):
        start = (pd.Timestamp("2020-02-03") + pd.Timedelta(weeks=6 * i)).strftime("%Y-%m-%d")
        aid = b.activity("young_cities", "youth_innovation_lab", f"Young Cities innovation lab, {city}", city, start, 3)
        b.participants(aid, {city: YOUTH_PER_LAB}, roles=["youth"] * YOUTH_PER_LAB)
        aid = b.activity("young_cities", "policy_workshop", f"Young Cities policy workshop, {city}", city, start)
        b.participants(aid, {city: LEADERS_PER_WORKSHOP},
                       roles=["mayor"] + ["city_official"] * (LEADERS_PER_WORKSHOP - 1))
    campaigns = ["Washwasha (Whispers)", "Farha Tayshe (Stray Bullets Kill Joy)"] + \
        [f"Youth campaign {i}" for i in range(3, CAMPAIGNS + 1)]
    hosts = ["Saida", "Tripoli"] + [YOUNG_CITIES[i % len(YOUNG_CITIES)] for i in range(2, CAMPAIGNS)]
    for i, (title, host) in enumerate(zip(campaigns, hosts, strict=True)):
        start = (pd.Timestamp("2020-09-07") + pd.Timedelta(weeks=4 * i)).strftime("%Y-%m-%d")
        b.activity("young_cities", "youth_campaign", f"{title} - {host}", host, start, days=60)
    for title, host, start, homes, mix in TRAININGS:
        aid = b.activity("training", "training_workshop", title, host, start, days=2)
        b.participants(aid, homes, TRAINING_ROLE_P[mix])
    activities = pd.DataFrame(b.acts)[ACTIVITY_COLUMNS]
    participants = pd.concat(b.people, ignore_index=True)
    participants.insert(0, "record_id", [f"R{i:06d}" for i in range(1, len(participants) + 1)])
    grants = pd.DataFrame({
        "grant_id": [f"G{i:03d}" for i in range(1, len(GRANT_CITIES) + 1)],
        "city_id": [slugify(c) for c in GRANT_CITIES], "programme_line": "innovation_grant",
        "recipient_org": [f"{c} {ORG_KINDS[i % len(ORG_KINDS)]}" for i, c in enumerate(GRANT_CITIES)],
        "amount": (b.rng.integers(10, 51, len(GRANT_CITIES)) * 500).astype(float), "currency": "USD",
        "year": 2018 + np.arange(len(GRANT_CITIES)) % 5,
    })
    return {"activities": activities, "participants": participants[PARTICIPANT_COLUMNS],
            "grants": grants[GRANT_COLUMNS]}
