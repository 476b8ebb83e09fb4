"""Everyday neutral posts (greetings, thanks, questions, headlines, civic notices, numbers, emojis, links; and a
harder world of longer posts, slang, typos, hashtags, code-switching and neutral mentions of groups) are not
"offensive": the shipped model's false-flag rate on them, per language, against a bound taken from the model's own
held-out figures; and the no-evidence rule that brings it there leaves every text with evidence alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scn.nlp import rules
from scn.nlp.corpora import load_splits
from scn.nlp.model import classify, load_default
from scn.nlp.targets import contains, normalised_with_script
from tests.support.neutral_texts import EVERYDAY, NEUTRAL

# The bound: 10 % of everyday texts flagged. The model's best held-out false-flag rate on texts its annotators call
# `none` is Davidson's, 1 - recall(none) = 8.3 % (model card); everyday text - no insult, no slur, no group - should
# fare no worse than that, rounded up to 4 texts of 40.
MAX_FLAGGED = 0.10


@pytest.mark.parametrize("lang", sorted(NEUTRAL))
def test_everyday_texts_are_rarely_flagged(lang: str) -> None:
    """Per language, at most 10 % of 40 everyday texts hate or offensive (before the no-evidence rule's deployment
    prior: en 6/40, fr 31/40 - "bonne journée à tous", "merci pour votre aide" offensive - ar 10/40)."""
    texts = NEUTRAL[lang]
    out = classify(texts, [lang] * len(texts), lexicon=False)
    assert (out["method"] == "model").all()
    flagged = out.loc[out["label"] != "none", "label"]
    wrong = {texts[i]: label for i, label in flagged.items()}
    assert len(flagged) / len(texts) <= MAX_FLAGGED, wrong


def _names_a_group(texts: list[str], lang: str) -> np.ndarray:
    text, arabic = normalised_with_script(texts)
    return rules.dehumanising(text, lang, arabic)[0]


@pytest.mark.parametrize("lang", sorted(EVERYDAY))
def test_harder_everyday_texts_that_name_no_group_are_rarely_flagged(lang: str) -> None:
    """The harder world (longer posts, slang, typos, hashtags, franglais, Arabizi, Arabic-French mixes, vocatives),
    the texts of it that name no group: at most 10 % flagged (before closed-class words stopped counting as cue
    words: ar 9 of 34 - "كل عام وانت بخير يا ماما", "يعطيك العافية يا خالد" -, fr 3 of 30, en 1 of 26; after: 0, 2, 1)."""
    texts = [t for t, g in zip(EVERYDAY[lang], _names_a_group(EVERYDAY[lang], lang), strict=True) if not g]
    assert len(texts) >= 20
    out = classify(texts, [lang] * len(texts), lexicon=False)
    flagged = out.loc[out["label"] != "none", "label"]
    assert len(flagged) / len(texts) <= MAX_FLAGGED, {texts[i]: label for i, label in flagged.items()}


def test_a_vocative_is_no_evidence_but_the_insult_it_addresses_is() -> None:
    """The vocative يا is a cue word of MLMA-ar (its insults address people) and the model weighs it: "happy
    birthday يا Maryam" was offensive. Weighed without it, everyday addresses are ``none``; an insult addressed
    with it keeps its flag (its own cue words), and so does a text with a content cue beside the vocative."""
    everyday = ["عيد ميلاد سعيد يا مريم 🎂🎉", "كل عام وانت بخير يا ماما ❤️", "يعطيك العافية يا خالد على المساعدة اليوم",
                "مبروك يا سارة على التخرج، فخورين فيكي 🎓", "الحمد لله على السلامة يا حاج، نورت الحي",
                "يا شباب الماتش الساعة 8 مش 9، ما تتأخروا"]
    out = classify(everyday, ["ar"] * len(everyday), lexicon=False)
    assert (out["label"] == "none").all(), dict(zip(everyday, out["label"], strict=True))
    insults = ["يا كلب يا حقير", "يا حقير", "يا زباله"]
    out = classify(insults, ["ar"] * len(insults), lexicon=False)
    assert (out["label"] != "none").all(), dict(zip(insults, out["label"], strict=True))


def test_a_group_named_without_a_cue_word_stays_with_the_model() -> None:
    """A group named with a word of hostility keeps the model's flag: the model's evidence does not tell a neutral
    mention ("nos voisins musulmans") from a hostile one without a cue word ("renvoyez les africains chez eux",
    evidence -0.12 vs -0.19 over the empty text), so a group's name alone is weighed like no evidence
    (tests/nlp/test_group_mentions.py) and these hostile ones are kept by their words of removal, stereotype,
    conspiracy or contempt (``rules.HOSTILE``), not by the prior."""
    hostile = {"en": ["black people are criminals, every one of them", "Send the immigrants home, they are ruining"
                      " this country"],
               "fr": ["Les musulmans dehors, on en a marre de ces gens", "les arabes c'est tous des voleurs",
                      "renvoyez les africains chez eux", "les juifs contrôlent les médias, réveillez-vous"],
               "ar": ["السوريين خونه وعملاء", "المسيحيين كفار انجاس"]}
    for lang, texts in hostile.items():
        assert _names_a_group(texts, lang).all()
        out = classify(texts, [lang] * len(texts), lexicon=False)
        assert (out["label"] != "none").sum() >= len(texts) - (lang == "en"), dict(zip(texts, out["label"],
                                                                                        strict=True))


@pytest.fixture(scope="module")
def held_out() -> pd.DataFrame:
    splits = load_splits()
    return splits[splits["split"] == "test"].reset_index(drop=True)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_prior_rule_only_clears_texts_without_evidence(held_out: pd.DataFrame, lang: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """On the held-out rows of the language: with the no-evidence prior rule on, every changed label is a hate /
    offensive label turned ``none`` on a text without a cue word, a vermin word, a slur or a word of hostility
    towards a group (a group's name alone is no evidence), whose calibrated evidence for a flag (log-odds against
    ``none``, over the model's own answer to an empty text) is below the threshold; texts with any of them keep
    their labels."""
    model = load_default().models[lang]
    texts = held_out.loc[held_out["lang"] == lang, "text"].tolist()
    with_rule, proba = model.label_and_proba(texts)
    threshold = rules.PRIOR_LOG_ODDS
    monkeypatch.setattr(rules, "PRIOR_LOG_ODDS", -np.inf)
    without, _ = model.label_and_proba(texts)
    changed = np.flatnonzero(with_rule != without)
    assert len(changed) > 0  # the rule does something on held-out text
    assert set(without[changed]) <= {"hate", "offensive"} and set(with_rule[changed]) == {"none"}
    # no cue word (closed-class words and group names are none), hyphenated compounds read as one word
    whole = pd.Series([texts[i] for i in changed]).str.replace(rules._CLITIC, " ", regex=True)
    cues = model.rules.cues.transform(whole.str.replace(r"(?<=\w)-(?=\w)", "", regex=True).tolist())
    assert not set(model.rules.cues.vocabulary) & (set(rules.NOT_CUES.get(lang, ())) | {"jew", "juif"})
    assert not np.asarray(cues.sum(axis=1)).ravel().any()
    changed_texts, arabic = normalised_with_script([texts[i] for i in changed])
    group, _ = rules.dehumanising(changed_texts, lang, arabic)
    assert (~group | model.rules.name_only(changed_texts, group)).all()  # a group named, nothing hostile
    assert not contains(changed_texts, rules.DEHUMANISING[lang]).any()  # nor a vermin / animal word
    prior = model.prior_proba()
    evidence = rules.flag_log_odds(proba[changed]) - rules.flag_log_odds(prior[None, :])
    # the text itself, or the text without its closed-class words, has too little evidence for a flag
    closed = model.rules._closed_class
    rest = changed_texts.str.replace(closed, " ", regex=True) if closed else changed_texts
    rest_evidence = rules.flag_log_odds(model.predict_proba(rest.tolist())) - rules.flag_log_odds(prior[None, :])
    assert ((evidence < threshold) | (rest_evidence < threshold)).all()
