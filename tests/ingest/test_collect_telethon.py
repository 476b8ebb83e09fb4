"""Telegram through Telethon (``options.mode: telethon``) with an injected fake client (tests/support/
fake_telethon.py): messages to post rows, the ``min_id`` cursor, a second run taking only new messages, a kill between
a page's write and its cursor, a flood wait, and the configuration error naming the source without an API id/hash."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scn.ingest.sources import cursor as cursors
from scn.ingest.sources import telegram_telethon
from scn.ingest.sources.base import ConfigError
from scn.ingest.sources.collect import collect
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.telegram import pseudonym
from scn.settings import override
from tests.support.collect_checks import files_holding, lake_posts
from tests.support.fake_social import HANDLE_PREFIX, handle
from tests.support.fake_telethon import T0, FakeTelethonClient, FloodWaitError, MessageFwdHeader

CITY = "london"
CHANNEL = handle(42)
ADMIN = handle(43)


def _config() -> SourceConfig:
    return SourceConfig(source="telegram", city_id=CITY, channels=[f"@{CHANNEL}"], page_size=20,
                        since=T0 - timedelta(days=1), options={"mode": "telethon"})


def test_telethon_mode_without_credentials_names_the_source(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    monkeypatch.setattr(telegram_telethon, "make_client", lambda *a: made.append(a))
    with pytest.raises(ConfigError, match="^telegram: Telethon mode needs the operator's API id and hash"):
        collect("telegram", CITY, config=_config())
    with override(telegram_api_id="12345"), pytest.raises(ConfigError, match="^telegram: Telethon mode needs"):
        collect("telegram", CITY, config=_config())
    with override(telegram_api_id="abc", telegram_api_hash="h"), pytest.raises(ConfigError, match="not a number"):
        collect("telegram", CITY, config=_config())
    with pytest.raises(ConfigError, match="^telegram: options.mode 'mtproto' is not one of web, telethon"):
        collect("telegram", CITY, config=_config().model_copy(update={"options": {"mode": "mtproto"}}))
    assert made == [] and cursors.load("telegram", CITY) is None


def test_telethon_messages_cursor_kill_and_flood_wait(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeTelethonClient(CHANNEL)
    made: list[tuple] = []
    monkeypatch.setattr(telegram_telethon, "make_client", lambda *a: made.append(a) or fake)
    fake.add(30, post_author=ADMIN)
    fake.add_service()
    fake.add_media_only()
    fake.add(8, fwd_from=MessageFwdHeader(T0, {"_": "PeerUser", "user_id": 918273645}))
    pseudo = pseudonym(CHANNEL)
    with override(telegram_api_id="12345", telegram_api_hash="0123456789abcdef", telegram_session="1Abc"):
        first = collect("telegram", CITY, config=_config())
        assert made[0][:3] == (12345, "0123456789abcdef", "1Abc") and fake.disconnected
        assert (first.fetched, first.accepted, first.skipped, first.pages, first.errors) == (38, 38, 2, 2, [])
        assert fake.calls[0] == {"entity": CHANNEL, "limit": 10_000, "offset_date": T0 - timedelta(days=1),
                                 "min_id": 0, "max_id": 0, "reverse": True}
        assert cursors.load("telegram", CITY) == {"channels": {pseudo: {"newest": 40, "before": None}}}
        posts = lake_posts(home).set_index("post_id")
        assert posts.loc[f"{pseudo}/3", "text"] == "Gathering at the square tonight (3)"
        assert str(posts.loc[f"{pseudo}/3", "created_at"]).startswith("2026-03-01 12:03")
        assert set(posts["platform"]) == {"telegram"} and posts["author_pseudo"].nunique() == 1
        assert f"{pseudo}/31" not in posts.index and f"{pseudo}/32" not in posts.index  # service, media only

        # a second run: only the new messages, from min_id = the newest stored
        fake.add(5)
        second = collect("telegram", CITY, config=_config())
        assert (second.fetched, second.accepted, second.duplicates) == (5, 5, 0)
        assert fake.calls[-1]["min_id"] == 40 and fake.calls[-1]["offset_date"] is None

        # killed after the first page is in the lake, before its cursor: nothing lost, nothing twice
        fake.add(25)
        real_save = cursors.save

        def dying_save(source: str, city: str, cur: dict) -> None:
            monkeypatch.setattr(cursors, "save", real_save)
            raise KeyboardInterrupt("killed")

        monkeypatch.setattr(cursors, "save", dying_save)
        with pytest.raises(KeyboardInterrupt):
            collect("telegram", CITY, config=_config())
        assert cursors.load("telegram", CITY)["channels"][pseudo]["newest"] == 45
        rerun = collect("telegram", CITY, config=_config())
        assert (rerun.accepted, rerun.duplicates) == (5, 20)
        assert len(lake_posts(home)) == 68 and lake_posts(home)["post_key"].is_unique

        # a long flood wait: the run stops with the source named, the cursor where the last stored page left it
        fake.add(3)
        fake.fail = FloodWaitError(3600)
        flooded = collect("telegram", CITY, config=_config())
        assert flooded.errors == ["telegram: Telegram asks to wait 3600 s (flood wait): try again later"]
        assert flooded.accepted == 0 and cursors.load("telegram", CITY)["channels"][pseudo]["newest"] == 70
        assert collect("telegram", CITY, config=_config()).accepted == 3

        # a channel that is not there: an error naming it by its pseudonym, never its name
        gone = collect("telegram", CITY, config=_config().model_copy(update={"channels": ["nochannel"]}))
        assert gone.errors == [f"telegram: channel {pseudonym('nochannel')} cannot be read (ValueError): is it a "
                               "public channel?"]
    assert files_holding(home, HANDLE_PREFIX) == [] and files_holding(home, "918273645") == []


def test_telethon_mode_without_the_package_names_the_source_and_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "telethon", None)  # not installed: the optional extra
    monkeypatch.setitem(sys.modules, "telethon.sessions", None)
    with pytest.raises(ConfigError, match=r"^telegram: .*telethon.*\[telegram\]"):
        telegram_telethon.make_client(1, "hash", None, 10.0)
