"""Shared fixtures: one real demo world, materialized through the real CLI, for the whole test session, and
the headless browser.

Kept light (no selenium, dagster or dash at import time): helpers live in ``tests/support`` and are imported
from there, never from this file; selenium is imported only when a test asks for the ``browser`` fixture."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.cli import DEMO_SEED, scn, scn_home
from tests.support.suite_order import slowest_first

if TYPE_CHECKING:
    from selenium import webdriver

SIGTERM_AT_START = signal.getsignal(signal.SIGTERM)


# With pytest-xdist (``pytest -n 2``; pyproject.toml adds ``--dist loadgroup``), the tests that share an expensive
# session fixture run on one worker: the fixture is built once, and nothing is read by one worker while the other
# writes it. Every other test runs on the worker of its module (its module fixtures are built once). The demo home
# is no group: it is built once under a file lock and only read (a test that changes it copies it), so the many
# modules that copy it spread over both workers.
XDIST_GROUPS = {"dash_home": "dash", "server": "dash", "app_client": "dash", "browser": "dash",
                "scheduled_world": "dagster_ui"}
SHARED_WORLDS = {"tests.support.dbt_world": "dbt_world"}  # module of a fixture (whatever its name) -> group


def _xdist_group(item: pytest.Item) -> str:
    """The xdist group of a test: that of the first expensive fixture (in ``XDIST_GROUPS``' order, then
    ``SHARED_WORLDS``) it uses, directly or through another; else its module's."""
    names = list(getattr(item, "fixturenames", ()))
    for name, group in XDIST_GROUPS.items():
        if name in names:
            return group
    info = getattr(item, "_fixtureinfo", None)
    for name in names:
        defs = info.name2fixturedefs.get(name) if info is not None else None
        module = getattr(defs[-1].func, "__module__", None) if defs else None
        if module in SHARED_WORLDS:
            return SHARED_WORLDS[module]
    return "module " + item.nodeid.split("::")[0]


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test that uses an expensive shared fixture with its ``xdist_group`` (an explicit mark wins),
    and put the slowest groups first."""
    groups = []
    for item in items:
        marker = item.get_closest_marker("xdist_group")
        if marker is None:
            groups.append(_xdist_group(item))
            item.add_marker(pytest.mark.xdist_group(groups[-1]))
        else:
            groups.append(str(marker.args[0] if marker.args else marker.kwargs.get("name", "")))
    items[:] = slowest_first(items, groups)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give SIGTERM back the handler it had when the session started: an in-process Dagster execution sets it to
    SIGINT's (``dagster._utils.interrupts``), which is "ignore" when pytest was started in the background by a
    non-interactive shell, and every process started afterwards would inherit an ignored SIGTERM."""
    if SIGTERM_AT_START is not None and signal.getsignal(signal.SIGTERM) is not SIGTERM_AT_START:
        signal.signal(signal.SIGTERM, SIGTERM_AT_START)


def _run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This run's temporary folder: shared by the pytest-xdist workers of one run (their own folders are below
    it), this session's own folder without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh SCN_HOME with the small demo world (seed 11), every asset materialized and published by
    `scn demo --seed 11 --size small && scn run`: built once per run (under a file lock, so that pytest-xdist
    workers wait for one build instead of making their own). Read-only: a test that changes a home copies it
    (``shutil.copytree(demo_home, ..., symlinks=True)``)."""
    reuse = os.environ.get("SCN_TEST_DEMO_HOME")  # developers: reuse a home already built the same way
    if reuse and (Path(reuse) / "serving" / "current").exists():
        return Path(reuse)
    from filelock import FileLock

    root = _run_root(tmp_path_factory)
    # a space, a quote, braces and shell punctuation: paths are pasted into DuckDB, dbt's sources (formatted by
    # dbt-duckdb) and shell commands (glob and URL characters a home may not hold: scn.settings.unsafe_in_home)
    home = root / "scn-demo o'brien {2} ;&$,]"
    with FileLock(root / "scn-demo.lock"):
        if not (root / "scn-demo.built").exists():
            shutil.rmtree(home, ignore_errors=True)  # a build that failed half-way
            scn("demo", "--seed", str(DEMO_SEED), "--size", "small", home=home)
            scn("run", home=home)
            (root / "scn-demo.built").touch()
    return home


@pytest.fixture()
def in_demo_home(demo_home: Path) -> Iterator[Path]:
    """demo_home, with this process's SCN_HOME pointing at it."""
    with scn_home(demo_home):
        yield demo_home


@pytest.fixture(autouse=True)
def settings_put_back() -> Iterator[None]:
    """Every test leaves the settings as it found them: ``create_app(home)`` sets its home for the rest of the
    process (``scn.settings.use``), and a test outside tests/dashboards that built an app leaked its home into the
    next tests of its worker (their files were ingested into its lake, their dbt builds found no parts)."""
    from scn.settings import restore_overrides, saved_overrides

    saved = saved_overrides()
    yield
    restore_overrides(saved)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """Real headless Chromium (Debian's chromium + chromium-driver, installed by `make test`); downloads go to
    ``browser.downloads``."""
    from tests.support.browser import chromium_driver

    driver = chromium_driver(downloads=tmp_path_factory.mktemp("downloads"))
    try:
        yield driver
    finally:
        driver.quit()
