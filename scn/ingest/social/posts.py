"""Social posts: the validation every social file goes through (generic tables, X, Telegram): typed columns,
masked mentions, scrubbed URLs, pseudonymised authors, detected languages, natural keys."""

from __future__ import annotations

import operator
import re
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scn.arrow_text import large_strings
from scn.ingest import schemas
from scn.ingest.cities_known import city_box
from scn.ingest.model import RAW_VALUE_CHARS, Parsed, Source, bad_line_rejects, rejects_from
from scn.ingest.parse import as_text, coordinate_checks, date_order_warnings, parse_time
from scn.ingest.readers import ROW
from scn.nlp.langid import base_language, detect_languages
from scn.nlp.normal import visible_nfkc
from scn.privacy.pseudonyms import pseudonymise
from scn.settings import settings
from scn.vocabularies import LOOK_ALIKES, PLATFORM_ALIASES

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
PARSE_REASONS = {"created_at": "not a valid date/time", "lat": "not a number", "lon": "not a number"}

# Platforms whose post ids are unique platform-wide: their key is `platform:post_id`. Any other platform (and a
# post without one) only numbers posts within its own source, so its key also names the city (see post_keys).
KNOWN_PLATFORMS = frozenset({"x", "twitter", "facebook", "instagram", "telegram", "tiktok", "youtube", "reddit",
                             "threads", "linkedin"})
HINT_ALIASES = PLATFORM_ALIASES  # file-name tokens too (``tg_export.csv``)

# --- handles in text and URLs. Patterns are RE2 (Arrow), matched on the text as stored and on its NFKC form.
AT = "@\uff20\ufe6b"  # every character NFKC folds to "@": @, full-width ＠, small ﹫
_H = r"[\pL\pN\pM\p{Pc}]"  # a handle character: letters, digits, combining marks, connectors (_ and ＿)
# format characters (zero-width space, joiners) may split a handle; dots and hyphens may join its parts, in text as
# in links (Instagram and TikTok ``@jane.doe.92``, Bluesky ``@dave-smith.bsky.social``): a mention stopped at the
# first dot left the rest of the handle in the text
HANDLE = rf"{_H}+(?:(?:\p{{Cf}}|[.\-])+{_H}+)*"
LINK_HANDLE = HANDLE
MENTION = rf"(^|[^\pL\pN\pM\p{{Pc}}])[{AT}]\p{{Cf}}*{HANDLE}"
# Where no at sign follows a handle character (an e-mail address, ``a@b``), every at sign starts a mention or is at
# the start: MENTION is then the same as the bare pattern, which RE2 replaces without its (4x slower) capture.
BARE_MENTION = rf"[{AT}]\p{{Cf}}*{HANDLE}"
GLUED_AT = rf"{_H}[{AT}]"
SOCIAL_HOSTS = (r"(?:t|telegram)\.me|telegram\.dog|(?:facebook|fb|instagram|twitter|x|tiktok|threads|youtube|vk|"
                r"linkedin|reddit)\.com|fb\.me|threads\.net|youtu\.be|bsky\.app|redd\.it")
PROFILE_LINK = (rf"(?i)((?:^|[^\pL\pN\pM\p{{Pc}}.\-])(?:https?://)?(?:[a-z0-9\-]+\.)*(?:{SOCIAL_HOSTS})/"
                rf"\p{{Cf}}*[{AT}]?\p{{Cf}}*){LINK_HANDLE}")
# the same links for Python (which masks them, keeping paths that name no account: t.me/c/<chat id>, x.com/i/...)
PROFILE_RE = re.compile(rf"(?i)(?<![\w.\-])((?:https?://)?(?:[a-z0-9\-]+\.)*(?:{SOCIAL_HOSTS})/)([{AT}]?)"
                        r"(\w(?:[\w.\-]*\w)?)(?:/([@]?)(\w(?:[\w.\-]*\w)?))?(/\d+)?")
