"""Serving while writing: 20 concurrent dashboard clients for at least 60 s while a full run materializes and
publishes a new snapshot. Zero errors: no half-written state, no DuckDB lock, no missing file."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from tests.support.cli import BIN, scn_env
from tests.support.dash_client import city_map, route
from tests.support.servers import free_port, start_server, stop_processes

CLIENTS = 20
MIN_SECONDS = 60
MAX_SECONDS = 600
THINK_SECONDS = 0.5  # a person reads between clicks: 20 of them send up to 40 requests a second
CITIES = ("london", "mombasa", "saida", "dakar", "montreal", "tunis")


def _client(i: int, url: str, stop: threading.Event, tally: Counter, errors: list[str]) -> None:
    s = requests.Session()
    city = CITIES[i % len(CITIES)]
    step = 0
    while not stop.is_set():
        step += 1
        kind = ("page", "route", "map", "geojson", "download")[step % 5]
        try:
            if kind == "page":
                r = s.get(f"{url}/city/{city}", timeout=60)
            elif kind == "route":
                r = s.post(f"{url}/_dash-update-component", json=route(f"/city/{city}"), timeout=60)
            elif kind == "map":
                body = city_map(city, period=step % 24, changed="map-period")
                r = s.post(f"{url}/_dash-update-component", json=body, timeout=60)
            elif kind == "geojson":
                r = s.get(f"{url}/geojson/{city}/8.json", timeout=60)
            else:
                r = s.get(f"{url}/download/correlations.csv?city={city}", timeout=60)
            ok = r.status_code == 200 and (kind != "map" or '"cell-map"' in r.text) \
                and (kind != "download" or r.text.startswith("city_id"))
            if not ok:
                errors.append(f"{kind} {city}: HTTP {r.status_code} {r.text[:200]!r}")
        except requests.RequestException as exc:
            errors.append(f"{kind} {city}: {exc!r}")
        tally[kind] += 1
        stop.wait(THINK_SECONDS)


def test_twenty_clients_while_a_full_run_publishes(demo_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "live"
    shutil.copytree(demo_home, home, symlinks=True)
    env = scn_env(home)
    before = json.loads((home / "serving" / "current" / "manifest.json").read_text())["snapshot_id"]
    port = free_port()
    server = start_server([str(BIN / "scn"), "serve", "--no-auth", "--port", str(port)], port=port,
                          ready_path="/login",
                          ready_status=range(200, 400), env=env, log=tmp_path / "serve.log")
    url = server.url
    run = None
    try:
        stop, tally, errors = threading.Event(), Counter(), []
        threads = [threading.Thread(target=_client, args=(i, url, stop, tally, errors)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        start = time.monotonic()
        # the full graph, re-materialized from the lake (the dbt build, the analyses, the publish)
        log = (tmp_path / "run.log").open("w")  # a file, not a pipe: Dagster's log would fill a pipe's buffer
        run = subprocess.Popen([str(BIN / "scn"), "run", "--full"], env=env, stdout=log, stderr=subprocess.STDOUT)
        while (time.monotonic() - start < MIN_SECONDS or run.poll() is None) \
                and time.monotonic() - start < MAX_SECONDS:
            time.sleep(1)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        log.close()
        run_output = (tmp_path / "run.log").read_text()
    finally:
        if run is not None and run.poll() is None:
            run.kill()
        stop_processes(server)
    assert run.returncode == 0, run_output[-3000:]
    after = json.loads((home / "serving" / "current" / "manifest.json").read_text())["snapshot_id"]
    assert after != before, "the run published no new snapshot while the clients read"
    assert sum(tally.values()) > CLIENTS * 10, tally
    kinds = Counter(e.split(" ", 1)[0] for e in errors)
    assert not errors, f"{len(errors)} errors of {sum(tally.values())} requests {dict(kinds)}, first: {errors[:5]}"
