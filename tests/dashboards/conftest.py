"""Fixtures: a synthetic published snapshot with three users, the real app served over HTTP (waitress, in a
subprocess), and headless Chromium (Debian's chromium + chromium-driver)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import scn_home, stop_processes
from tests.dashboards.snapshot_factory import publish_snapshot

USERS = {"sam": ("staff", None, "staff-pass-123"), "olive": ("official", "london", "official-pass-1"),
         "omar": ("official", "saida", "official-pass-2")}


@pytest.fixture(autouse=True)
def _settings_restored() -> Iterator[None]:
    """``create_app(home)`` sets the home for the rest of the process (``scn.settings.use``): undo it after each
    test, so that one test's home never leaks into the next."""
    from scn import settings

    saved = settings.saved_overrides()
    yield
    settings.restore_overrides(saved)


@pytest.fixture(scope="session")
def dash_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SCN_HOME with the synthetic snapshot and the users sam (staff), olive (london), omar (saida)."""
    from scn.access.users import add_user

    home = tmp_path_factory.mktemp("scn-dash")
    publish_snapshot(home)
    with scn_home(home):
        for name, (role, city, password) in USERS.items():
            add_user(name, role, city, password)
    return home


@pytest.fixture(scope="session")
def server(dash_home: Path) -> Iterator[str]:
    """`dashboards.app.serve` on a free port of 127.0.0.1 (users exist, so log-in is required)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SCN_HOME": str(dash_home), "SCN_SECRET_KEY": "test-secret"}
    proc = subprocess.Popen([sys.executable, "-c", f"from dashboards.app import serve; serve('127.0.0.1', {port})"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{url}/login", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.25)
        else:
            raise RuntimeError("the dashboards did not start")
        yield url
    finally:
        stop_processes(proc)


def login(server: str, username: str) -> requests.Session:
    """A requests session signed in through the real /login form post."""
    s = requests.Session()
    r = s.post(f"{server}/login", data={"username": username, "password": USERS[username][2], "next": "/"},
               allow_redirects=False, timeout=10)
    assert r.status_code == 302 and "error" not in r.headers["Location"]
    return s


@pytest.fixture()
def app_client(dash_home: Path):
    """The app in this process over ``dash_home``: ``app_client(name)`` is a Flask test client signed in as that
    user through the real log-in form (``app_client()``: anonymous); ``app_client.app`` is the Dash app."""
    from dashboards.app import create_app

    app = create_app(dash_home)

    def client(username: str | None = None):
        c = app.server.test_client()
        if username:
            r = c.post("/login", data={"username": username, "password": USERS[username][2], "next": "/"})
            assert r.status_code == 302 and "error" not in r.headers["Location"]
        return c

    client.app = app  # type: ignore[attr-defined]
    return client
