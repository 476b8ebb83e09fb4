"""Files written by research tools: 4CAT CSV/NDJSON exports, Zeeschuimer NDJSON, CrowdTangle and Meta Content
Library CSV. Recognised by their columns (``detect``) and mapped to the canonical post columns, then validated,
masked and pseudonymised by ``finish_posts`` like every other social file.

- **Zeeschuimer** (and a 4CAT NDJSON download of a Zeeschuimer dataset): one line per captured item,
  ``{nav_index, item_id, timestamp_collected, source_platform, source_platform_url, source_url, user_agent,
  data}``; ``data`` is the platform's own object. TikTok (``id, desc, createTime, author.uniqueId``), X
  (GraphQL ``rest_id, legacy.full_text, legacy.created_at, core.user_results.result.legacy.screen_name``) and
  Instagram (``id|pk, code, caption.text, taken_at, user.username``; the older graph shape ``shortcode,
  taken_at_timestamp, edge_media_to_caption, owner.username``) are read; an item of another platform is
  quarantined on ``source_platform``.
- **4CAT** CSV or NDJSON of mapped items: ``id, thread_id, body, timestamp|unix_timestamp, author``.
- **CrowdTangle** CSV (Facebook: ``Facebook Id``, ``Page Name``, ``User Name``, ``Message``; Instagram:
  ``Account``, ``User Name``, ``Description``), ``Post Created`` with a zone abbreviation; the post id is taken
  from ``URL``. An abbreviation that names two zones (``AMBIGUOUS_ZONES``: AST is Atlantic -04:00 and Arabia
  +03:00) is not guessed: the row is quarantined on ``Post Created`` (export with UTC offsets).
- **Meta Content Library** CSV: ``id, creation_time, text, post_owner.*`` (platform from the file name, else
  facebook).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.ingest import readers
from scn.ingest.model import Parsed, Source
from scn.ingest.parse import as_text, date_order_warnings
from scn.ingest.readers import ROW
from scn.ingest.social.posts import finish_posts, platform_hint
from scn.scratch import scratch

FORMATS = ("zeeschuimer", "4cat", "crowdtangle", "meta_content_library")
CANONICAL = ["post_id", "created_at", "text", "lang", "lat", "lon", "place", "author", "platform", "url"]
ZEESCHUIMER_PLATFORMS = {"tiktok.com": "tiktok", "x.com": "x", "twitter.com": "x", "instagram.com": "instagram"}
# the zone abbreviations CrowdTangle writes after "Post Created" (the dashboard's zone) -> UTC offsets
ZONES = {"UTC": "+0000", "GMT": "+0000", "CET": "+0100", "CEST": "+0200", "EET": "+0200",
         "EEST": "+0300", "EST": "-0500", "EDT": "-0400", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
         "WAT": "+0100", "EAT": "+0300", "MSK": "+0300", "PKT": "+0500", "WIB": "+0700", "JST": "+0900",
         "AEST": "+1000", "AEDT": "+1100", "SAST": "+0200", "CAT": "+0200"}
# abbreviations that name two or more zones in use: the rows are quarantined, never read with one of them
AMBIGUOUS_ZONES = {"AST": "-04:00 Atlantic or +03:00 Arabia",
                   "BST": "+01:00 British Summer or +06:00 Bangladesh",
                   "CST": "-06:00 Central, +08:00 China or -05:00 Cuba",
                   "CDT": "-05:00 Central Daylight or -04:00 Cuba Daylight",
                   "GST": "+04:00 Gulf or -02:00 South Georgia", "MST": "-07:00 Mountain or +08:00 Malaysia",
                   "IST": "+05:30 India, +01:00 Irish or +02:00 Israel"}
FOURCAT_COLUMNS: dict[str, tuple[str, ...]] = {  # canonical -> 4CAT column names, first present wins
    "post_id": ("id",), "created_at": ("unix_timestamp", "timestamp"), "text": ("body",),
    "lang": ("language_guess", "lang", "language"), "place": ("place_name", "location_name"),
    "author": ("author", "author_username", "author_id"), "url": ("link", "url", "tiktok_url", "post_url"),
}
CROWDTANGLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "created_at": ("post_created",), "text": ("message", "description", "title"),
    "author": ("user_name", "facebook_id", "account"), "url": ("url",),
}
MCL_COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("id",), "created_at": ("creation_time",), "text": ("text",), "lang": ("lang", "language"),
    "author": ("post_owner_username", "post_owner_id", "owner_username", "owner_id"),
    "url": ("url", "link", "post_url"),
}


def detect(columns: list[str]) -> str | None:
    """Which research tool wrote a table with these columns (one of ``FORMATS``), or None."""
    names = {readers.normalise_name(c) for c in columns}
    if {"data", "source_platform"} <= names:
        return "zeeschuimer"
    if "post_created" in names and names & {"facebook_id", "user_name", "account", "page_name"}:
        return "crowdtangle"
    if "creation_time" in names and any(n.startswith(("post_owner_", "owner_")) for n in names):
        return "meta_content_library"
    if {"id", "thread_id", "body"} <= names and names & {"timestamp", "unix_timestamp"}:
        return "4cat"
    return None


def parse(src: Source, table: readers.Table, fmt: str) -> Parsed:
    """The table of a research tool's export (``fmt`` from ``detect``) -> posts."""
    frame = table.frame.reset_index(drop=True)
    by_norm: dict[str, str] = {}
    for c in frame.columns:
        by_norm.setdefault(readers.normalise_name(c), c)
    if fmt == "zeeschuimer":
        raw, bad = _zeeschuimer(frame, by_norm)
        bad_rows = pd.concat([table.bad_rows, bad], ignore_index=True) if len(bad) else table.bad_rows
        return finish_posts(src, raw, "unknown", bad_rows)
    bad_rows = table.bad_rows
    if fmt == "crowdtangle":
        raw, origin, bad = _crowdtangle(frame, by_norm, src.name)
        bad_rows = pd.concat([bad_rows, bad], ignore_index=True) if len(bad) else bad_rows
    elif fmt == "meta_content_library":
        raw, origin = _pick(frame, by_norm, MCL_COLUMNS)
        raw["platform"] = platform_hint(src.name) or "facebook"
    else:
        raw, origin = _pick(frame, by_norm, FOURCAT_COLUMNS)
        raw["platform"] = _fourcat_platform(by_norm, src.name)
    parsed = finish_posts(src, raw, "unknown", bad_rows, origin)
    if "created_at" in origin:
        parsed.warnings += date_order_warnings({origin["created_at"]: raw["created_at"]})
    return parsed


