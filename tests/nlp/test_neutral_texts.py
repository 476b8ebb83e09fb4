"""Everyday neutral posts (greetings, thanks, questions, headlines, civic notices, numbers, emojis, links) are not
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
from tests.support.neutral_texts import NEUTRAL

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


@pytest.fixture(scope="module")
def held_out() -> pd.DataFrame:
    splits = load_splits()
    return splits[splits["split"] == "test"].reset_index(drop=True)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_prior_rule_only_clears_texts_without_evidence(held_out: pd.DataFrame, lang: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """On the held-out rows of the language: with the no-evidence prior rule on, every changed label is a hate /
    offensive label turned ``none`` on a text without a cue word, a group word or a vermin word, whose calibrated
    evidence for a flag (log-odds against ``none``, over the model's own answer to an empty text) is below the
    threshold; texts with any of them keep their labels."""
    model = load_default().models[lang]
    texts = held_out.loc[held_out["lang"] == lang, "text"].tolist()
    with_rule, proba = model.label_and_proba(texts)
    threshold = rules.PRIOR_LOG_ODDS
    monkeypatch.setattr(rules, "PRIOR_LOG_ODDS", -np.inf)
    without, _ = model.label_and_proba(texts)
    changed = np.flatnonzero(with_rule != without)
    assert len(changed) > 0  # the rule does something on held-out text
    assert set(without[changed]) <= {"hate", "offensive"} and set(with_rule[changed]) == {"none"}
    cue = np.asarray(model.rules.cues.transform([texts[i] for i in changed]).sum(axis=1)).ravel() > 0
    assert not cue.any()
    changed_texts, arabic = normalised_with_script([texts[i] for i in changed])
    group, _ = rules.dehumanising(changed_texts, lang, arabic)
    assert not group.any()
    assert not contains(changed_texts, rules.DEHUMANISING[lang]).any()  # nor a vermin / animal word
    prior = model.prior_proba()
    evidence = rules.flag_log_odds(proba[changed]) - rules.flag_log_odds(prior[None, :])
    assert (evidence < threshold).all()
