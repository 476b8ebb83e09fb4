"""Shared fixtures: one real demo world, materialized through the real CLI, for the whole test session, and
the headless browser.

Kept light (no selenium, dagster or dash at import time): helpers live in ``tests/support`` and are imported
from there, never from this file; selenium is imported only when a test asks for the ``browser`` fixture."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.cli import DEMO_SEED, scn, scn_home

if TYPE_CHECKING:
    from selenium import webdriver

SIGTERM_AT_START = signal.getsignal(signal.SIGTERM)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Give SIGTERM back the handler it had when the session started: an in-process Dagster execution sets it to
    SIGINT's (``dagster._utils.interrupts``), which is "ignore" when pytest was started in the background by a
    non-interactive shell, and every process started afterwards would inherit an ignored SIGTERM."""
    if SIGTERM_AT_START is not None and signal.getsignal(signal.SIGTERM) is not SIGTERM_AT_START:
        signal.signal(signal.SIGTERM, SIGTERM_AT_START)


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh SCN_HOME with the small demo world (seed 11), every asset materialized and published by
    `scn demo --seed 11 --size small && scn run`."""
    reuse = os.environ.get("SCN_TEST_DEMO_HOME")  # developers: reuse a home already built the same way
    if reuse and (Path(reuse) / "serving" / "current").exists():
        return Path(reuse)
    home = tmp_path_factory.mktemp("scn-demo")
    scn("demo", "--seed", str(DEMO_SEED), "--size", "small", home=home)
    scn("run", home=home)
    return home


@pytest.fixture()
def in_demo_home(demo_home: Path) -> Iterator[Path]:
    """demo_home, with this process's SCN_HOME pointing at it."""
    with scn_home(demo_home):
        yield demo_home


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
