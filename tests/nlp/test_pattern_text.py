"""The rules' and the targets' fast paths (scn.nlp.targets: normalisation and pattern matching in Arrow, Python only
where RE2 cannot decide) give what the plain per-text definition gives: the text lower-cased as pandas' Arrow
strings do it, NFKC where it matters, URLs replaced, Arabic texts through scn.nlp.features.normalise_ar, and
Python's ``re.search`` for every pattern. Tricky texts: Arabic with diacritics, tatweel and elongation, mentions
running into Arabic letters, URLs, full-width letters, zero-width characters, white-space variants, mixed
scripts, special lower-casings, None and empty texts."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from scn.nlp import rules, targets
from scn.nlp.corpora import load_splits
from scn.nlp.features import _REPEAT, normalise_ar

TRICKY = [
    None, "", " ", "plain ascii text", "Refugees are VERMIN", "ΟΔΟΣ İstanbul Σ", "\u1c89 عرب",
    "مُسْلِمٌ لاجئــــين ههههههه", "اللاجئين حشرات يجب طردهم", "الأفارقة عبيد!!!!", "يا عبد الله", "عبدالله",
    "مـــسلم", "ه\u0640ه\u0640ه", "هههه\u064bه", "ﻻ ﻷ ﺍﻟﻼﺟﺌﻴﻦ", "ＡＢＣ refugees ｍｕｓｌｉｍｓ", "ｍｉｇｒａｎｔｓ are ｒａｔｓ",
    "http://x.com/ABC مرحبا", "HTTPS://X.COM/Y مسلمين", "see https://t.co/abc refugees", "http:// x", "http://",
    "@مُحمد كلاب", "@user_x يا عبد", "@urlé عرب", "@url عرب", "@URL. عرب", "@url", "\t@abc\u0645 x", "a@b عرب",
    "a\u200bb\u200d مسلم", "mus\u200blims are rats", "ref\u00adugees", "x\u00a0\u3000y عربي\n\n", "  عرب  ",
    "a\x1cb\x0bc عرب", "!!!!!! ؟؟؟؟ 😀😀😀😀 عرب", "aaa ééé", "&amp; عرب &AMP;", "ـــــ", "e\u0301 مسلم",
    "re\u0301fugie\u0301s", "Les réfugiés sont des rats", "ces rats de migrants", "you muslim pigs",
    "Muslim neighbours rescued the animals", "islamabad", "niggard", "nigga please", "en retard", "retard",
    "Blackpool blacks", "اليهود كلاب", "خنازير فلسطين", "صراصير سوريا", "مثليين", "ℍ𝕖𝕝𝕝𝕠 ⓜⓤⓢⓛⓘⓜ",
    "🅜🅤🅢🅛🅘🅜🅢", "\ufdd0 noncharacter", "Ⅻ ½ ①", "İİİ ΣΣΣ", "𝐫𝐞𝐟𝐮𝐠𝐞𝐞𝐬", "\u0627\u0653 \u0648\u0654",
]


def _arrow_lower(text: str) -> str:
    """pandas' ``.str.lower()`` on its Arrow strings (one code point each: "İ" -> "i", a final "Σ" -> "σ")."""
    return pc.utf8_lower(pa.array([text], pa.large_string()))[0].as_py()


def _plain(text: object) -> tuple[str, bool]:
    """The per-text definition of ``targets.normalised_with_script``."""
    text = _arrow_lower("" if text is None else str(text))
    if re.search(targets._COMPAT, text):
        text = _arrow_lower(re.sub(targets._FORMAT, "", unicodedata.normalize("NFKC", text)))
    arabic = re.search(targets._ARABIC, text) is not None
    if "http" in text:
        text = re.sub(targets._URL, " URL ", text)
    return (normalise_ar(text) if arabic else text), arabic


@pytest.fixture(scope="module")
def texts() -> list:
    """The tricky texts, each also with its words' first letters upper-cased and inside a longer text, and a
    sample of the labelled split (every Arabic text of it)."""
    splits = load_splits()
    sample = pd.concat([splits[splits["lang"].eq("ar")], splits[splits["lang"].ne("ar")].sample(3000, random_state=1)])
    variants = [f"{t.title()} and {t}" for t in TRICKY if t]
    return TRICKY + variants + sample["text"].tolist() + [5, 2.5]