def _pick(frame: pd.DataFrame, by_norm: dict[str, str], names: dict[str, tuple[str, ...]]
          ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Canonical string columns from the first present of each canonical's names; canonical -> file column."""
    raw = pd.DataFrame({ROW: frame[ROW].to_numpy()}, index=frame.index)
    origin: dict[str, str] = {}
    for canon, options in names.items():
        hit = next((by_norm[n] for n in options if n in by_norm), None)
        if hit is not None:
            raw[canon] = frame[hit].astype("string")
            origin[canon] = hit
    for c in CANONICAL:
        if c not in raw:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    return raw, origin


def _fourcat_platform(by_norm: dict[str, str], file_name: str) -> str:
    """4CAT CSVs carry no platform column: the file name (``tiktok-...csv``), else the columns tell."""
    hint = platform_hint(file_name)
    if hint:
        return hint
    if "tiktok_url" in by_norm or "music_name" in by_norm:
        return "tiktok"
    if {"retweet_count", "is_retweet"} <= set(by_norm):
        return "x"
    if "board" in by_norm:
        return "4chan"
    return "unknown"


def _crowdtangle(frame: pd.DataFrame, by_norm: dict[str, str], file_name: str
                 ) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame]:
    """Canonical columns, their file columns, and as bad rows those whose zone abbreviation is ambiguous."""
    raw, origin = _pick(frame, by_norm, CROWDTANGLE_COLUMNS)
    instagram = "account" in by_norm and "facebook_id" not in by_norm
    raw["platform"] = platform_hint(file_name) or ("instagram" if instagram else "facebook")
    zone = raw["created_at"].str.extract(r"\s([A-Z]{2,5})\s*$", expand=False)
    offset = zone.map(ZONES).astype("string")
    known = offset.notna()
    raw.loc[known, "created_at"] = raw.loc[known, "created_at"].str.replace(
        r"\s[A-Z]{2,5}\s*$", "", regex=True) + offset[known]
    url = as_text(raw["url"])
    # the post's own id: Instagram /p/<code>/, else the last run of digits (posts/<id>, videos/<id>,
    # permalink.php?story_fbid=<id>); CrowdTangle exports have no id column of their own
    code = url.str.extract(r"instagram\.com/(?:p|reel|tv)/([\w\-]+)", expand=False)
    fbid = url.str.extract(r"(?:story_fbid=|fbid=|/posts/|/videos/|/photos/[^/]+/|/permalink/)(\w+)", expand=False)
    digits = url.str.extract(r"(\d+)/?(?:\?.*)?$", expand=False)
    raw["post_id"] = code.fillna(fbid).fillna(digits).astype("string")
    origin["post_id"] = by_norm.get("url", "URL")
    ambiguous = zone.isin(list(AMBIGUOUS_ZONES)).fillna(False).astype(bool)
    z = zone[ambiguous]
    bad = pd.DataFrame({ROW: raw.loc[ambiguous, ROW].to_numpy(),
                        "field": origin.get("created_at", "Post Created"),
                        "reason": ("ambiguous time zone abbreviation " + z + " (" + z.map(AMBIGUOUS_ZONES)
                                   + "): export with UTC offsets").to_numpy(dtype=object), "raw": pd.NA})
    return raw[~ambiguous], origin, bad


