"""The controlled vocabularies (regions, programme lines, participant and user roles, genders, crime categories,
speech labels), read from the dbt seeds in transforms/seeds/: one source of truth for the ingest validation
here and the dbt tests there. A leaf module: reads files, imports nothing of the project."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "transforms" / "seeds"
# other spellings of one platform (lower case) -> its name: a post's key, its author's pseudonym and its accuracy
# row use the name, so "Twitter" and "X" (or "FB" and "facebook") are one platform, not two
PLATFORM_ALIASES = {"twitter": "x", "x (twitter)": "x", "x/twitter": "x", "tweets": "x", "fb": "facebook",
                    "ig": "instagram", "insta": "instagram", "tg": "telegram", "yt": "youtube",
                    # platforms of the network's regions, in their own letters as partners write them (lower case,
                    # NFKC): read as written, before ``LOOK_ALIKES`` (which would take Cyrillic ``ВК`` for ``bk``)
                    "vkontakte": "vk", "вконтакте": "vk", "в контакте": "vk", "вк": "vk",
                    "одноклассники": "odnoklassniki", "ok.ru": "odnoklassniki",
                    "weibo": "weibo", "sina weibo": "weibo", "微博": "weibo", "新浪微博": "weibo",
                    "wechat": "wechat", "微信": "wechat", "douyin": "douyin", "抖音": "douyin"}
# letters of other scripts that look like Latin ones, as the Latin letter they pass for (Unicode's confusables.txt,
# the Cyrillic, Greek and a few other letters that mimic a-z; widths, mathematical and other compatibility forms are
# NFKC's): a platform written ``Тwitter`` with a Cyrillic ``Т`` is ``twitter``. Only platform names read them (a
# name beyond ASCII that they do not make a known platform is refused): a post's key or an id never guesses.
LOOK_ALIKES = str.maketrans({
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y",
    "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Һ": "H", "Ӏ": "I", "Ԁ": "D", "Ԍ": "G",
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԛ": "q", "ԝ": "w", "ү": "y", "һ": "h", "ӏ": "l", "ԁ": "d", "ѵ": "v",
    "ɡ": "g", "ɩ": "i", "ı": "i", "ℓ": "l",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j",
    # Armenian, Latin small capitals
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ɑ": "a", "ʏ": "y", "ᴄ": "c", "ᴏ": "o", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
})


@cache
def seed_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``transforms/seeds/<name>.csv``, in file order."""
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def vocabulary(name: str, column: str | None = None) -> tuple[str, ...]:
    """The allowed values of a vocabulary: the seed's first column (or ``column``), in file order."""
    rows = seed_rows(name)
    if not rows:
        return ()
    key = column or next(iter(rows[0]))
    return tuple(r[key] for r in rows)


def regions() -> tuple[str, ...]:
    return vocabulary("regions")


def programme_lines() -> tuple[str, ...]:
    return vocabulary("programme_lines")


def participant_roles() -> tuple[str, ...]:
    return vocabulary("participant_roles")


def user_roles() -> tuple[str, ...]:
    return vocabulary("user_roles")


def genders() -> tuple[str, ...]:
    return vocabulary("genders")


def post_labels() -> tuple[str, ...]:
    return vocabulary("post_labels")


def flagged_labels() -> tuple[str, ...]:
    """Labels counted as flagged speech (``is_flagged`` in the seed)."""
    return tuple(r["label"] for r in seed_rows("post_labels") if r["is_flagged"].lower() == "true")
