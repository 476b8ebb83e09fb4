"""Language identification: scripts decide where they can (Arabic script weighed against Persian, Urdu, Pashto
and Kurdish), py3langid for Latin and Cyrillic texts (``und`` where the evidence is weak)."""

from __future__ import annotations

from scn.nlp.langid import detect_languages


def test_languages() -> None:
    texts = ["the weather in the city is lovely and people are friendly",
             "bonjour je suis très content de vous voir aujourd'hui", "مرحبا بكم في المدينة الجميلة",
             "این یک متن فارسی است", "یہ ایک اردو جملہ ہے", "আমি বাংলায় কথা বলি", "Привет как дела у тебя сегодня",
             "😀😀", "", None, "https://x.com @someone 123", "Γειά σου κόσμε", "שלום עולם"]
    assert detect_languages(texts) == ["en", "fr", "ar", "fa", "ur", "bn", "ru", None, None, None, None, "el", "he"]


def test_mixed_script_takes_the_dominant_one() -> None:
    assert detect_languages(["ok مرحبا بكم في المدينة الجميلة جدا"]) == ["ar"]


def test_many_texts_quickly() -> None:
    texts = [f"people gather in the square number {i} tonight" for i in range(20_000)]
    assert set(detect_languages(texts)) == {"en"}


def test_arabic_script_languages_other_than_arabic() -> None:
    texts = ["من از ايران هستم و امروز هوا خوب است",  # Persian typed with Arabic yeh: its words decide
             "زه نن ښار ته ځم", "دا زما کور دی او ډېر ښکلی دی",  # Pashto
             "مين آج بازار جا رها هون اور وه بهي",  # Urdu typed with Arabic letters
             "ئەم شارە زۆر جوانە",  # Sorani Kurdish
             "اللاجئين حشرات يجب طردهم من البلد", "كلاب", "شلون الجو اليوم گاع"]  # Arabic (one Persian letter)
    assert detect_languages(texts) == ["fa", "ps", "ps", "ur", "ckb", "ar", "ar", "ar"]


def test_latin_text_without_evidence_for_a_known_language_is_undetermined() -> None:
    texts = ["Bonjou tout moun, jodi a se yon bèl jou nan Monreyal", "Mwen renmen lavil sa a anpil",  # Haitian
             "ok", "you stupid bitch", "bonjour", "Compré un vestido negro para la fiesta"]
    assert detect_languages(texts) == ["und", "und", "und", "en", "fr", "es"]


def test_invisible_and_wide_characters_do_not_change_the_language() -> None:
    plain = ["you stupid bitch", "Compré un vestido negro para la fiesta", "اللاجئين حشرات يجب طردهم من البلد"]
    for variant in (lambda t: t.replace(" ", "\u00a0"), lambda t: t.replace(" ", "\u00ad "),
                    lambda t: t.replace(" ", "\u200b "), lambda t: "".join(
                        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in t)):
        assert detect_languages([variant(t) for t in plain]) == detect_languages(plain) == ["en", "es", "ar"]
    assert detect_languages(["ﺍﻟﻼﺟﺌﻴﻦ ﺣﺸﺮﺍﺕ ﻳﺠﺐ ﻃﺮﺩﻫﻢ ﻣﻦ ﺍﻟﺒﻠﺪ"]) == ["ar"]  # presentation forms
