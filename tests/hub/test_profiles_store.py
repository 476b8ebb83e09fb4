"""City profiles (scn.hub.profiles): texts with an append-only history in SQLite, who reads which parts and who
edits, and the directory of registry cities with its vectorised search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from scn.access.users import User
from scn.demo.spec import registry
from scn.hub import audit, profiles
from scn.settings import override
from tests.support.snapshots import PERIODS, make_tables

STAFF, OLIVE, OMAR = User("sam", "staff"), User("olive", "official", "london"), User("omar", "official", "saida")


@pytest.fixture()
def home(tmp_path: Path) -> Iterator[Path]:
    with override(home=tmp_path):
        yield tmp_path


def test_every_edit_is_a_new_version_and_history_is_never_rewritten(home: Path) -> None:
    v1 = profiles.save("london", {"overview": ("First words", "public"),
                                  "contacts": ("Focal point: city hall", "network")}, "olive")
    v2 = profiles.save("london", {"overview": ("Second words\r\non two lines", "public")}, "sam")
    assert (v1, v2) == (1, 2)
    assert profiles.save("london", {"overview": ("Second words\non two lines", "public")}, "sam") == 2  # no change
    hist = profiles.history("london")
    assert list(hist.columns) == list(profiles.COLUMNS)
    assert sorted(hist["version"].unique()) == [1, 2] and len(hist) == 2 * len(profiles.SECTIONS)
    now = profiles.current("london").set_index("section")
    assert now.loc["overview", "text"] == "Second words\non two lines" and now.loc["overview", "editor"] == "sam"
    assert now.loc["contacts", "text"] == "Focal point: city hall"  # left out of the edit: kept
    old = hist[hist["version"] == 1].set_index("section")
    assert old.loc["overview", "text"] == "First words"
    with sqlite3.connect(profiles.db_path()) as con:
        assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
        for sql in ("update profile_parts set text = 'rewritten'", "delete from profile_parts"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
    assert profiles.history("london").equals(hist)
    edits = audit.entries(action="profile.edit")
    assert list(edits["actor"]) == ["sam", "olive"] and set(edits["city_id"]) == {"london"}
    assert '"version": 2' in edits["detail"].iloc[0] and '"overview"' in edits["detail"].iloc[0]
    assert profiles.history("saida").empty and profiles.current("saida").empty


@pytest.mark.parametrize("parts", [{"mayor": ("x", "public")}, {"overview": ("x", "secret")},
                                   {"overview": ("x" * (profiles.MAX_TEXT + 1), "public")}])
def test_bad_edits_are_refused_and_leave_nothing(home: Path, parts: dict) -> None:
    with pytest.raises(profiles.ProfileError):
        profiles.save("london", parts, "sam")
    assert profiles.history("london").empty and audit.entries().empty


def test_network_parts_are_read_by_staff_and_the_citys_own_official(home: Path) -> None:
    profiles.save("london", {"overview": ("Open", "public"), "contacts": ("Closed", "network")}, "olive")
    parts = profiles.current("london")
    reviewer = User("rita", "reviewer", "london")
    assert set(profiles.visible(parts, STAFF, "london")["text"]) == {"Open", "Closed", ""}
    assert set(profiles.visible(parts, OLIVE, "london")["text"]) == {"Open", "Closed", ""}
    for user in (OMAR, reviewer, None):
        assert "Closed" not in set(profiles.visible(parts, user, "london")["text"])
        assert set(profiles.visible(parts, user, "london")["visibility"]) == {"public"}
    assert profiles.may_edit(STAFF, "saida") and profiles.may_edit(OLIVE, "london")
    assert not any(profiles.may_edit(u, "london") for u in (OMAR, reviewer, None))


def _directory() -> pd.DataFrame:
    """The shipped registry with the synthetic snapshot's programme records, surveys and monthly counts."""
    tables = make_tables()
    return profiles.profile_frame(registry(), tables["programme_years"], tables["survey_indices"],
                                  tables["city_month"])


def test_directory_has_every_registry_city_with_its_status() -> None:
    reg, frame = registry(), _directory()
    assert len(frame) == len(reg) and set(frame["city_id"]) == set(reg["city_id"])
    row = frame.set_index("city_id")
    tables = make_tables()
    assert row.loc["london", "posts_from"] == PERIODS[0] and row.loc["london", "crimes_to"] == PERIODS[-1]
    assert row.loc["london", "survey_waves"] == ";".join(sorted(tables["survey_indices"]["wave"].unique()))
    assert pd.isna(row.loc["aarhus", "posts_from"]) and row.loc["aarhus", "survey_waves"] == ""
    lines = tables["programme_years"].query("city_id == 'london'")["programme_line"]
    assert row.loc["london", "lines"] == ";".join(sorted(set(lines)))
    assert row.loc["saida", "languages"] == "ar" and row.loc["montreal", "languages"] == "en;fr"


def _having(frame: pd.DataFrame, col: str, code: str) -> set[str]:
    return {c for c, v in zip(frame["city_id"], frame[col], strict=True) if code in str(v).split(";")}


def test_search_filters_by_theme_region_country_line_language_and_text() -> None:
    frame = _directory()
    for theme in profiles.listed(frame, "themes"):
        assert set(profiles.search(frame, theme=theme)["city_id"]) == _having(frame, "themes", theme)
    assert set(profiles.search(frame, line="young_cities")["city_id"]) == _having(frame, "lines", "young_cities")
    arabic = profiles.search(frame, language="ar")
    assert "saida" in set(arabic["city_id"]) and "london" not in set(arabic["city_id"])
    mena = profiles.search(frame, region="MENA", country="LB")
    assert set(mena["city_id"]) == set(frame.loc[frame["country_code"].eq("LB"), "city_id"])
    both = profiles.search(frame, theme="local_prevention_network", country="JO")
    assert set(both["city_id"]) == _having(frame, "themes", "local_prevention_network") & set(
        frame.loc[frame["country_code"].eq("JO"), "city_id"])
    assert list(profiles.search(frame, "MEDELLIN")["city_id"]) == ["medellin"]  # accents and case ignored
    names = frame["country_code"].map({"LB": "Liban"})
    assert set(profiles.search(frame, "liban", names=names)["city_id"]) == set(mena["city_id"])
    assert profiles.search(frame, "no such place").empty
    assert len(profiles.search(frame)) == len(frame)
