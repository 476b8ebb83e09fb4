"""A city profile's programme years are years an activity was held: a year of planned activities only
(programme_years.activities 0, planned_activities > 0) is not listed. Was: "Training (2025, 2027)" for a workshop
planned in 2027."""

from __future__ import annotations

import pandas as pd

from scn.hub import profiles

CITIES = pd.DataFrame({"city_id": ["london", "saida"], "name": ["London", "Saida"], "country": ["UK", "Lebanon"],
                       "country_code": ["GB", "LB"], "region": ["Europe", "MENA"], "themes": ["", ""]})
YEARS = pd.DataFrame({
    "city_id": ["london", "london", "london", "saida"],
    "programme_line": ["training", "training", "summit", "training"],
    "year": [2025, 2027, 2025, 2027],
    "activities": [2, 0, 1, 0],
    "people": [5, 0, 3, 0],
    "planned_activities": [0, 1, 0, 1],
})


def test_a_year_of_planned_activities_only_is_not_a_programme_year() -> None:
    row = profiles.profile_frame(CITIES, YEARS).set_index("city_id")
    assert row.loc["london", "programme_years"] == "summit:2025;training:2025"
    assert row.loc["saida", "programme_years"] == ""
    assert row.loc["saida", "lines"] == "training"  # its programme records still name the line it takes part in


def test_records_without_an_activity_count_keep_every_year() -> None:
    row = profiles.profile_frame(CITIES, YEARS.drop(columns=["activities"])).set_index("city_id")
    assert row.loc["london", "programme_years"] == "summit:2025;training:2025,2027"
