"""City identifiers."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Between two words, any dash, space, punctuation or symbol beyond ASCII (an en or em dash, a no-break hyphen, a
# minus sign, a no-break or ideographic space, a typographic apostrophe, a middle dot) parts them as ASCII's do.
_SEPARATORS = r"[\p{P}\p{Z}\p{S}\p{Cc}]"
# letters that decompose into no base letter, spelt out as transforms/macros/programme_places.sql (fold_letters)
# does for city keys: without them NFKD dropped the letter (``Łódź`` was ``odz``, ``Gießen`` ``gieen``)
_LETTERS = {"ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "TH", "þ": "th", "ı": "i",
            "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Ħ": "H", "ħ": "h", "Ð": "D", "ð": "d"}


def _ascii_slugs(text: pa.Array) -> pa.Array:
    """Accents and every other non-ASCII character off, lower case, runs of anything else one ``-``, none at ends."""
    text = pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKD"), r"[^\x00-\x7F]", "")
    text = pc.replace_substring_regex(pc.utf8_lower(text), r"[^a-z0-9]+", "-")
    return pc.utf8_trim(text, characters="-")


def slug_array(names: pa.Array) -> pa.Array:
    """``slugify`` over an Arrow string array (nulls stay null): one rule for a name and a column."""
    text = pc.utf8_normalize(names.cast(pa.large_string()), form="NFKC")  # widths, ligatures, compatibility forms
    text = pc.replace_substring_regex(text, r"\p{Cf}", "")  # characters nobody sees join what they sit in
    text = pc.replace_substring_regex(text, r"\(.*?\)", "")  # a parenthesised part: `Tripoli (Lebanon)`
    for letter, spelt in _LETTERS.items():  # a handful of letters, each over the whole column
        text = pc.replace_substring(text, letter, spelt)
    return _ascii_slugs(pc.replace_substring_regex(text, _SEPARATORS, "-")).cast(pa.string())


def slugify(name: str) -> str:
    """Lowercase ASCII slug of a city name: "Al-Karak" -> "al-karak", "Medellín" -> "medellin". Its form
    compatibility-folded first (NFKC: ``Ｂｅｉｒｕｔ`` is ``beirut``), format characters (a zero-width space) dropped,
    a parenthesised part dropped, any dash, space, punctuation or symbol a separator (``Al–Karak``, ``Al Karak``
    with a no-break space, ``Dar’a``: ``al-karak``, ``al-karak``, ``dar-a``), letters that decompose into no base
    letter spelt out (``Łódź`` ``lodz``, ``ß`` ``ss``), accents off, letters of other scripts dropped. Before 2026-12-07 such characters beyond ASCII were dropped (``legacy_slugify``): an id a home stored
    under that rule stays the city's id (``scn.ingest.cities_known.resolve_city``)."""
    return str(slug_array(pa.array([name], pa.string()))[0])


def legacy_array(names: pa.Array) -> pa.Array:
    """``legacy_slugify`` over an Arrow string array."""
    text = pc.utf8_normalize(names.cast(pa.large_string()), form="NFKD")
    text = pc.replace_substring_regex(pc.replace_substring_regex(text, r"[^\x00-\x7F]", ""), r"\(.*?\)", "")
    return _ascii_slugs(text).cast(pa.string())


def legacy_slugify(name: str) -> str:
    """The slug rule before 2026-12-07, kept to find the ids homes stored by it: every character beyond ASCII
    dropped after NFKD (``Al–Karak`` was ``alkarak``, ``Łódź`` ``odz``)."""
    return str(legacy_array(pa.array([name], pa.string()))[0])
