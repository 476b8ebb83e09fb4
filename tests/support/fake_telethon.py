"""A fake Telethon client for the Telegram Telethon mode (we cannot reach Telegram): messages with the attribute
shapes of ``telethon.tl.types.Message`` / ``MessageService`` (``id, peer_id, date, message, views, forwards,
fwd_from, post_author, media, action, edit_date`` and ``to_dict()``), and ``iter_messages`` with Telethon's
semantics for ``min_id``, ``reverse``, ``offset_date`` and ``limit``. Every call is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class PeerChannel:
    channel_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"_": "PeerChannel", "channel_id": self.channel_id}


@dataclass
class MessageFwdHeader:
    date: datetime
    from_id: dict[str, Any] | None = None
    from_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"_": "MessageFwdHeader", "date": self.date, "from_id": self.from_id, "from_name": self.from_name}


@dataclass
class Message:
    id: int
    peer_id: PeerChannel
    date: datetime
    message: str | None = ""
    views: int | None = None
    forwards: int | None = None
    fwd_from: MessageFwdHeader | None = None
    post_author: str | None = None
    media: dict[str, Any] | None = None
    edit_date: datetime | None = None
    action: dict[str, Any] | None = None  # MessageService only

    def to_dict(self) -> dict[str, Any]:
        if self.action is not None:
            return {"_": "MessageService", "id": self.id, "peer_id": self.peer_id.to_dict(), "date": self.date,
                    "action": self.action, "out": False, "post": True}
        return {"_": "Message", "id": self.id, "peer_id": self.peer_id.to_dict(), "date": self.date,
                "message": self.message, "out": False, "post": True, "views": self.views, "forwards": self.forwards,
                "fwd_from": self.fwd_from.to_dict() if self.fwd_from else None, "post_author": self.post_author,
                "media": self.media, "edit_date": self.edit_date, "entities": [], "replies": None}


class FloodWaitError(Exception):
    """Named as Telethon's ``telethon.errors.FloodWaitError`` (``seconds``)."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"A wait of {seconds} seconds is required")


@dataclass
class FakeTelethonClient:
    channel: str
    channel_id: int = 1_500_000_123
    messages: list[Message] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    fail: Exception | None = None  # raised by the next iter_messages after its first message
    disconnected: bool = False

    def add(self, n: int, text: str = "Gathering at the square tonight", **extra: Any) -> list[Message]:
        out = []
        for _ in range(n):
            i = len(self.messages) + 1
            msg = Message(i, PeerChannel(self.channel_id), T0 + timedelta(minutes=i), f"{text} ({i})",
                          views=100 + i, forwards=i % 3, **extra)
            self.messages.append(msg)
            out.append(msg)
        return out

    def add_service(self) -> Message:
        msg = Message(len(self.messages) + 1, PeerChannel(self.channel_id), T0 + timedelta(minutes=len(self.messages)),
                      None, action={"_": "MessageActionChatEditPhoto"})
        self.messages.append(msg)
        return msg

    def add_media_only(self) -> Message:
        msg = self.add(1)[0]
        msg.message, msg.media = "", {"_": "MessageMediaPhoto", "spoiler": False}
        return msg

    def iter_messages(self, entity: Any, limit: float | None = None, *, offset_date: datetime | None = None,
                      offset_id: int = 0, max_id: int = 0, min_id: int = 0, reverse: bool = False,
                      **kwargs: Any) -> Iterator[Message]:
        self.calls.append({"entity": entity, "limit": limit, "offset_date": offset_date, "min_id": min_id,
                           "max_id": max_id, "reverse": reverse, **kwargs})
        if entity != self.channel:
            raise ValueError(f'No user has "{entity}" as username')
        picked = [m for m in self.messages if m.id > min_id and (not max_id or m.id < max_id)]
        if offset_date is not None:  # reverse: messages after the date; else: before it
            picked = [m for m in picked if (m.date >= offset_date if reverse else m.date < offset_date)]
        picked.sort(key=lambda m: m.id, reverse=not reverse)
        fail, self.fail = self.fail, None
        for k, m in enumerate(picked[: int(limit) if limit else None]):
            if fail is not None and k == 1:
                raise fail
            yield m

    def disconnect(self) -> None:
        self.disconnected = True