# --- Zeeschuimer: DuckDB reads the platform object of every line at once (no per-row Python)
_TIKTOK = {
    "post_id": "json_extract_string(d, '$.id')",
    "created_at": "json_extract_string(d, '$.createTime')",
    "text": "json_extract_string(d, '$.desc')",
    "author": "coalesce(json_extract_string(d, '$.author.uniqueId'), case when json_type(d, '$.author') = "
              "'VARCHAR' then json_extract_string(d, '$.author') end)",
    "lang": "json_extract_string(d, '$.textLanguage')",
    "url": "NULL",
    "place": "NULL",
}
_X = {
    "post_id": "coalesce(json_extract_string(d, '$.rest_id'), json_extract_string(d, '$.legacy.id_str'))",
    "created_at": "json_extract_string(d, '$.legacy.created_at')",
    "text": "coalesce(json_extract_string(d, '$.note_tweet.note_tweet_results.result.text'), "
            "json_extract_string(d, '$.legacy.full_text'))",
    "author": "coalesce(json_extract_string(d, '$.core.user_results.result.legacy.screen_name'), "
              "json_extract_string(d, '$.core.user_results.result.core.screen_name'), "
              "json_extract_string(d, '$.user.screen_name'), json_extract_string(d, '$.legacy.user_id_str'))",
    "lang": "json_extract_string(d, '$.legacy.lang')",
    "url": "'https://x.com/i/web/status/' || coalesce(json_extract_string(d, '$.rest_id'), "
           "json_extract_string(d, '$.legacy.id_str'))",
    "place": "json_extract_string(d, '$.legacy.place.full_name')",
}
_INSTAGRAM = {
    "post_id": "coalesce(json_extract_string(d, '$.id'), json_extract_string(d, '$.pk'))",
    "created_at": "coalesce(json_extract_string(d, '$.taken_at'), json_extract_string(d, '$.taken_at_timestamp'))",
    "text": "coalesce(json_extract_string(d, '$.caption.text'), "
            "json_extract_string(d, '$.edge_media_to_caption.edges[0].node.text'))",
    "author": "coalesce(json_extract_string(d, '$.user.username'), json_extract_string(d, '$.owner.username'), "
              "json_extract_string(d, '$.owner.id'))",
    "lang": "NULL",
    "url": "'https://www.instagram.com/p/' || coalesce(json_extract_string(d, '$.code'), "
           "json_extract_string(d, '$.shortcode')) || '/'",
    "place": "json_extract_string(d, '$.location.name')",
    "lat": "json_extract_string(d, '$.location.lat')",
    "lon": "json_extract_string(d, '$.location.lng')",
}
_SHAPES = {"tiktok": _TIKTOK, "x": _X, "instagram": _INSTAGRAM}


