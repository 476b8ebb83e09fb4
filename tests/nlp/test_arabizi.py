"""Arabizi (Arabic in Latin letters and digits) is its own language, ``ar-Latn``, or undetermined: never another
Latin language whose lexicon and figures would be applied, never Arabic-script Arabic's model or figure; short
English, French, Spanish and Swahili lines (with the words and numbers Arabizi shares) keep their language."""

from __future__ import annotations

import pandas as pd

from scn.nlp.accuracy import measured_share, shown_accuracy
from scn.nlp.evaluation import evaluation_table
from scn.nlp.langid import ARABIZI as CODE
from scn.nlp.langid import UNDETERMINED, detect_languages
from tests.support.arabizi import ARABIZI, KEEP


def test_arabizi_is_detected_as_its_own_language_never_another() -> None:
    """49 Arabizi lines (Levantine, Egyptian, Maghrebi): each ``ar-Latn`` or ``und``, at least 90% ``ar-Latn``
    (before: 41 were Indonesian, Malay, Swahili, Spanish, Catalan... and none Arabizi)."""
    got = pd.Series(detect_languages(ARABIZI), index=ARABIZI)
    assert len(ARABIZI) >= 40
    assert got.isin([CODE, UNDETERMINED]).all(), got[~got.isin([CODE, UNDETERMINED])]
    assert got.eq(CODE).mean() >= 0.9, got[got.ne(CODE)]


def test_short_latin_lines_keep_their_language() -> None:
    for lang, texts in KEEP.items():
        got = pd.Series(detect_languages(texts), index=texts)
        assert got.eq(lang).all(), got[got.ne(lang)]


def test_a_sentence_with_one_arabic_word_keeps_its_language() -> None:
    texts = ["yalla let's go to the beach this afternoon", "on se retrouve au café, inchallah demain",
             "the m25 was closed for 3 hours after the crash", "covid19 cases are rising again in the city"]
    assert detect_languages(texts) == ["en", "fr", "en", "en"]


def test_arabizi_gets_no_arabic_model_no_lexicon_and_no_measured_figure() -> None:
    """Detected or given as ``ar-Latn``, Arabizi stays ``ar-Latn``: the Arabic-script model (or a lexicon) is not
    applied to it (before: a given ``ar-Latn`` was folded to ``ar`` and labelled by the Arabic model), and no
    held-out figure of Arabic (Arabic script), English or French posts is shown for it."""
    from scn.nlp.model import classify

    detected = classify(ARABIZI)
    given = classify(ARABIZI, langs=[CODE] * len(ARABIZI))
    for out in (detected, given):
        assert out["lang"].isin([CODE, UNDETERMINED]).all()
        assert out["method"].eq("not_assessed").all() and not out["assessed"].any()
    assert given["lang"].eq(CODE).all()
    posts = detected.assign(platform="x", posts=1).groupby(["lang", "platform"], as_index=False)["posts"].sum()
    shown = shown_accuracy(evaluation_table(), posts)
    assert shown["status"].eq("not_measured").all() and measured_share(shown) == 0
    assert classify(["bonjour"], langs=["fr-CA"])["lang"].tolist() == ["fr"]  # a region is still folded

