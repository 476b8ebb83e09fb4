"""The ``reviewer`` role: tied to one city like an official, let into the review page (rule ``review``) where an
official is refused, and sees other cities no more than the official of its city does."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards.auth import audience, decide
from scn.access.users import User, UserError, add_user, get_user
from scn.settings import override


def test_reviewer_needs_a_city_and_sees_only_it(tmp_path: Path) -> None:
    with override(home=tmp_path):
        with pytest.raises(UserError, match="a reviewer needs a city"):
            add_user("rita", "reviewer", None, "reviewer-pass-1")
        add_user("rita", "reviewer", "london", "reviewer-pass-1")
        rita = get_user("rita")
    assert rita == User("rita", "reviewer", "london") and rita.is_reviewer and not rita.is_staff
    assert rita.can_see("london") and not rita.can_see("saida") and not rita.can_see(None)
    assert audience(rita) == "official"  # small counts suppressed on the dashboards, as for the city's official


def test_review_rule() -> None:
    page = {"access": "review", "module": "dashboards.pages.review"}
    assert decide(User("sam", "staff"), page) == 200
    assert decide(User("rita", "reviewer", "london"), page) == 200
    assert decide(User("olive", "official", "london"), page) == 403
    assert decide(None, page) == 401
