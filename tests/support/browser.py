"""The headless Chromium driver (Debian's chromium + chromium-driver, installed by `make test`) and signing in
through the dashboards' log-in form.

Imported only by browser tests and the ``browser`` fixture, so that unit tests never import selenium."""

from __future__ import annotations

from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.dash_client import USERS
from tests.support.servers import default_sigterm

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-gpu-sandbox")


def page_wait(browser: webdriver.Chrome, seconds: float = 40, poll: float = 0.5) -> WebDriverWait:
    """A wait on the page that retries while an element is missing or was re-rendered under it (a Dash callback
    replaces an element between two reads: StaleElementReferenceException), until ``seconds`` have passed."""
    return WebDriverWait(browser, seconds, poll_frequency=poll,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


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


def fill_login_form(browser: webdriver.Chrome, user: str, password: str | None = None, timeout: float = 40) -> None:
    """On a page that shows the log-in form: wait for it, type ``user`` and ``password`` (default: the user's
    password in ``USERS``) and submit."""
    page_wait(browser, timeout).until(ec.presence_of_element_located((By.ID, "login-form")))
    browser.find_element(By.ID, "username").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(USERS[user][2] if password is None else password)
    browser.find_element(By.ID, "login-submit").click()


def sign_in(browser: webdriver.Chrome, server: str, user: str, next: str = "/", password: str | None = None, *,
            english: bool = True, wait: bool = True, timeout: float = 40) -> None:
    """Signed out, then signed in as ``user`` through the log-in form of ``server``/login?next=``next``; with
    ``english``, the language choice the switch remembers is forgotten first (English); with ``wait``, returns
    once the browser has left the log-in page."""
    browser.delete_all_cookies()
    if english:
        browser.get(f"{server}/login")
        browser.execute_script("window.localStorage.clear()")
    browser.get(f"{server}/login?next={next}")
    fill_login_form(browser, user, password, timeout)
    if wait:
        page_wait(browser, timeout).until(lambda d: "/login" not in d.current_url)
