"""The headless Chromium driver (Debian's chromium + chromium-driver, installed by `make test`).

Imported only by browser tests and the ``browser`` fixture, so that unit tests never import selenium."""

from __future__ import annotations

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from tests.support.servers import default_sigterm

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu-sandbox")


def chromium_driver(downloads: Path | None = None, extra_args: tuple[str, ...] = (),
                    network_log: bool = False) -> webdriver.Chrome:
    """A new headless Chromium; with ``downloads``, files download there (and ``driver.downloads`` names it);
    ``extra_args``: more command-line switches; ``network_log``: the performance log records every network
    event (``driver.get_log("performance")``). The caller quits it. chromedriver (and the Chromium it starts)
    begin with SIGTERM at its default action, so that ``quit()`` stops them at once (see tests/support/servers.py)."""
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in (*CHROMIUM_ARGS, *extra_args):
        opts.add_argument(arg)
    if network_log:
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    with default_sigterm():
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    if downloads is not None:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.downloads = downloads  # type: ignore[attr-defined]
    return driver
