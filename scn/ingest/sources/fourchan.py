"""4chan-style read-only JSON (4chan, and vichan/8kun-style boards with ``options.thread_path``).

API (github.com/4chan/4chan-API): ``GET {base}/{board}/catalog.json`` lists a board's live threads by page
(``[{page, threads: [{no, time, last_modified, replies, sub, com, ...}]}]``); ``GET {base}/{board}/thread/{no}.json``
gives ``{posts: [{no, resto, time, name, trip, id, sub, com, ...}]}`` (``com`` is HTML: ``<br>``, ``<wbr>``,
quote links ``<a class="quotelink">&gt;&gt;123</a>``, greentext ``<span class="quote">``). The API asks for at most
one request per second (``options.min_interval``, default 1 s) and ``If-Modified-Since`` on the catalog (a 304 means
nothing changed). 8kun/vichan: ``options.thread_path: "/{board}/res/{no}.json"``; base URL ``instance`` (default
``https://a.4cdn.org``); ``options.platform`` names it (default ``4chan``, else the host).

Cursor per board: the catalog's ``Last-Modified``, and per live thread ``[last_modified, highest post no seen]``;
only threads whose ``last_modified`` moved are fetched, and only their posts above the highest seen become rows.
Threads that left the catalog (archived, pruned) leave the cursor. A thread gone between the catalog and its fetch
(404) is skipped. Rows: ``post_id = <board>/<no>``, text = subject + comment as text, ``author`` = tripcode, else
the name unless it is the default ``Anonymous`` (most posts have no author), url = the post's thread link.
Image-only posts (no comment, no subject) are skipped.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig
from scn.ingest.sources.http import PoliteClient

DEFAULT_BASE = "https://a.4cdn.org"
DEFAULT_THREAD_PATH = "/{board}/thread/{no}.json"
ANONYMOUS = ("anonymous", "")


def comment_to_text(com: Any) -> Any:
    """4chan comment HTML -> text, vectorised over a Series: ``<br>`` -> newline, ``<wbr>`` dropped (it only
    allows a line break inside a long word), other tags dropped keeping their text, entities unescaped."""
    s = com.astype("string").fillna("")
    s = s.str.replace(r"(?i)<wbr\s*/?>", "", regex=True)
    s = s.str.replace(r"(?i)<br\s*/?>", "\n", regex=True)
    s = s.str.replace(r"<[^>]*>", "", regex=True)
    return s.map(html.unescape).str.strip()


def post_rows(posts: list[dict], board: str, thread_no: int, above: int, web: str, platform: str
              ) -> tuple[Any, int]:
    """A thread's posts numbered above ``above`` -> canonical post rows and the number skipped (no text)."""
    import pandas as pd

    df = pd.DataFrame(posts)
    if df.empty:
        return pd.DataFrame(), 0
    for col in ("sub", "com", "name", "trip", "time"):
        if col not in df:
            df[col] = None
    df = df[pd.to_numeric(df["no"], errors="coerce") > above]
    if df.empty:
        return pd.DataFrame(), 0
    sub = comment_to_text(df["sub"])
    com = comment_to_text(df["com"])
    text = (sub + "\n\n" + com).where(sub.ne("") & com.ne(""), sub + com)
    keep = text.str.strip().ne("")
    name = df["name"].astype("string").str.strip()
    author = df["trip"].astype("string").fillna(name.where(~name.str.lower().fillna("").isin(ANONYMOUS)))
    when = pd.to_datetime(pd.to_numeric(df["time"], errors="coerce"), unit="s", utc=True)
    no = df["no"].astype("int64").astype("string")
    rows = pd.DataFrame({
        "post_id": board + "/" + no, "created_at": when.dt.strftime("%Y-%m-%dT%H:%M:%SZ"), "text": text,
        "lang": None, "lat": None, "lon": None, "place": None, "author": author, "platform": platform,
        "url": f"{web}/{board}/thread/{thread_no}#p" + no,
    })[keep.to_numpy()]
    return rows.reset_index(drop=True), int((~keep).sum())


class Fourchan:
    name = "fourchan"
    kind = "social"

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        base = (config.instance or DEFAULT_BASE).rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(self.name, f"instance '{base}' is not an http(s) URL")
        if not config.boards:
            raise ConfigError(self.name, "nothing to collect: give `boards:` in the sources file")
        opts = config.options
        thread_path = str(opts.get("thread_path", DEFAULT_THREAD_PATH))
        platform = str(opts.get("platform") or ("4chan" if parts.netloc.endswith("4cdn.org") else parts.netloc))
        web = str(opts.get("web_url") or ("https://boards.4chan.org" if platform == "4chan" else base))
        interval = float(opts.get("min_interval", 1.0))
        state: dict[str, Any] = {"boards": {}, **(cursor or {})}
        first = True
        for board in config.boards:
            board = board.strip("/")
            seen: dict[str, list[int]] = dict(state["boards"].get(board, {}).get("threads", {}))
            headers = {}
            modified = state["boards"].get(board, {}).get("last_modified")
            if modified:
                headers["If-Modified-Since"] = modified
            if not first and interval:
                http.sleep(interval)
            first = False
            resp, catalog = http.get_json(f"{base}/{board}/catalog.json", f"/{board}/catalog.json", headers=headers)
            if resp.status_code == 304:
                continue
            try:
                live = {str(t["no"]): int(t.get("last_modified", t.get("time", 0)))
                        for page in catalog for t in page.get("threads", [])}
            except (TypeError, KeyError, AttributeError) as exc:
                raise SourceError(self.name, f"/{board}/catalog.json: not a catalog") from exc
            since = config.since.timestamp() if config.since else None
            todo = [no for no, lm in sorted(live.items(), key=lambda kv: kv[1])
                    if (no not in seen or seen[no][0] < lm) and (since is None or lm >= since)]
            kept = {no: v for no, v in seen.items() if no in live}
            for no in todo:
                if interval:
                    http.sleep(interval)
                try:
                    tresp, thread = http.get_json(base + thread_path.format(board=board, no=no),
                                                  f"/{board} thread {no}", dict)
                except SourceError as exc:
                    if exc.status == 404:  # pruned or deleted since the catalog was read
                        continue
                    raise
                posts = thread.get("posts")
                if not isinstance(posts, list):
                    raise SourceError(self.name, f"/{board} thread {no}: not a thread")
                above = kept.get(no, [0, 0])[1]
                rows, skipped = post_rows(posts, board, int(no), above, web, platform)
                top = max([above, *(int(p["no"]) for p in posts if "no" in p)])
                kept[no] = [live[no], top]
                board_state = {"last_modified": modified, "threads": dict(kept)}
                state = {**state, "boards": {**state["boards"], board: board_state}}
                yield Page(tresp.content, tresp.headers.get("Content-Type", "application/json"), rows, state,
                           skipped=skipped)
            # the catalog is done: remember its time (and forget threads no longer live)
            board_state = {"last_modified": resp.headers.get("Last-Modified") or modified, "threads": kept}
            state = {**state, "boards": {**state["boards"], board: board_state}}
            yield Page(resp.content, resp.headers.get("Content-Type", "application/json"), [], state)
