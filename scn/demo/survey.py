"""Community resilience surveys in KoboToolbox shape, with a planted programme improvement."""

from __future__ import annotations

import numpy as np
import pandas as pd

# question (XLSForm names are unique across the form), group, construct, label, reverse
QUESTIONS = [
    ("sc1", "group_cohesion", "social_cohesion", "People in my neighbourhood can be trusted", False),
    ("sc2", "group_cohesion", "social_cohesion", "People from different backgrounds get on well here", False),
    ("sc3", "group_cohesion", "social_cohesion", "I feel I belong to my neighbourhood", False),
    ("sc4", "group_cohesion", "social_cohesion", "There is tension between groups in my area", True),
    ("ti1", "group_trust", "trust_local_institutions", "I trust the municipality to act for all residents", False),
    ("ti2", "group_trust", "trust_local_institutions", "Local police treat people from all groups fairly", False),
    ("ti3", "group_trust", "trust_local_institutions", "Local officials ignore people like me", True),
    ("re1", "group_resilience", "resilience_extremist_narratives",
     "Violence is never justified to defend one's community", False),
    ("re2", "group_resilience", "resilience_extremist_narratives",
     "I would know where to get help if someone I know was being radicalised", False),
    ("re3", "group_resilience", "resilience_extremist_narratives",
     "Online posts blaming a group for local problems are usually true", True),
    ("re4", "group_resilience", "resilience_extremist_narratives",
     "I would speak up if I saw hateful content about another group", False),
]
CONSTRUCTS = ["social_cohesion", "trust_local_institutions", "resilience_extremist_narratives"]
# survey city -> (programme_id, latent shift from baseline to endline per construct); dakar is the comparison
SURVEY_CITIES: dict[str, tuple[str, dict[str, float]]] = {
    "saida": ("lpn-saida", {"social_cohesion": 0.25, "trust_local_institutions": 0.0,
                            "resilience_extremist_narratives": 0.45}),
    "mombasa": ("young-cities-mombasa", {"social_cohesion": 0.0, "trust_local_institutions": 0.35,
                                         "resilience_extremist_narratives": 0.2}),
    "dakar": ("", {c: 0.0 for c in CONSTRUCTS}),
}
WAVES = {"baseline": 2025, "endline": 2026}
SEEN = ["online", "street", "school", "work", "none"]
SEMICOLON_CITIES = {"dakar"}  # this team's Kobo export uses ';'


def codebook() -> pd.DataFrame:
    """question, construct, label, scale_min, scale_max, reverse."""
    return pd.DataFrame([{"question": q, "construct": c, "label": lab, "scale_min": 1.0, "scale_max": 5.0,
                          "reverse": rev} for q, _, c, lab, rev in QUESTIONS])


def _wave(city_id: str, wave: str, n: int, area_codes: list[str], seed: int, k: int) -> pd.DataFrame:
    rng = np.random.default_rng(np.random.SeedSequence([seed, 77, k]))
    programme_id, shift = SURVEY_CITIES[city_id]
    year = WAVES[wave]
    out: dict[str, object] = {}
    out["start"] = pd.Timestamp(f"{year}-03-01") + pd.to_timedelta(rng.integers(0, 60 * 86400, n), unit="s")
    gender = rng.choice(["female", "male", "prefer_not_to_say"], n, p=[0.5, 0.47, 0.03])
    age = rng.choice(["15_24", "25_34", "35_54", "55_plus"], n, p=[0.3, 0.3, 0.28, 0.12])
    out["group_demo/gender"] = gender
    out["group_demo/age_group"] = age
    out["group_demo/area_code"] = rng.choice(area_codes, n)
    base = {"social_cohesion": 3.1, "trust_local_institutions": 2.8, "resilience_extremist_narratives": 3.2}
    latent = {c: base[c] + (shift[c] if wave == "endline" else 0.0) + rng.normal(0, 0.7, n) for c in CONSTRUCTS}
    for q, group, construct, _, reverse in QUESTIONS:
        v = np.clip(np.rint(latent[construct] + rng.normal(0, 0.6, n)), 1, 5)
        v = 6 - v if reverse else v
        vals = pd.Series(v.astype(int)).astype("Int64")
        vals[rng.random(n) < 0.03] = pd.NA  # skipped questions
        out[f"{group}/{q}"] = vals
    seen = rng.random((n, len(SEEN))) < np.array([0.45, 0.25, 0.15, 0.1, 0.0])
    seen[:, -1] = ~seen[:, :-1].any(axis=1)
    out["group_exposure/hate_seen_where"] = pd.Series([" ".join(np.array(SEEN)[row]) for row in seen])
    for j, opt in enumerate(SEEN):
        out[f"group_exposure/hate_seen_where/{opt}"] = seen[:, j].astype(int)
    out["weight"] = np.round(rng.lognormal(0, 0.25, n), 4)
    out["wave"] = wave
    out["programme_id"] = programme_id
    frame = pd.DataFrame(out).sort_values("start", kind="stable").reset_index(drop=True)
    frame["end"] = frame["start"] + pd.to_timedelta(rng.integers(600, 1800, n), unit="s")
    frame["_submission_time"] = frame["end"] + pd.to_timedelta(rng.integers(60, 86400, n), unit="s")
    frame["_id"] = 100_000 * (k + 1) + np.arange(1, n + 1)
    h = pd.Series(np.frombuffer(rng.bytes(16 * n).hex().encode(), dtype="S32").astype(str))
    frame["_uuid"] = (h.str[:8] + "-" + h.str[8:12] + "-4" + h.str[13:16] + "-a" + h.str[17:20] + "-" + h.str[20:])
    for col in ("start", "end", "_submission_time"):
        frame[col] = frame[col].dt.strftime("%Y-%m-%dT%H:%M:%S")
    lead = ["start", "end"]
    tail = ["weight", "wave", "programme_id", "_id", "_uuid", "_submission_time"]
    return frame[lead + [c for c in frame.columns if c not in lead + tail] + tail]


def simulate_surveys(seed: int, respondents: int, area_codes: dict[str, list[str]] | None = None
                     ) -> dict[str, pd.DataFrame]:
    """{'<city_id>/resilience-<year>': Kobo export frame} for baseline (2025) and endline (2026) waves."""
    out = {}
    for k, city_id in enumerate(sorted(SURVEY_CITIES)):
        for j, wave in enumerate(WAVES):
            codes = (area_codes or {}).get(city_id) or [f"{city_id[:3].upper()}-{i:03d}" for i in range(1, 21)]
            out[f"{city_id}/resilience-{WAVES[wave]}"] = _wave(city_id, wave, respondents, codes, seed, 2 * k + j)
    return out
