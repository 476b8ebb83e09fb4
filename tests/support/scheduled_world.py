"""One Dagster webserver + daemon for the orchestration tests, started once for the folder (each start costs about
a minute) and stopped after its last test by ``close_world`` (tests/orchestration/conftest.py): tests/ is no Python
package, so pytest's ``package`` scope would keep the daemon and its per-minute scheduled runs busy until the end
of the whole suite. An SCN_HOME whose sources file gives a demo city a Mastodon entry with a per-minute
``schedule`` against a fake instance on loopback (tests/orchestration/test_scheduled_collection.py watches the
daemon collect it; test_dagster_ui.py reads the asset graph and the daemon's health from the same instance)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.support.cli import REPO, scn_env
from tests.support.dagster_ui import DagsterUI, running_dagster
from tests.support.fake_platforms import FakePlatform, fake_platform
from tests.support.fake_social import FakeMastodon

CITY = "london"
FIRST, LATER = 45, 5
# the sensor's minimum interval is 60 s: the second tick comes about a minute after the first. Bounds for a loaded
# machine (each run loads the code location twice: run worker and step process); unloaded, both take ~30-60 s
WAIT_FIRST, WAIT_SECOND = 240, 240


@dataclass(frozen=True)
class World:
    ui: DagsterUI
    fake: FakeMastodon
    fp: FakePlatform
    home: Path


_OPEN = ExitStack()  # the running world's processes and servers, closed by close_world


def close_world() -> None:
    """Stop the webserver, the daemon and the fake platform (idempotent)."""
    _OPEN.close()


@pytest.fixture(scope="session")
def scheduled_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("scn-collect-ui")
    fp = _OPEN.enter_context(fake_platform())
    fake = FakeMastodon(fp, tag=CITY)
    fake.add_many(FIRST)
    sources = home / "config" / "sources.yml"
    sources.parent.mkdir(parents=True)
    sources.write_text(yaml.safe_dump({
        "sources": {"mastodon": {"page_size": 20}},
        "cities": {CITY: {"mastodon": {"instance": fp.url, "tags": [fake.tag], "schedule": "* * * * *"}}}}))
    # the repo's instance config, with room for the freshness-check runs the other sensors launch at start
    # beside the collection (the per-city limit still runs one collection of the city at a time)
    instance = yaml.safe_load((REPO / "dagster.yaml").read_text())
    instance["run_coordinator"]["config"]["max_concurrent_runs"] = 3
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance))
    env = scn_env(home, {"SCN_SOURCES_FILE": str(sources), "SCN_DAGSTER_YAML": str(home / "dagster.yaml")})
    for inherited in ("SCN_ARCHIVE", "SCN_PSEUDONYM_KEY"):
        env.pop(inherited, None)
    try:
        yield World(_OPEN.enter_context(running_dagster(home, env)), fake, fp, home)
    finally:
        close_world()