def _zeeschuimer(frame: pd.DataFrame, by_norm: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical columns of Zeeschuimer items (``data`` as JSON text); items of a platform we do not read and
    items whose ``data`` is not an object are bad rows (field ``source_platform`` / ``data``)."""
    site = as_text(frame[by_norm["source_platform"]]).str.lower().str.removeprefix("www.")
    items = pd.DataFrame({ROW: frame[ROW].to_numpy(), "site": site.to_numpy(dtype=object, na_value=None),
                          "platform": site.map(ZEESCHUIMER_PLATFORMS).to_numpy(dtype=object, na_value=None),
                          "d": frame[by_norm["data"]].astype("string").to_numpy(dtype=object, na_value=None)})
    parts = []
    with scratch() as con:
        con.register("all_items", items)
        con.execute("create temp table items as select *, coalesce(case when json_valid(d) then "
                    "json_type(d) = 'OBJECT' end, false) as is_obj from all_items")
        is_obj = con.execute(f"select is_obj from items order by {ROW}").df()["is_obj"].to_numpy(dtype=bool)
        for platform, shape in _SHAPES.items():
            cols = ", ".join(f"{shape.get(c, 'NULL')}::varchar as {c}" for c in CANONICAL if c != "platform")
            sel = con.execute(f"select {ROW}, platform, {cols} from (select {ROW}, platform, "
                              "case when is_obj then d end::json as d from items where platform = ? and is_obj)",
                              [platform]).df()
            parts.append(sel)
    raw = pd.concat(parts, ignore_index=True).astype({c: "string" for c in CANONICAL})
    raw = raw.sort_values(ROW, kind="stable").reset_index(drop=True)
    raw["created_at"] = _twitter_dates(raw["created_at"])
    unsupported = items["platform"].isna().to_numpy()
    not_obj = ~is_obj & ~unsupported
    bad = pd.DataFrame({
        ROW: np.concatenate([items[ROW].to_numpy()[unsupported], items[ROW].to_numpy()[not_obj]]),
        "field": [by_norm["source_platform"]] * int(unsupported.sum()) + [by_norm["data"]] * int(not_obj.sum()),
        "reason": [f"platform not read from Zeeschuimer files: {s}" for s in items["site"][unsupported]]
                  + ["not a JSON object"] * int(not_obj.sum()),
        "raw": pd.NA})
    return raw, bad


def _twitter_dates(s: pd.Series) -> pd.Series:
    """X's ``Wed Oct 10 20:19:24 +0000 2018`` -> ISO 8601 (other values unchanged)."""
    twitter = s.str.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+\-]\d{4} \d{4}").fillna(False)
    if not twitter.any():
        return s
    out = s.copy()
    out[twitter] = pd.to_datetime(s[twitter], format="%a %b %d %H:%M:%S %z %Y", utc=True).dt.strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    return out