NO_ACCOUNT = frozenset({"i", "p", "reel", "reels", "watch", "shorts", "hashtag", "search", "explore", "share",
                        "sharer", "sharer.php", "intent", "home", "groups", "events", "permalink.php", "story.php",
                        "photo.php", "joinchat", "login", "help", "privacy", "about", "legal", "policies", "settings",
                        "r", "comments"})  # reddit.com/r/<community>: a community, not a person
ACCOUNT_NEXT = frozenset({"s", "c", "u", "user", "in", "channel", "pages", "people", "profile"})  # account follows
CHAT_NEXT = frozenset({"c", "s"})  # t.me/c/<chat id>, t.me/s/<channel>: a number after them names no person
# query parameters of a social link that name an account (facebook.com/profile.php?id=1000123..., a page's
# permalink.php?story_fbid=...&id=<account>): the value is masked, the rest of the link kept
ACCOUNT_QUERY = (rf"(?i)((?:{SOCIAL_HOSTS})/[^\s?#]*\?(?:[^\s#]*?[&;])?(?:id|uid|user_?id|profile_?id|owner_?id)=)"
                 r"[^\s&;#]+")
X_STATUS = r"(?i)^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/?#]+/status(?:es)?/(\d+)(?:[/?#].*)?$"
SOCIAL_URL = rf"^(?:[a-z][a-z0-9+.\-]*:)?(?://)?(?:[^/?#@]*@)?(?:[a-z0-9\-]+\.)*(?:{SOCIAL_HOSTS})(?::\d+)?(?:[/?#]|$)"
HANDLE_FREE_URL = (r"^https://x\.com/i/web/status/\d+$|^https?://(?:t|telegram)\.me/c/\d+/\d+/?$|"
                   r"^https?://(?:www\.|m\.)?youtube\.com/(?:watch\?v=[\w\-]+|shorts/[\w\-]+)$|"
                   r"^https?://youtu\.be/[\w\-]+$|^https?://(?:www\.)?instagram\.com/(?:p|reel)/[\w\-]+/?$|"
                   r"^https?://(?:www\.|old\.|new\.)?reddit\.com/(?:r/(?:[a-tv-z0-9]\w*|u(?:[a-z0-9]\w*)?)/)?"
                   r"comments/\w+(?:/[\w\-]*)?/?$|"  # a post, not in a user's own community (r/u_<name>)
                   r"^https?://redd\.it/\w+$")
# Reddit's way of naming a user in text: ``u/name`` or ``/u/name`` (3-20 of letters, digits, _ and -)
REDDIT_USER = r"(^|[^\pL\pN\pM\p{Pc}/.])(/?)[uU]/[A-Za-z0-9_\-]{3,20}"
MIN_HANDLE_IN_TEXT = 4  # the author's own handle is masked in their text when at least this long


def _series(arr: pa.Array, index: pd.Index) -> pd.Series:
    """Positional: the array's values on ``index``."""
    return arr.to_pandas(types_mapper=lambda _: pd.StringDtype()).set_axis(index)


def _normal(arr: pa.Array) -> pa.Array:
    """NFKC, without format characters (zero-width spaces and joiners, bidi marks, soft hyphens): the labeller's
    own step (``scn.nlp.normal.visible_nfkc``), white space left as stored; ASCII rows are left alone."""
    return visible_nfkc(arr)


def _normal_text(s: str) -> str:
    return visible_nfkc(pa.array([s], type=pa.large_string()))[0].as_py()


def _not_ascii(arr: pa.Array) -> pa.Array:
    """Rows NFKC or a format character could change (an ASCII string is its own NFKC form)."""
    return pc.invert(pc.fill_null(pc.string_is_ascii(arr), True))


def _profile(m: re.Match) -> str:
    head, at, account, at2, second, number = m.groups()
    number = number or ""
    if account.lower() in NO_ACCOUNT:
        return m.group(0)
    if account.lower() in ACCOUNT_NEXT and second:
        if second.isdigit() and account.lower() in CHAT_NEXT:
            return m.group(0)
        # facebook.com/people/<name>/<account number>: the number names the person as much as the name
        return f"{head}{at}{account}/{at2}user" + ("/user" if account.lower() == "people" and number else number)
    return f"{head}{at}user" + (f"/{at2}{second}" if second else "") + number


