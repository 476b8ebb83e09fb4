"""Social posts: the validation every social file goes through (generic tables, X, Telegram): typed columns,
masked mentions, scrubbed URLs, pseudonymised authors, detected languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scn.ingest import schemas
from scn.ingest.cities_known import city_box
from scn.ingest.model import Parsed, Source, bad_line_rejects, rejects_from
from scn.ingest.parse import as_text, coordinate_checks, parse_time
from scn.ingest.readers import ROW
from scn.nlp.langid import detect_languages
from scn.privacy.pseudonyms import pseudonymise

SYNONYMS: dict[str, tuple[str, ...]] = {
    "post_id": ("id", "tweet_id", "message_id", "status_id", "item_id", "postid"),
    "created_at": ("timestamp", "date", "datetime", "time", "created", "published", "published_at", "posted_at",
                   "date_time", "createdat"),
    "text": ("body", "content", "message", "full_text", "tweet", "post", "caption"),
    "lang": ("language", "lang_code"),
    "lat": ("latitude", "y"),
    "lon": ("longitude", "lng", "long", "x"),
    "place": ("place_name", "location", "place_full_name"),
    "author": ("user", "username", "user_name", "handle", "screen_name", "author_id", "user_id", "from_id",
               "account", "author_handle", "from"),
    "platform": ("source", "network", "site"),
    "url": ("link", "permalink", "post_url"),
}
REQUIRED = ("post_id", "created_at", "text")
AUTHOR_FIELDS = ("author",)
MENTION = r"(^|[^\pL\pN_.@])@[\pL\pN_]+"  # RE2 syntax (Arrow); Unicode letters and digits
X_STATUS = r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/?#]+/status(?:es)?/"
PARSE_REASONS = {"created_at": "not a valid date/time", "lat": "not a number", "lon": "not a number"}


def mask_mentions(text: pd.Series) -> pd.Series:
    """Replace @handles in text with ``@user`` (handles are stored nowhere); RE2 through Arrow."""
    arr = pa.array(text.astype("string").to_numpy(dtype=object, na_value=None), type=pa.large_string())
    masked = pc.replace_substring_regex(arr, pattern=MENTION, replacement=r"\1@user")
    return pd.Series(masked.to_pandas(types_mapper=lambda _: pd.StringDtype()), index=text.index)


def scrub_urls(url: pd.Series, author: pd.Series) -> pd.Series:
    """X status links lose their handle; any other link that contains the author's handle is dropped."""
    url = as_text(url).str.replace(X_STATUS, "https://x.com/i/web/status/", regex=True)
    handle = as_text(author).fillna("\x00").str.lower()
    both = url.notna() & handle.ne("\x00")
    if both.any():
        u = np.array(url[both].str.lower().to_numpy(dtype=object), dtype=np.dtypes.StringDType())
        h = np.array(handle[both].to_numpy(dtype=object), dtype=np.dtypes.StringDType())
        url[both] = url[both].mask(np.strings.find(u, h) >= 0)
    return url


def _lang(given: pd.Series, text: pd.Series) -> pd.Series:
    """ISO 639-1 from the file (``en-GB`` -> ``en``); detected where missing or not a 2-letter code."""
    low = as_text(given).str.lower()
    lang = low.str.slice(0, 2).where(low.str.contains(r"^[a-z]{2}(?:[-_][a-z0-9]+)*$", regex=True).fillna(False))
    todo = lang.isna()
    if todo.any():
        lang[todo] = detect_languages(text[todo].tolist())
    return lang.astype("string")


def _pseudonyms(platform: pd.Series, author: pd.Series) -> pd.Series:
    out = pd.Series(pd.NA, index=author.index, dtype="string")
    for name in platform.dropna().unique():  # a handful of platforms per file
        sel = platform == name
        out[sel] = pseudonymise(str(name), author[sel])
    return out


def finish_posts(src: Source, raw: pd.DataFrame, default_platform: str, bad_rows: pd.DataFrame | None = None,
                 origin: dict[str, str] | None = None) -> Parsed:
    """Validate canonical string columns into ``posts`` rows; rejected rows to quarantine (authors removed)."""

    raw = raw.reset_index(drop=True)
    for c in SYNONYMS:
        if c not in raw:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    platform = as_text(raw["platform"]).str.lower().fillna(default_platform)
    typed = pd.DataFrame({ROW: raw[ROW], "post_id": as_text(raw["post_id"]), "created_at": parse_time(raw["created_at"]),
                          "text": raw["text"].astype("string")})
    typed = coordinate_checks(typed, raw, city_box(src.city_id) if src.city_id else None)
    fails = schemas.failures(typed, schemas.POSTS, raw, PARSE_REASONS)
    fails["field"] = fails["field"].replace(origin or {})
    safe = raw.assign(text=mask_mentions(raw["text"]), url=scrub_urls(raw["url"], raw["author"]))
    rejects = pd.concat([rejects_from(safe, fails, AUTHOR_FIELDS),
                         bad_line_rejects(bad_rows if bad_rows is not None else pd.DataFrame(columns=[ROW]),
                                          keep_raw=False)], ignore_index=True)
    ok = ~typed[ROW].isin(fails[ROW])
    t, r, s = typed[ok], raw[ok], safe[ok]
    posts = pd.DataFrame({
        "platform": platform[ok], "post_id": t["post_id"], "city_id": src.city_id, "created_at": t["created_at"],
        "text": s["text"], "lat": t["lat"], "lon": t["lon"], "place": as_text(r["place"]),
        "author_pseudo": _pseudonyms(platform[ok], r["author"]), "url": s["url"],
        "source_file": src.name, "source_row": t[ROW].astype("int64"),
    })
    posts["post_key"] = posts["platform"] + ":" + posts["post_id"]
    posts["lang"] = _lang(r["lang"], t["text"])
    return Parsed({"posts": posts}, "posts", rejects)
