"""Telegram public channels through their public web preview, ``https://t.me/s/<channel>`` (no account, no key).

The preview page lists a channel's latest ~20 messages as HTML (``div.tgme_widget_message[data-post="<channel>/<id>"]``
with ``div.tgme_widget_message_text`` and ``a.tgme_widget_message_date > time[datetime]``); ``?before=<id>`` gives
the messages before an id, ``?after=<id>`` those after it. A first run reads the latest page, then walks back with
``before`` to ``since`` (default ``options.lookback_days``, 1 day); later runs walk forward with ``after`` from the
newest id seen. The cursor (per channel, keyed by the channel's pseudonym, never its name) holds the newest id and,
while the first walk back is unfinished, the id it goes on from: a kill resumes where the last stored page ended.

Rows: ``post_id = <channel pseudonym>/<message id>`` (a channel's username is a handle: it appears nowhere but in the
archive), ``author`` = the channel (pseudonymised at ingest), text = the message text (``<br>`` -> newline, links
and formatting as their text), url none (``t.me/<channel>/<id>`` names the channel). Service messages (channel
created, photo changed) and media-only messages are skipped; a deleted message is simply absent; an edited one is
taken as it reads when collected. A channel without a public preview (t.me redirects to the channel card) stops the
run with an error naming the channel by its pseudonym. A message id that cannot be real is skipped (counted as
skipped), never taken as the cursor: ids outside 1..2**31-1 (channel message ids are 32-bit and never reach 2**31),
and ids a gap of more than ``MAX_GAP`` ids separates from the run of ids the page goes on from (the cursor's id; on
a first page, the page's median id), e.g. one id far above all the others; a cursor such an id poisoned before is
dropped (the channel is read again as on a first run; the lake skips what it holds). ``options.mode: telethon``
collects through the MTProto API with the operator's own API id/hash instead (``telegram_telethon``; same rows, same
cursor).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.http import PoliteClient

DEFAULT_BASE = "https://t.me"
MODES = ("web", "telethon")
MAX_ID = 2**31 - 1  # Telegram channel message ids are 32-bit and never reach 2**31
MAX_GAP = 1_000  # ids of one page, or of a page and the id it goes on from, are never this far apart
MESSAGE = "//div[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message ') and @data-post]"


def channel_name(channel: str) -> str:
    """``@name``, ``https://t.me/name`` or ``name`` -> ``name``."""
    return channel.strip().lstrip("@").removeprefix("https://t.me/").strip("/")


def pseudonym(channel: str) -> str:
    """The channel as the cursor and the post ids name it (its pseudonym, as its posts' ``author_pseudo``)."""
    import pandas as pd

    from scn.privacy.pseudonyms import pseudonymise

    return str(pseudonymise("telegram", pd.Series([channel]))[0])


def parse_preview(html_bytes: bytes) -> list[dict[str, Any]]:
    """Messages of a preview page, oldest first: ``{id, created_at, text}`` (text None: service or media only)."""
    import lxml.html

    if not html_bytes.strip():
        return []
    doc = lxml.html.fromstring(html_bytes)
    out = []
    for node in doc.xpath(MESSAGE):  # ~20 messages a page: the DOM is walked once per message
        post = node.get("data-post", "")
        msg_id = post.rsplit("/", 1)[-1]
        if not msg_id.isdigit():
            continue
        service = "service_message" in (node.get("class") or "")
        texts = node.xpath(".//div[contains(@class, 'tgme_widget_message_text')]")
        text = None
        if texts and not service:
            body = texts[-1]  # a reply quotes the replied message's text first; the message's own comes last
            for br in body.iter("br"):
                br.tail = "\n" + (br.tail or "")
            text = body.text_content().strip() or None
        when = node.xpath(".//a[contains(@class, 'tgme_widget_message_date')]//time/@datetime")
        out.append({"id": int(msg_id), "created_at": when[0] if when else None, "text": text})
    return sorted(out, key=lambda m: m["id"])


def message_rows(messages: list[dict[str, Any]], channel: str, pseudo: str) -> tuple[Any, int]:
    """Messages -> canonical post rows (those with text) and the number skipped."""
    import pandas as pd

    df = pd.DataFrame(messages, columns=["id", "created_at", "text"])
    keep = df["text"].notna()
    rows = pd.DataFrame({"post_id": pseudo + "/" + df["id"].astype("string"), "created_at": df["created_at"],
                         "text": df["text"], "lang": None, "lat": None, "lon": None, "place": None,
                         "author": channel, "platform": "telegram", "url": None})[keep.to_numpy()]
    return rows.reset_index(drop=True), int((~keep).sum())