def _where(arr: pa.Array, rows: pa.Array, change) -> pa.Array:
    """``change`` applied to the rows selected by ``rows`` only (a cheap test first, the costly pattern after)."""
    rows = pc.fill_null(rows, False)
    if not pc.any(rows).as_py():
        return arr
    return pc.replace_with_mask(arr, rows, change(pc.filter(arr, rows)))


def _links(arr: pa.Array) -> pa.Array:
    links = pc.fill_null(pc.match_substring_regex(arr, pattern=PROFILE_LINK), False)
    return _where(arr, links, lambda sub: pa.array([PROFILE_RE.sub(_profile, v) for v in sub.to_pylist()],
                                                   type=pa.large_string()))


def _mask(arr: pa.Array) -> pa.Array:
    """Mentions (RE2), then profile links (found by RE2, masked by Python), then Reddit's ``u/name``; each only on
    rows that hold an at sign, a slash or ``u/`` at all."""
    arr = _where(arr, pc.match_substring_regex(arr, pattern=f"[{AT}]"), _mentions)
    arr = _where(arr, pc.match_substring(arr, pattern="/"), _links)
    arr = _where(arr, pc.match_substring(arr, pattern="id=", ignore_case=True),
                 lambda sub: pc.replace_substring_regex(sub, pattern=ACCOUNT_QUERY, replacement=r"\1user"))
    return _where(arr, pc.match_substring(arr, pattern="u/", ignore_case=True),
                  lambda sub: pc.replace_substring_regex(sub, pattern=REDDIT_USER, replacement=r"\1\2u/user"))


def _mentions(arr: pa.Array) -> pa.Array:
    """``MENTION`` -> ``\\1@user``: the bare pattern, and MENTION itself on the rows where an at sign follows a
    handle character."""
    bare = pc.replace_substring_regex(arr, pattern=BARE_MENTION, replacement="@user")
    glued = pc.fill_null(pc.match_substring_regex(arr, pattern=GLUED_AT), False)
    if not pc.any(glued).as_py():
        return bare
    exact = pc.replace_substring_regex(pc.filter(arr, glued), pattern=MENTION, replacement=r"\1@user")
    return pc.replace_with_mask(bare, glued, exact)


def normal_handles(author: pd.Series) -> pd.Series:
    """Authors as compared with text and URLs: NFKC, no format characters, lower case, no leading ``@``."""
    arr = pc.utf8_lower(pc.utf8_trim_whitespace(_normal(large_strings(author))))
    return _series(pc.utf8_ltrim(arr, characters="@"), author.index).replace("", pd.NA)


def mask_mentions(text: pd.Series, author: pd.Series | None = None) -> pd.Series:
    """Mentions (``@handle``, ``＠handle``, ``@``+zero-width space+``handle``) become ``@user``, profile links
    (``t.me/handle``, ``facebook.com/handle``, ...) ``t.me/user``, and the author's own handle ``user``.

    Masking runs on the text as given, which keeps its formatting characters (emoji joiners, bidi marks); where
    the NFKC form without format characters still holds a handle, that form is stored, masked. Only non-ASCII
    rows can hide one that way, so only they are normalised.
    """
    codes = pc.dictionary_encode(large_strings(text))  # each distinct text masked once (retweets, copypasta)
    masked, probe = _masked_and_probe(codes.dictionary)
    masked, probe = pc.take(masked, codes.indices), pc.take(probe, codes.indices)
    out = _series(masked, text.index)
    if author is not None:
        out = _mask_own_handle(out, probe, normal_handles(author))
    return out


