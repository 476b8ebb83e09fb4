"""PNG screenshots of the dashboards taken with headless Chromium (Debian's chromium + chromium-driver) against a
running app: the city page as staff and as the city's official, in English and Arabic; the network page; the
alert inbox (when the app has one); data health; the Online Hub (city profiles, library, staff tools).

    .venv/bin/python scripts/screenshots.py                      # serves $SCN_HOME on a free port itself
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8050 --city mombasa --credentials creds.txt
``--credentials``: a file of ``role user password`` lines (role ``staff`` or ``official``; the official's
city is the one shown). Without it, a server bound to 127.0.0.1 with no users gives the local staff session
and the official's views are skipped.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def running_app(url: str | None) -> Iterator[str]:
    """The given URL, or `dashboards.app.serve` on a free local port for the duration."""
    if url:
        yield url.rstrip("/")
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", f"from dashboards.app import serve; serve('127.0.0.1', {port}, no_auth=True)"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{url}/login", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def chromium(width: int = 1360, height: int = 1800) -> webdriver.Chrome:
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--hide-scrollbars"):
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def _sign_in(driver: webdriver.Chrome, wait: WebDriverWait, url: str, login: tuple[str, str] | None) -> None:
    driver.delete_all_cookies()
    if login is None:
        return
    driver.get(f"{url}/login")
    wait.until(ec.presence_of_element_located((By.ID, "username"))).send_keys(login[0])
    driver.find_element(By.ID, "password").send_keys(login[1])
    driver.find_element(By.ID, "login-submit").click()
    wait.until(lambda d: "/login" not in d.current_url)


def read_credentials(path: str | None) -> dict[str, tuple[str, str]]:
    """``role -> (user, password)`` from a file of ``role user password`` lines."""
    if not path:
        return {}
    rows = [line.split(maxsplit=2) for line in Path(path).read_text().splitlines() if line.strip()]
    return {role: (user, password) for role, user, password in rows}


def shoot(url: str, out: Path, city: str, credentials: dict[str, tuple[str, str]] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    credentials = credentials or {}
    driver = chromium()
    wait = WebDriverWait(driver, 60)
    written = []
    has_inbox = (REPO / "dashboards" / "pages" / "alerts.py").exists()  # the alert inbox (issue 21)
    city_ready = "#cell-map canvas, #cell-map .js-plotly-plot"
    staff = [("city.png", f"/city/{city}", city_ready, "en"),
             ("network.png", "/network", "#net-member-map canvas, #net-member-map .js-plotly-plot", "en"),
             ("health.png", "/health", "#health-assets, #page .card", "en"),
             ("city-ar.png", f"/city/{city}", city_ready, "ar")]
    if has_inbox:
        staff.append(("alerts.png", "/alerts", "#page h2", "en"))
    # the Online Hub (issue 22): city profiles, the resource library, the staff tools
    staff += [("profiles.png", "/cities?theme=summit", "#profiles-results", "en"),
              ("profile.png", f"/cities/{city}", "#profile-facts", "en"),
              ("profiles-ar.png", "/cities", "#profiles-results", "ar"),
              ("library.png", "/library", "#library-title", "en"),
              ("library-ar.png", "/library?q=%D8%A7%D9%84%D9%88%D9%82%D8%A7%D9%8A%D8%A9", "#library-title", "ar"),
              ("staff-upload.png", "/staff/upload", "#upload-form", "en"),
              ("staff-users.png", "/staff/users", "#users-table", "en"),
              ("staff-audit.png", "/staff/audit", "#audit-title", "en")]
    official = [("city-official.png", f"/city/{city}", city_ready, "en"),
                ("city-official-ar.png", f"/city/{city}", city_ready, "ar")]
    sessions = [(credentials.get("staff"), staff)] + ([(credentials["official"], official)]
                                                      if "official" in credentials else [])
    try:
        for login, plan in sessions:
            _sign_in(driver, wait, url, login)
            written += _shots(driver, wait, url, out, plan)
        driver.find_element(By.CSS_SELECTOR, "#lang input[value='en']").click()
    finally:
        driver.quit()
    return written


def _shots(driver: webdriver.Chrome, wait: WebDriverWait, url: str, out: Path, plan: list) -> list[Path]:
    written = []
    for name, path, ready, lang in plan:
        driver.get(f"{url}{path}")
        radio = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f"#lang input[value='{lang}']")))
        if not radio.is_selected():
            radio.click()
        wait.until(lambda d, sel=ready: d.find_elements(By.CSS_SELECTOR, sel))
        time.sleep(2.5)  # let MapLibre and Plotly finish painting
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1360, min(max(height, 900), 4000))
        time.sleep(0.5)
        driver.save_screenshot(str(out / name))
        driver.set_window_size(1360, 1800)
        written.append(out / name)
    return written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running app; default: serve $SCN_HOME on a free local port")
    ap.add_argument("--city", default="london")
    ap.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    ap.add_argument("--credentials", help="file of `role user password` lines (roles: staff, official)")
    args = ap.parse_args()
    with running_app(args.url) as url:
        for path in shoot(url, Path(args.out), args.city, read_credentials(args.credentials)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
