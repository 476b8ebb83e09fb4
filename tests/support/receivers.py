"""Loopback receivers for notifications: an SMTP server (aiosmtpd, in a thread) keeping the messages it gets,
and a webhook receiver (``tests.support.fake_platforms``) keeping the JSON bodies posted to it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from tests.support.fake_platforms import Reply, Request, fake_platform
from tests.support.servers import free_port


@dataclass
class Received:
    """What a receiver got, in order; ``url`` (webhook) or ``host``/``port`` (SMTP) to send to."""

    host: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    messages: list = field(default_factory=list)


@contextmanager
def smtp_receiver() -> Iterator[Received]:
    """An SMTP server on 127.0.0.1 for the duration; ``messages`` holds each e-mail as an ``EmailMessage``."""
    from aiosmtpd.controller import Controller

    got = Received(port=free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
            msg: EmailMessage = message_from_bytes(envelope.original_content or envelope.content,
                                                   policy=policy.default)  # type: ignore[assignment]
            got.messages.append(msg)
            return "250 OK"

    controller = Controller(Handler(), hostname=got.host, port=got.port)
    controller.start()
    try:
        yield got
    finally:
        controller.stop()


@contextmanager
def webhook_receiver(status: int = 200) -> Iterator[Received]:
    """An HTTP server on 127.0.0.1 for the duration (a ``fake_platform``) answering ``status`` to every POST to
    ``/hook``; ``messages`` holds each JSON body posted (``url`` is where to post)."""
    with fake_platform() as server:
        got = Received(port=int(server.url.rsplit(":", 1)[1]), url=f"{server.url}/hook")

        def keep(req: Request) -> Reply:
            got.messages.append(json.loads(req.body or b"null"))
            return Reply(status)

        server.route("POST", "/hook", keep)
        yield got
