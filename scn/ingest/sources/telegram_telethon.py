"""Telegram public channels through Telethon (the MTProto API) with the operator's own API id/hash: the option to
the public web preview (``options.mode: telethon`` in the sources file; the web preview stays the default).

Credentials (``secret``): ``telegram.api_id`` and ``telegram.api_hash`` (my.telegram.org), and ``telegram.session``,
a Telethon ``StringSession`` of the operator's logged-in account (made once, interactively, with Telethon's own
login; without it the session file ``<home>/secrets/telegram.session`` is used). Missing id/hash: ``ConfigError``
naming the source; a session that is not logged in: ``AuthError``. Telethon is imported only in this mode.

Messages: ``client.iter_messages(channel, min_id=<newest id stored>, reverse=True, offset_date=<since>)`` gives the
channel's messages oldest first above the cursor; every ``page_size`` of them is a page (raw: the messages'
``to_dict()`` as JSON Lines), and the cursor (the web preview's: per channel pseudonym, the newest id) moves to the
page's last id once it is stored. Rows as the web preview's (``post_id = <channel pseudonym>/<id>``, so a message
taken by both modes is one post; ``author`` = the channel, never ``post_author``, the signing admin's name;
``text`` = ``message``); service messages (``action``) and media-only messages are skipped. A flood wait longer than
``max_wait`` stops the run with an error naming the source (shorter ones Telethon sleeps through).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from scn.ingest.sources.base import AuthError, ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig, secret
from scn.ingest.sources.http import PoliteClient

SOURCE = "telegram"


def credentials() -> tuple[int, str, str | None]:
    """(api_id, api_hash, session string or None); ``ConfigError`` naming the source when id or hash is missing."""
    api_id, api_hash = secret(SOURCE, "api_id"), secret(SOURCE, "api_hash")
    if not (api_id and api_hash):
        raise ConfigError(SOURCE, "Telethon mode needs the operator's API id and hash: set SCN_TELEGRAM_API_ID and "
                          "SCN_TELEGRAM_API_HASH (or telegram.api_id/api_hash in the secrets file)")
    try:
        return int(api_id), api_hash, secret(SOURCE, "session")
    except ValueError as exc:
        raise ConfigError(SOURCE, "the Telegram API id is not a number") from exc


def make_client(api_id: int, api_hash: str, session: str | None, max_wait: float) -> Any:
    """A connected, logged-in Telethon client (sync interface). Tests replace this function with a fake."""
    try:
        from telethon.sessions import StringSession
        from telethon.sync import TelegramClient
    except ImportError as exc:  # an optional extra: pip install '.[telegram]'
        raise ConfigError("telegram", "mode telethon needs the optional package telethon: "
                          "pip install 'scn-platform[telegram]' (or uv pip install telethon)") from exc

    from scn import lake
    from scn.settings import paths

    where = StringSession(session) if session else str(lake.private_dir(paths().secrets) / "telegram")
    client = TelegramClient(where, api_id, api_hash, flood_sleep_threshold=int(max_wait))
    client.connect()
    if not client.is_user_authorized():
        client.disconnect()
        raise AuthError(SOURCE, "the Telethon session is not logged in: make a StringSession with Telethon's "
                        "login and set SCN_TELEGRAM_SESSION")
    return client


def message_rows(messages: list[Any], channel: str, pseudo: str) -> tuple[Any, int]:
    """Telethon messages -> canonical post rows (text messages) and the number skipped (service, media only)."""
    import pandas as pd

    df = pd.DataFrame({"id": [m.id for m in messages], "date": [m.date for m in messages],
                       "message": [getattr(m, "message", None) for m in messages],
                       "service": [getattr(m, "action", None) is not None for m in messages]})
    keep = (~df["service"] & df["message"].fillna("").str.strip().ne("")).to_numpy()
    created = pd.to_datetime(df["date"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = pd.DataFrame({"post_id": pseudo + "/" + df["id"].astype("string"), "created_at": created,
                         "text": df["message"], "lang": None, "lat": None, "lon": None, "place": None,
                         "author": channel, "platform": "telegram", "url": None})[keep]
    return rows.reset_index(drop=True), int((~keep).sum())


def raw_lines(messages: list[Any]) -> bytes:
    """The messages as received (``to_dict()``), one JSON object a line: what the archive keeps."""
    return "\n".join(json.dumps(m.to_dict(), default=str, ensure_ascii=False) for m in messages).encode()


def pages(http: PoliteClient, config: SourceConfig, cursor: dict | None, channels: list[tuple[str, str]]
          ) -> Iterator[Page]:
    """The pages of ``channels`` ((name, pseudonym) pairs) new since ``cursor``, through Telethon."""
    api_id, api_hash, session = credentials()
    client = make_client(api_id, api_hash, session, http.max_wait)
    http.counters.answered = True
    since = config.since or datetime.now(UTC) - timedelta(days=float(config.options.get("lookback_days", 1)))
    size, limit = config.page_size, int(config.options.get("max_messages", 10_000))
    state: dict[str, Any] = {"channels": {}, **(cursor or {})}
    try:
        for channel, pseudo in channels:
            entry = dict(state["channels"].get(pseudo, {}))
            newest = int(entry.get("newest") or 0)
            batch: list[Any] = []
            kwargs: dict[str, Any] = {"min_id": newest, "reverse": True, "limit": limit}
            if not newest:
                kwargs["offset_date"] = since
            http.counters.requests += 1
            try:
                for message in client.iter_messages(channel, **kwargs):
                    batch.append(message)
                    if len(batch) >= size:
                        state = _advance(state, pseudo, entry, batch)
                        yield _page(batch, channel, pseudo, state)
                        batch = []
                        http.counters.requests += 1
            except Exception as exc:  # Telethon's errors, named without importing it
                raise _source_error(exc, pseudo) from exc
            if batch:
                state = _advance(state, pseudo, entry, batch)
                yield _page(batch, channel, pseudo, state)
    finally:
        client.disconnect()


def _advance(state: dict[str, Any], pseudo: str, entry: dict[str, Any], batch: list[Any]) -> dict[str, Any]:
    entry.update(newest=max(int(entry.get("newest") or 0), max(m.id for m in batch)), before=None)
    return {**state, "channels": {**state["channels"], pseudo: dict(entry)}}


def _page(batch: list[Any], channel: str, pseudo: str, state: dict[str, Any]) -> Page:
    rows, skipped = message_rows(batch, channel, pseudo)
    return Page(raw_lines(batch), "application/x-ndjson", rows, state, skipped=skipped)


def _source_error(exc: Exception, pseudo: str) -> SourceError:
    name = type(exc).__name__
    if isinstance(exc, SourceError):
        return exc
    if name == "FloodWaitError":
        return SourceError(SOURCE, f"Telegram asks to wait {getattr(exc, 'seconds', '?')} s (flood wait): try "
                           "again later", 429)
    if name in ("AuthKeyUnregisteredError", "SessionRevokedError", "UserDeactivatedError", "AuthKeyError"):
        return AuthError(SOURCE, f"the Telethon session was refused ({name}): log in again", 401)
    if name in ("ChannelPrivateError", "UsernameNotOccupiedError", "UsernameInvalidError", "ValueError"):
        return SourceError(SOURCE, f"channel {pseudo} cannot be read ({name}): is it a public channel?")
    return SourceError(SOURCE, f"channel {pseudo}: {name}")