def _real_id(value: object, low: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= MAX_ID


def plausible(messages: list[dict[str, Any]], anchor: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """The messages whose ids can be real, and how many cannot: ids outside 1..``MAX_ID``, and ids that a gap of
    more than ``MAX_GAP`` separates from the run of ids holding the page's median id (with three ids or more: an
    outlier among the page's own ids), else from ``anchor`` (an id known to be real: the id the page continues
    from). The page's own run wins over the anchor, so a channel whose admins deleted more than ``MAX_GAP``
    messages at once is not stalled: its next page is a dense run of its own."""
    ok = [m for m in messages if _real_id(m["id"])]
    if not ok:
        return [], len(messages)
    ids = sorted({m["id"] for m in ok})
    if len(ids) >= 3 or not _real_id(anchor):
        anchor = ids[(len(ids) - 1) // 2]
    points = sorted({*ids, anchor})
    lo = hi = points.index(anchor)
    while lo > 0 and points[lo] - points[lo - 1] <= MAX_GAP:
        lo -= 1
    while hi < len(points) - 1 and points[hi + 1] - points[hi] <= MAX_GAP:
        hi += 1
    kept = [m for m in ok if points[lo] <= m["id"] <= points[hi]]
    return kept, len(messages) - len(kept)


class Telegram:
    name = "telegram"
    kind = "social"

    def _fetch(self, http: PoliteClient, base: str, channel: str, pseudo: str, **params: int
               ) -> tuple[Any, list[dict[str, Any]]]:
        resp = http.get(f"{base}/s/{channel}", params=params or None)
        if not urlsplit(resp.url).path.startswith("/s/"):
            raise SourceError(self.name, f"channel {pseudo} has no public web preview (t.me redirected to "
                              "its card): is it a public channel?")
        return resp, parse_preview(resp.content)

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        mode = str(config.options.get("mode", "web"))
        if mode not in MODES:
            raise ConfigError(self.name, f"options.mode '{mode}' is not one of {', '.join(MODES)}")
        if not config.channels:
            raise ConfigError(self.name, "nothing to collect: give `channels:` in the sources file")
        if mode == "telethon":
            from scn.ingest.sources import telegram_telethon

            names = [channel_name(c) for c in config.channels]
            yield from telegram_telethon.pages(http, config, cursor, [(c, pseudonym(c)) for c in names])
            return
        base = (config.instance or DEFAULT_BASE).rstrip("/")
        if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
            raise ConfigError(self.name, f"instance '{base}' is not an http(s) URL")
        since = config.since or datetime.now(UTC) - timedelta(days=float(config.options.get("lookback_days", 1)))
        state: dict[str, Any] = {"channels": {}, **(cursor or {})}

        def page(resp: Any, kept: list[dict], skipped: int, channel: str, pseudo: str, entry: dict) -> Page:
            nonlocal state
            rows, no_text = message_rows(kept, channel, pseudo)
            state = {**state, "channels": {**state["channels"], pseudo: entry}}
            return Page(resp.content, resp.headers.get("Content-Type", "text/html"), rows, state,
                        skipped=no_text + skipped)

        for channel in config.channels:
            channel = channel_name(channel)
            pseudo = pseudonym(channel)
            entry = dict(state["channels"].get(pseudo, {}))
            if not _real_id(entry.get("newest"), low=0) or not (entry.get("before") is None
                                                                 or _real_id(entry.get("before"))):
                entry = {}  # a cursor an implausible id poisoned: read the channel again as on a first run
            if "newest" not in entry:  # first run: the latest page, then back in time
                resp, msgs = self._fetch(http, base, channel, pseudo)
                msgs, bad = plausible(msgs)
                kept = [m for m in msgs if _after(m, since)]
                entry = {"newest": max((m["id"] for m in msgs), default=0),
                         "before": min(m["id"] for m in msgs) if kept and len(kept) == len(msgs) else None}
                if bad and not msgs:
                    entry = {}  # nothing real on the page: no cursor to keep, the next run starts over
                yield page(resp, kept, len(msgs) - len(kept) + bad, channel, pseudo, entry)
                if not entry:
                    continue
            while entry.get("before"):
                resp, msgs = self._fetch(http, base, channel, pseudo, before=entry["before"])
                msgs, bad = plausible([m for m in msgs if m["id"] < entry["before"]], entry["before"])
                kept = [m for m in msgs if _after(m, since)]
                go_on = bool(msgs) and len(kept) == len(msgs) and min(m["id"] for m in msgs) > 1
                entry = {**entry, "before": min(m["id"] for m in msgs) if go_on else None}
                yield page(resp, kept, len(msgs) - len(kept) + bad, channel, pseudo, entry)
            while True:  # forward from the newest id seen
                resp, msgs = self._fetch(http, base, channel, pseudo, after=entry["newest"])
                msgs, bad = plausible([m for m in msgs if m["id"] > entry["newest"]], entry["newest"] or None)
                if msgs:
                    entry = {**entry, "newest": max(m["id"] for m in msgs)}
                if msgs or bad:
                    yield page(resp, msgs, bad, channel, pseudo, entry)
                if not msgs:
                    break


def _after(message: dict[str, Any], since: datetime) -> bool:
    """The message was posted at or after ``since`` (a message without a time is kept: ingest judges it)."""
    when = message.get("created_at")
    if not when:
        return True
    try:
        t = datetime.fromisoformat(str(when).replace("Z", "+00:00"))
    except ValueError:
        return True
    return (t if t.tzinfo else t.replace(tzinfo=UTC)) >= since
