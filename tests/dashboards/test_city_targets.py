"""The city page's target groups (published ``target_month``): an official sees a small count hidden and the count
the month's total would give back hidden too, staff see all; groups are named in the reader's language; the
accuracy line comes from the published ``review_accuracy`` (Flask test client)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboards import i18n
from scn.review.published import shown_only
from scn.settings import override, settings
from tests.support.dash_client import USERS, find_props, form_token, route
from tests.support.snapshots import PERIODS, make_tables, publish_tables

TARGETS = pd.DataFrame({"city_id": "london", "period": PERIODS[-1],
                        "target": ["origin", "religion", "gender", "unspecified"], "flagged_posts": [2, 9, 12, 30]})


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scn.access.users import add_user

    figures = {f"{m}{s}": v for m, v in (("precision", 0.6), ("recall", 0.5), ("f1", 0.55), ("macro_f1", 0.62),
                                          ("accuracy", 0.7)) for s, v in (("", v), ("_low", v - 0.1),
                                                                          ("_high", v + 0.1))}
    review = shown_only(pd.DataFrame([{"city_id": "london", "lang": "en", "n": 312, "positives": 40, "kappa": 0.7,
                                       "kappa_posts": 20, "sampled": 400, "labelled": 350, **figures,
                                       # the counts the figures rest on: each k or more, so an official reads them
                                       "true_positives": 20, "predicted": 33}]),
                        k=settings().suppress_below)
    home = tmp_path_factory.mktemp("scn-targets")
    publish_tables(home, {**make_tables(0), "target_month": TARGETS, "review_accuracy": review})
    with override(home=home):
        for name in ("olive", "sam"):
            add_user(name, *USERS[name])
    return home


@pytest.fixture()
def page(home: Path) -> Iterator:
    from dashboards.app import create_app

    app = create_app(home)

    def seen(username: str, lang: str = "en") -> list:
        c = app.server.test_client()
        token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
        assert c.post("/login", data={"username": username, "password": USERS[username][2],
                                      "csrf_token": token}).status_code == 302
        r = c.post("/_dash-update-component", json=route("/city/london", lang=lang))
        assert r.status_code == 200
        return r.get_json()["response"]["_pages_content"]["children"]

    yield seen


@pytest.mark.parametrize("lang", ("en", "ar"))
def test_target_groups_are_suppressed_for_officials(page, lang: str) -> None:
    content = page("olive", lang)
    rows = pd.DataFrame(find_props(content, "targets")["data"]).set_index("target")["flagged_posts"]
    name = {g: i18n.t(f"target_{g}", lang) for g in TARGETS["target"]}
    assert pd.isna(rows[name["origin"]]) and pd.isna(rows[name["religion"]])  # 2 small; 9 = total - shown rows
    # shown counts perturbed by -2..+2 (docs/security.md, row 57): 12 and 30 within the table's reach
    assert abs(rows[name["gender"]] - 12) <= 2 and abs(rows[name["unspecified"]] - 30) <= 2
    staff = pd.DataFrame(find_props(page("sam", lang), "targets")["data"]).set_index("target")["flagged_posts"]
    assert staff[name["origin"]] == 2 and staff[name["religion"]] == 9
    line = find_props(content, "review-accuracy-line")["children"]
    assert any(str(312 + a) in line for a in range(-2, 3)) and "0.62 (0.52–0.72)" in line
