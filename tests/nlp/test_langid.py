"""Language identification: scripts decide where they can, py3langid for Latin and Cyrillic texts."""

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