def _masked_and_probe(original: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(the texts masked, their lower-cased normal form: what the author's handle is looked for in)."""
    masked = _mask(original)
    special = _not_ascii(original)
    probe = pc.utf8_lower(masked)
    if pc.any(special).as_py():
        sub = pc.filter(masked, special)
        normal = _normal(sub)
        changed = pc.fill_null(pc.not_equal(normal, sub), False)  # NFKC and format characters did something
        hidden = pc.fill_null(pc.and_(changed, pc.not_equal(_where(normal, changed, _mask), normal)), False)
        if pc.any(hidden).as_py():
            sub = pc.if_else(hidden, _mask(_normal(pc.filter(original, special))), sub)
            masked = pc.replace_with_mask(masked, special, sub)
            normal = _normal(sub)
        probe = pc.replace_with_mask(probe, special, pc.utf8_lower(normal))
    return masked, probe


def _mask_own_handle(text: pd.Series, probe: pa.Array, handle: pd.Series) -> pd.Series:
    """The author's handle written plainly in their own post (a signature, a link the patterns do not know) ->
    ``user``; ``probe`` is the text lower-cased (and normalised where not ASCII)."""
    hit = _contains(probe.to_numpy(zero_copy_only=False), handle, MIN_HANDLE_IN_TEXT)
    if not hit.any():
        return text
    text = text.copy()
    for i in np.flatnonzero(hit):  # rare: a signature, a link the patterns do not know
        h, s = handle.iloc[i], text.iloc[i]
        pattern = re.compile(re.escape(h), re.IGNORECASE)
        out = pattern.sub("user", s)
        if h in _normal_text(out).lower():  # written in another form (full width, split by a joiner)
            out = pattern.sub("user", _normal_text(s))
        text.iloc[i] = out
    return text


def _contains(haystack: np.ndarray, needle: pd.Series, min_chars: int = 1) -> np.ndarray:
    """Row-wise ``needle in haystack`` (missing on either side: False; needles shorter than ``min_chars``: False)."""
    short = (needle.str.len() < min_chars).fillna(True).to_numpy(dtype=bool)
    needles = np.where(short, "\x00", needle.to_numpy(dtype=object, na_value="\x00"))  # NUL: in no text
    hay = np.where(pd.isna(haystack), "", haystack)
    return np.fromiter(map(operator.contains, hay, needles), dtype=bool, count=len(needles)) & ~short


def _decoded(url: pd.Series) -> pd.Series:
    """Percent-escapes decoded (up to three times: ``%2540`` is ``@`` encoded twice)."""
    def decode(u: str) -> str:
        for _ in range(3):
            d = unquote(u, errors="replace")
            if d == u:
                break
            u = d
        return u
    todo = url.str.contains("%", regex=False).fillna(False)
    if todo.any():
        url = url.copy()
        url[todo] = url[todo].map(decode)
    return url


def scrub_urls(url: pd.Series, author: pd.Series) -> pd.Series:
    """Post links keep no handle, on any platform.

    X status links become ``https://x.com/i/web/status/<id>``. Links into a social platform (t.me, facebook.com,
    instagram.com, tiktok.com, reddit.com, ...) are dropped unless they have a handle-free form (X
    ``/i/web/status/<id>``, Telegram ``/c/<chat>/<msg>``, YouTube ``watch?v=``, Instagram ``/p/<code>``, a Reddit
    post ``/r/<community>/comments/<id>/<title>`` outside a user's own ``r/u_<name>``). Any link that contains the
    author's handle (compared decoded, NFKC, case-insensitive, without ``@``) is dropped, a handle-free form too (a
    Reddit title may name them): in a path segment, a query parameter or anywhere else.
    """
    url = as_text(url).str.replace(X_STATUS, r"https://x.com/i/web/status/\1", regex=True)
    present = url.notna()
    if not present.any():
        return url
    arr = large_strings(_decoded(url[present]))
    special = _not_ascii(arr)
    probe = pc.utf8_lower(arr)
    if pc.any(special).as_py():
        probe = pc.replace_with_mask(probe, special, pc.utf8_lower(_normal(pc.filter(arr, special))))
    social = pc.fill_null(pc.match_substring_regex(probe, pattern=SOCIAL_URL), False).to_numpy(zero_copy_only=False)
    free = pc.fill_null(pc.match_substring_regex(probe, pattern=HANDLE_FREE_URL), False).to_numpy(
        zero_copy_only=False)
    own = _contains(probe.to_numpy(zero_copy_only=False), normal_handles(author[present]))
    drop = (social & ~free) | own  # a handle-free form holds no handle, unless the author's own (a Reddit title)
    url = url.copy()
    url[url[present].index[drop]] = pd.NA
    return url


def _lang(given: pd.Series, text: pd.Series) -> pd.Series:
    """ISO 639-1 from the file as labelling uses it (``en-GB`` -> ``en``, ``ar-Latn`` kept: ``base_language``);
    Arabic said of a text in Latin letters with no Arabic-script one is Arabizi (``ar-Latn``: never the Arabic
    model, lexicon or figures); detected where missing or not a 2-letter code."""
    low = as_text(given).str.lower()
    codes = low.where(low.str.contains(r"^[a-z]{2}(?:[-_][a-z0-9]+)*$", regex=True).fillna(False))
    lang = codes.map({c: base_language(c) for c in codes.dropna().unique()}).astype("string")  # few distinct codes
    said_ar = (lang == "ar").fillna(False).to_numpy(dtype=bool)
    if said_ar.any():
        words = as_text(text)
        latin = words.str.contains(r"[A-Za-z]", regex=True).fillna(False).to_numpy(dtype=bool) & ~words.str.contains(
            "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]", regex=True
        ).fillna(False).to_numpy(dtype=bool)
        lang = lang.where(~(said_ar & latin), "ar-Latn")
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


def platform_hint(file_name: str) -> str | None:
    """A known platform named in the file name (``facebook-march.csv`` -> ``facebook``, ``tg_export`` ->
    ``telegram``), else None."""
    for token in re.split(r"[^0-9a-z]+", file_name.lower()):
        name = HINT_ALIASES.get(token, token)
        if name in KNOWN_PLATFORMS:
            return name
    return None


NOT_A_PLATFORM = ("not a platform name: letters beyond ASCII that spell no known platform (write it in Latin "
                  "letters: x, facebook, telegram, forum)")


def fold_platforms(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(each value as its platform's name, False where the value is no platform name). A platform is read as its
    letters, not as typed: compatibility forms (NFKC: full-width ``Ｔｗｉｔｔｅｒ``, mathematical letters), characters
    nobody sees (a zero-width space), case and any white space aside (``twitter`` with a no-break space), its
    aliases folded (``Twitter``, ``FB``, and a platform in its own letters, ``ВКонтакте``, ``微博``:
    ``PLATFORM_ALIASES``, matched as written). Any other name beyond ASCII is a known platform written in
    look-alike letters (Cyrillic ``Т`` in ``Тwitter``: ``LOOK_ALIKES``), or refused: a spelling nobody can tell from
    a platform must not become a platform of its own (its own key, its author's own pseudonym). Missing stays
    missing (the family's default platform)."""
    text = as_text(values)
    distinct = pd.Series(text.dropna().unique(), dtype="string")  # a handful of platforms in a file of millions
    arr = visible_nfkc(pa.array(distinct.to_numpy(dtype=object), pa.string()))
    plain = pd.Series(arr.to_pylist(), index=distinct.index, dtype="string").str.lower()
    plain = plain.str.replace(r"\s+", " ", regex=True).str.strip().replace("", pd.NA)  # nothing seen: none given
    native = plain.map(PLATFORM_ALIASES)  # a name as written (``ВКонтакте``, ``微博``), before look-alikes
    seen = plain.str.translate(LOOK_ALIKES).str.lower().replace(PLATFORM_ALIASES).where(native.isna(), native)
    known = seen.isin(KNOWN_PLATFORMS | set(PLATFORM_ALIASES.values()))
    ascii_name = plain.str.fullmatch(r"[\x00-\x7f]*").fillna(False).astype(bool)
    names = seen.where(known, plain.replace(PLATFORM_ALIASES).where(ascii_name))
    named = dict(zip(distinct, names, strict=True))
    refused = set(distinct[~(known | ascii_name | plain.isna())])
    return text.map(named).astype("string"), ~text.isin(refused).fillna(False).astype(bool)


KEY_PLATFORM = r"^([^:@]+)"  # the platform leading a post key (``post_keys``), as the warehouse reads it


def key_platforms(keys: pd.Series) -> pd.Series:
    """The platform each post key (``post_keys``) leads with (``x``, ``forum``), ``unknown`` where none:
    ``transforms/macros/key_platform.sql``, the same rule in the warehouse."""
    found = keys.astype("string").str.extract(KEY_PLATFORM, expand=False)
    return found.where(found.fillna("").ne(""), "unknown").astype("string")


def post_keys(platform: pd.Series, post_id: pd.Series, city_id: str | None, hint: str | None) -> pd.Series:
    """Natural keys that never collide across cities or sources.

    A known platform (ids unique platform-wide): ``platform:post_id`` (``x:1234``). Any other platform:
    ``platform@city:post_id`` (``forum@london:12``). No platform: ``unknown@city:post_id``, or
    ``unknown@city+hint:post_id`` when the file name names a platform (``unknown@london+facebook:501``).
    Platform values are percent-encoded in the key, so the parts never run into each other.
    """
    names = {p: quote(str(p), safe="-._~") for p in platform.dropna().unique()}
    scope = platform.map(names) + "@" + (city_id or "")
    scope = scope.where(~platform.eq("unknown") | (hint is None), scope + "+" + (hint or ""))
    return platform.where(platform.isin(KNOWN_PLATFORMS), scope) + ":" + post_id


def _too_long(raw: pd.DataFrame, origin: dict[str, str] | None) -> pd.DataFrame:
    """Rows whose text exceeds ``SCN_INGEST_MAX_POST_CHARS``: their text is cut here (so nothing later copies a
    50 MB string) and they fail on ``text``."""
    limit = settings().ingest_max_post_chars
    length = raw["text"].str.len()
    long = (length > limit).fillna(False).astype(bool)
    if not long.any():
        return pd.DataFrame(columns=[ROW, "field", "reason"])
    raw.loc[long, "text"] = raw.loc[long, "text"].str.slice(0, RAW_VALUE_CHARS)
    return pd.DataFrame({ROW: raw.loc[long, ROW].to_numpy(), "field": (origin or {}).get("text", "text"),
                         "reason": [f"text of {n} characters exceeds the limit of {limit} "
                                    "(SCN_INGEST_MAX_POST_CHARS)" for n in length[long]]})


def finish_posts(src: Source, raw: pd.DataFrame, default_platform: str, bad_rows: pd.DataFrame | None = None,
                 origin: dict[str, str] | None = None, hint: str | None = None) -> Parsed:
    """Validate canonical string columns into ``posts`` rows; rejected rows to quarantine (authors removed)."""

    raw = raw.reset_index(drop=True)
    for c in SYNONYMS:
        if c not in raw:
            raw[c] = pd.Series(pd.NA, index=raw.index, dtype="string")
    raw["text"] = raw["text"].astype("string")
    long = _too_long(raw, origin)
    platform, named = fold_platforms(raw["platform"])
    platform = platform.fillna(default_platform)
    typed = pd.DataFrame({ROW: raw[ROW], "post_id": as_text(raw["post_id"]), "created_at": parse_time(raw["created_at"]),
                          "text": raw["text"]})
    typed = coordinate_checks(typed, raw, city_box(src.city_id) if src.city_id else None)
    fails = schemas.failures(typed, schemas.POSTS, raw, PARSE_REASONS)
    if not named.all():  # a platform nobody can tell from a known one is no platform of its own
        fails = pd.concat([fails, pd.DataFrame({ROW: raw.loc[~named, ROW], "field": "platform",
                                                "reason": NOT_A_PLATFORM})], ignore_index=True)
    fails["field"] = fails["field"].replace(origin or {})
    fails = pd.concat([fails, long], ignore_index=True) if len(long) else fails
    safe = raw.assign(text=mask_mentions(raw["text"], raw["author"]), url=scrub_urls(raw["url"], raw["author"]))
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
    posts["post_key"] = post_keys(posts["platform"], posts["post_id"], src.city_id, hint)
    posts["lang"] = _lang(r["lang"], t["text"])
    warnings = date_order_warnings({(origin or {}).get("created_at", "created_at"): raw["created_at"]})
    return Parsed({"posts": posts}, "posts", rejects, warnings)
