"""Shared fixtures: one real demo world, materialized through the real CLI, for the whole test session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

BIN = Path(sys.executable).parent
DEMO_SEED = 11


def stop_processes(*procs: subprocess.Popen, timeout: float = 30) -> None:
    """Stop server processes: SIGTERM, then SIGKILL whatever is still up after ``timeout`` seconds (a loaded
    machine can take a while to tear down a big process; a teardown must not fail a test for that)."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


def scn(*args: str, home: Path, check: bool = True, input: str | None = None,
        timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the installed `scn` console script with SCN_HOME=home."""
    env = {**os.environ, "SCN_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    proc = subprocess.run([str(BIN / "scn"), *args], env=env, capture_output=True, text=True, input=input,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"scn {' '.join(args)} exited {proc.returncode}\nstdout:\n{proc.stdout[-4000:]}\n"
                             f"stderr:\n{proc.stderr[-8000:]}")
    return proc


@contextmanager
def scn_home(home: Path) -> Iterator[Path]:
    """Point this process's SCN_HOME (and DAGSTER_HOME) at ``home`` for the duration."""
    old = {k: os.environ.get(k) for k in ("SCN_HOME", "DAGSTER_HOME")}
    os.environ["SCN_HOME"] = str(home)
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    try:
        yield home
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


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
    """Real headless Chromium (Debian's chromium + chromium-driver, installed by `make test`)."""
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu-sandbox"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    downloads = tmp_path_factory.mktemp("downloads")
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()
