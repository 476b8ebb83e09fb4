"""The newest-first walk shared by search APIs (Bluesky searchPosts, X recent search, Reddit listings): each run
pages from the newest item back to the newest item of the previous run, committing after every page.

State per query (in the source x city cursor): ``since`` = the sort key of the newest item stored by the last
completed walk; during a walk also ``top`` (the newest key of this walk) and ``next`` (the platform's token for the
next, older page). A walk killed half way resumes from ``next`` with the same ``since`` (nothing skipped), and only
a completed walk moves ``since`` to ``top`` (items older than ``since`` are never fetched twice). Items whose key is
not above ``since`` are dropped client-side (the platform's ``since`` may be inclusive, or absent). A next-page
token already used in this walk (a platform whose token never changes, or cycles) ends the walk as complete, as if
there were no next page: the walk neither spends the run's budget on the same page nor saves the token for the next
run to loop on again. Whether a page reached ``since`` is decided on every item it lists, skipped ones included (a
page of only deleted posts is not the end of the walk), and a page listing nothing at all that carries a next token
is followed, at most ``MAX_EMPTY`` times in a row (a platform that hides what its search found can answer a page
empty mid-walk; one answering empty pages forever ends the walk as complete).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scn.ingest.sources.base import Page

MAX_EMPTY = 3  # empty pages with a next token followed in a row before the walk is taken as complete


@dataclass
class Fetched:
    """One response: raw body, media type, canonical rows (a DataFrame, aligned with ``keys``), the sort key of
    each row (strings that order like time), items skipped, the token of the next (older) page or None, and the
    oldest sort key of every item listed, skipped ones included (None: the rows' own keys tell it)."""

    raw: bytes
    content_type: str
    rows: Any
    keys: Any
    next: str | None
    skipped: int = 0
    oldest: str | None = None


def walk(state: dict[str, dict], query: str, first_since: str | None,
         fetch: Callable[[str | None, str | None], Fetched]) -> Iterator[Page]:
    """Pages of one query; ``state`` (the whole cursor's ``queries`` dict) is updated and copied into every page's
    cursor. ``fetch(since, token)`` asks for one page."""
    mine = dict(state.get(query) or {"since": first_since})
    since = mine.get("since")
    used: set[str] = set()  # the tokens asked for in this walk
    empty = 0  # pages in a row that listed nothing
    while True:
        token = mine.get("next")
        if token:
            used.add(str(token))
        got = fetch(since, token)
        keys = got.keys.astype("string") if len(got.rows) else got.keys
        new = (keys > since).fillna(True).to_numpy() if since and len(got.rows) else slice(None)
        rows = got.rows[new].reset_index(drop=True) if len(got.rows) else got.rows
        newest = keys.max() if len(got.rows) else None
        top = max(k for k in (mine.get("top"), newest) if k) if (mine.get("top") or newest) else None
        listed = len(got.rows) + got.skipped
        empty = 0 if listed else empty + 1
        ends = [k for k in (got.oldest, keys.min() if len(got.rows) else None) if isinstance(k, str)]
        reached = empty > MAX_EMPTY or bool(since and ends and min(ends) <= since)
        done = reached or not got.next or str(got.next) in used  # a token seen again: nothing older to come
        mine = {"since": top or since} if done else {"since": since, "top": top, "next": got.next}
        state[query] = mine
        yield Page(got.raw, got.content_type, rows, {"queries": {k: dict(v) for k, v in state.items()}},
                   skipped=got.skipped)
        if done:
            return
