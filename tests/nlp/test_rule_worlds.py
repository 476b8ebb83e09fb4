"""The evidence rules (scn.nlp.rules) and target groups (scn.nlp.targets) in small worlds of texts.

The dehumanisation rule turns a text into ``hate`` only when the group is the thing called vermin / an animal;
not for a group word and an animal word that merely co-occur, names and places that contain a group word,
counter-speech or news reporting the wording. Rules and targets read the text normalised like the model (NFKC,
format characters dropped, Arabic diacritics / tatweel / letter variants folded), so spelling variants of a
dehumanising Arabic sentence stay hate.

Most tests call the rules directly with the model's labels set to ``none`` and P(none) = 1, so they test the rules
alone, whatever the model says; a few run ``classify`` end to end (the rules run inside the pickled model)."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

from scn.nlp.model import classify
from scn.nlp.rules import EvidenceRules
from scn.nlp.targets import detect_targets


def rule_labels(texts: list[str], lang: str, label: str = "none") -> list[str]:
    """Labels after the rules when the model says ``label`` with P(none) = 1 (no cue words learnt)."""
    proba = np.tile([0.0, 0.0, 1.0], (len(texts), 1))
    return EvidenceRules(lang, []).apply(texts, np.full(len(texts), label, dtype=object), proba).tolist()


def tashkeel(s: str) -> str:
    """Fatha after every Arabic letter but the last of each word, shadda on the first lam."""
    return " ".join("".join(c + "\u064e" for c in w[:-1]) + w[-1] for w in s.split()).replace("ل", "ل\u0651", 1)


def tatweel(s: str) -> str:
    return "".join(c + ("\u0640" if c in "جحشعسكلمنهيب" else "") for c in s)


def zwnj(s: str) -> str:
    return " ".join(w[: len(w) // 2] + "\u200c" + w[len(w) // 2:] for w in s.split())


VARIANTS = {"plain": lambda s: s, "tashkeel": tashkeel, "tatweel": tatweel, "zwnj": zwnj,
            "nfd": lambda s: unicodedata.normalize("NFD", s), "nfkd": lambda s: unicodedata.normalize("NFKD", s)}

INNOCENT = {  # a group word and an animal / plague word in one text, the group not called the animal
    "en": ["The black cat chased the rats in the barn",
           "Our Muslim neighbours helped rescue the animals after the flood",
           "Refugee children visited the farm animals today", "The Syrian family adopted two dogs and a cat",
           "Jewish and Christian volunteers cleaned the monkey enclosure", "African animals need protected parks",
           "The refugee camp was overrun by rats, aid workers need traps"],
    "fr": ["Le chat noir chasse les rats dans la grange", "Les enfants réfugiés ont visité le zoo et les singes",
           "Nos voisins musulmans ont sauvé les animaux de l'inondation", "Les rats noirs vivent dans les greniers",
           "Un migrant a recueilli trois chiens abandonnés"],
    "ar": ["مسلمون يساعدون في إنقاذ الحيوانات بعد الفيضان", "اللاجئون السوريون يزورون حديقة الحيوان مع أطفالهم",
           "رحلة إلى سوريا لمشاهدة الحيوانات البرية", "المهاجرون يعملون في مزرعة الخنازير منذ سنوات"],
}
NAMES_AND_PLACES = {  # a group pattern inside a name or place, next to an animal / plague word
    "en": ["Blackpool zoo has new monkeys and apes", "The blackboard drawing shows rats and insects",
           "Pakistan cricket fans celebrate; the plague of rain delays is over",
           "Islamabad pet shop sells parrots and rats", "Arabica coffee farms fight an insect plague"],
    "fr": ["Les Noirmoutrins aiment les animaux de leur île", "Noirmoutier: la peste des rats est finie"],
    "ar": ["عبدالله يحب الكلاب", "وباء كورونا في فلسطين ينتشر", "عبد الرحمن يربي القرود والكلاب",
           "سوريا تعلن نهاية وباء الكوليرا"],
}
COUNTER_AND_NEWS = {  # the wording reported or condemned
    "en": ["Calling migrants rats is dehumanising and must stop",
           "Report: leaflets calling refugees vermin were found in Leeds, police say",
           "Comparing Muslims to cockroaches is racist, full stop",
           'Police say a man shouted "refugees are vermin" at a bus stop; he was arrested'],
    "fr": ["Traiter les migrants de rats est déshumanisant et doit cesser",
           "Qualifier les réfugiés de parasites est raciste",
           "Selon la police, des tracts traitant les immigrés de vermine ont été trouvés"],
    "ar": ["وصف اللاجئين بالحشرات خطاب كراهية مرفوض", "الشرطة: منشورات تصف اللاجئين بالحشرات",
           "تشبيه المهاجرين بالكلاب عنصرية مرفوضة"],
}
DEHUMANISING = {  # the group called vermin / animals: hate
    "en": ["Refugees are vermin", "Refugees are vermin and should be thrown out of our city",
           "These migrants are nothing but filthy cockroaches", "Immigrants, the parasites, must go",
           "you muslim pigs", "Our country is infested with migrants", "a plague of refugees on our streets"],
    "fr": ["Les migrants sont des rats", "Les immigrés sont des parasites, il faut les chasser",
           "ces rats d'immigrés", "Les noirs sont des singes", "Les réfugiés ne sont que de la vermine"],
    "ar": ["اللاجئين حشرات", "اللاجئين حشرات يجب طردهم من البلد", "انتم كلاب يا سوريين", "السوريين وباء على لبنان",
           "المهاجرين مجرد جرذان", "كلاب الروافض", "إلى خنازير فلسطين"],
}


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("world", [INNOCENT, NAMES_AND_PLACES, COUNTER_AND_NEWS], ids=["innocent", "names", "counter"])
def test_no_dehumanisation_without_the_group_being_called_the_animal(world: dict, lang: str) -> None:
    texts = world[lang]
    assert dict(zip(texts, rule_labels(texts, lang), strict=True)) == dict.fromkeys(texts, "none")


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_dehumanising_sentences_stay_hate(lang: str) -> None:
    texts = DEHUMANISING[lang]
    assert dict(zip(texts, rule_labels(texts, lang), strict=True)) == dict.fromkeys(texts, "hate")


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_arabic_spelling_variants_stay_hate(variant: str) -> None:
    texts = [VARIANTS[variant](t) for t in ["اللاجئين حشرات يجب طردهم من البلد", "انتم كلاب يا سوريين",
                                             "المهاجرين مجرد جرذان"]]
    assert rule_labels(texts, "ar") == ["hate"] * len(texts)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_arabic_spelling_variants_keep_their_target(variant: str) -> None:
    texts = pd.Series([VARIANTS[variant](t) for t in ["انتم كلاب يا سوريين", "اللاجئين حشرات", "يا مسلمين يا كلاب"]])
    assert detect_targets(texts).tolist() == ["origin", "origin", "religion"]


def test_targets_on_whole_words_not_names_or_places() -> None:
    texts = pd.Series(["Les Noirmoutrins aiment leur île", "Blackpool is full of idiots", "Islamabad traffic sucks",
                       "je suis en retard putain", "The Niger river flows through Niamey", "Pakistan lost, damn",
                       "عبدالله غبي", "negroni is a stupid drink", "arabica is shit coffee",
                       "the blacks", "les noirs dehors", "fucking pakis", "يا عبد", "الفلسطينيين"])
    assert detect_targets(texts).where(lambda s: s.notna(), None).tolist() == [
        None, None, None, None, None, None, None, None, None, "origin", "origin", "origin", "origin", "origin"]


def test_end_to_end_innocent_and_counter_speech_are_not_hate() -> None:
    texts = ["The black cat chased the rats in the barn",
             "Our Muslim neighbours helped rescue the animals after the flood",
             "Calling migrants rats is dehumanising and must stop", "Le chat noir chasse les rats dans la grange",
             "وباء كورونا في فلسطين ينتشر", "رحلة إلى سوريا لمشاهدة الحيوانات البرية",
             "وصف اللاجئين بالحشرات خطاب كراهية مرفوض"]
    out = classify(texts, ["en", "en", "en", "fr", "ar", "ar", "ar"])
    assert (out["label"] != "hate").all(), out[["label", "target"]].assign(text=texts)


def test_end_to_end_dehumanising_variants_are_hate() -> None:
    base = "اللاجئين حشرات يجب طردهم من البلد"
    texts = ["Refugees are vermin", "Les migrants sont des rats"] + [v(base) for v in VARIANTS.values()]
    out = classify(texts, ["en", "fr"] + ["ar"] * len(VARIANTS))
    assert out["label"].tolist() == ["hate"] * len(texts)
    assert out.loc[2:, "target"].tolist() == ["origin"] * len(VARIANTS)