def test_normalised_is_the_per_text_definition(texts: list) -> None:
    fast, arabic = targets.normalised_with_script(pd.Series(texts, dtype=object))
    plain = [_plain(t) for t in texts]
    assert [t for t, _ in plain] == fast.tolist()
    assert [a for _, a in plain] == arabic.tolist()


def test_normalised_keeps_the_index_and_takes_lists() -> None:
    s = pd.Series(["Refugees", None, "مُسلم"], index=[7, 3, 5], dtype=object)
    low, arabic = targets.normalised_with_script(s)
    assert low.index.tolist() == [7, 3, 5] and low.tolist() == ["refugees", "", "مسلم"]
    assert arabic.tolist() == [False, False, True]
    assert targets.normalised_with_script(["Refugees", None])[0].tolist() == ["refugees", ""]


def _patterns() -> dict[str, str]:
    out = {f"{group}-{i}": p for group, parts in targets.TARGET_PARTS.items() for i, p in enumerate(parts)}
    out |= {"groups-latin": rules.GROUPS_LATIN, "groups-arabic": rules.GROUPS_ARABIC, "country-ar": rules._COUNTRY_AR}
    for lang in rules.PAIRS:
        out |= {f"dehumanising-{lang}": rules.DEHUMANISING[lang], f"pairs-{lang}": rules.PAIRS[lang],
                f"condemn-{lang}": rules._CONDEMN[lang], f"quoted-{lang}": rules._QUOTED % rules.DEHUMANISING[lang],
                f"naming-{lang}": rf"{rules._NAMING[lang]}\W+(?:\w+\W+){{0,3}}?(?:{rules._GROUP_WORDS[lang][1]})"}
    return out


@pytest.mark.parametrize("pattern", list(_patterns().values()), ids=list(_patterns()))
def test_contains_is_python_re(texts: list, pattern: str) -> None:
    low = targets.normalised(pd.Series(texts, dtype=object))
    expected = [re.search(pattern, t) is not None for t in low.tolist()]
    assert targets.contains(low, pattern).tolist() == expected
    is_ascii = np.array([t.isascii() for t in low.tolist()])
    assert targets.contains(targets.arrow_strings(low), pattern, is_ascii).tolist() == expected


def test_targets_and_dehumanisation_are_the_per_text_definition(texts: list) -> None:
    low, arabic = targets.normalised_with_script(pd.Series(texts, dtype=object))
    first = []
    for t, ar in zip(low.tolist(), arabic, strict=True):
        hits = [g for g, (latin, ar_part) in targets.TARGET_PARTS.items()
                if re.search(latin, t) or (ar and re.search(ar_part, t))]
        first.append(hits[0] if hits else None)
    found = targets.detect_targets(pd.Series(texts, dtype=object))
    assert found.dtype == object and found.where(found.notna(), None).tolist() == first
    for lang in ("en", "fr", "ar"):
        group, hit = rules.dehumanising(low, lang, arabic)
        assert group.tolist() == [bool(re.search(rules.GROUPS, t)) for t in low.tolist()]
        assert np.array_equal(rules.dehumanising(low, lang)[1], hit)


def test_repeats_never_misses_a_squeeze() -> None:
    rng = np.random.default_rng(0)
    alphabet = list("ab هـ😀é\u064b") + ["\U0001d400"]
    texts = ["".join(rng.choice(alphabet, rng.integers(0, 12))) for _ in range(3000)] + ["", "ههه", "😀😀😀", "aab"]
    may = targets._repeats(pa.array(texts, pa.large_string())[1:])  # an offset into the buffers too
    assert all(m for t, m in zip(texts[1:], may, strict=True) if _REPEAT.search(t))


def test_unicode_tables_the_fast_path_relies_on() -> None:
    """White space: Python's str.isspace() is the ``_WHITE_SPACE`` class. Lower-casing: Python's ``lower()`` (in
    normalise_ar) changes nothing Arrow's lower-casing left (so the Arabic path may lower-case in Arrow)."""
    chars = [chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000]
    white = re.compile(f"[{targets._WHITE_SPACE}]")
    assert [c for c in chars if c.isspace()] == [c for c in chars if white.fullmatch(c)]
    lowered = pc.utf8_lower(pa.array(chars, pa.large_string())).to_pylist()
    assert [c for c in lowered if c.lower() != c] == []
