"""Fixtures: a synthetic published snapshot (tests/support/snapshots.py) with the users of
tests/support/dash_client.py, the real app served over HTTP (waitress, in a subprocess) and in this process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.dash_client import USERS, form_token, home_with_users, route, settings_restored  # noqa: F401
from tests.support.servers import running_dashboards


@pytest.fixture(scope="session")
def dash_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SCN_HOME with the synthetic snapshot and the users sam (staff), olive (london), omar (saida)."""
    return home_with_users(tmp_path_factory.mktemp("scn-dash"))


@pytest.fixture(scope="session")
def server(dash_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dashboards.app.serve` on a free port of 127.0.0.1 (users exist, so log-in is required)."""
    with running_dashboards(dash_home, tmp_path_factory.mktemp("serve") / "dashboards.log") as srv:
        yield srv.url


@pytest.fixture()
def app_client(dash_home: Path):
    """The app in this process over ``dash_home``: ``app_client(name)`` is a Flask test client signed in as that
    user through the real log-in form (``app_client()``: anonymous); ``app_client.app`` is the Dash app."""
    from dashboards.app import create_app

    app = create_app(dash_home)

    def client(username: str | None = None):
        c = app.server.test_client()
        if username:
            token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
            r = c.post("/login", data={"username": username, "password": USERS[username][2], "next": "/",
                                       "csrf_token": token})
            assert r.status_code == 302 and "error" not in r.headers["Location"]
        return c

    client.app = app  # type: ignore[attr-defined]
    return client
