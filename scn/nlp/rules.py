"""Two evidence rules applied after a language's model (importable so pickled models can find them).

- Dehumanisation: a text that names a group (origin, religion, nationality, "foreigners", ...) and calls it
  vermin, rats, parasites, insects, animals, a plague ... is ``hate``, whatever the model says. The training sets
  hold few such metaphors in plain sentences, so the models miss them ("Refugees are vermin" -> none).
- No evidence: a text the model labels hate or offensive although it has no word the training data associate
  with offence (cue words: log-odds of non-``none`` vs ``none`` above 1 in the training split, min 3 texts), names
  no group, and the model still gives ``none`` at least 0.4 is ``none`` ("I love my neighbours" was offensive:
  Davidson's offensive class is 77 % of its tweets).

Their effect is part of every held-out figure of the model card (they run inside ``label_and_proba``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

from scn.nlp.features import normalise, normalise_ar
from scn.nlp.targets import TARGET_PATTERNS, contains

GROUPS = "|".join([TARGET_PATTERNS["origin"], TARGET_PATTERNS["religion"],
                   r"\b(?:foreigner\w*|asylum|étranger\w*|migrants?|clandestin\w*|juifs?|roms?|gypsies|gitans?)\b",
                   r"اجانب|أجانب|مهاجر|نازح|يهود|روافض|شيعه|شيعة"])
DEHUMANISING = {
    "en": r"\b(?:vermin|rats?|parasit\w*|cockroach\w*|insects?|animals?|savages?|sub-?humans?|plague|infest\w*|"
          r"filth|pigs?|apes?|monkeys?|leech\w*|locusts?)\b",
    "fr": r"\b(?:vermines?|rats?|parasites?|cafards?|insectes?|animaux|sauvages?|sous-hommes?|peste|porcs?|"
          r"singes?|sangsues?|criquets?)\b",
    "ar": r"حشر|جرذ|فئران|صراصير|طفيلي|حيوان|كلاب|خنازير|قرود|وباء|قذار|جراد",
}
CUE_LOG_ODDS = 1.0
CUE_MIN_TEXTS = 3
NONE_MIN = 0.4


def _prep(lang: str):
    return normalise_ar if lang == "ar" else normalise


class EvidenceRules:
    """The two rules for one language, with the cue words learnt from a training split."""

    def __init__(self, lang: str, cues: Sequence[str]) -> None:
        self.lang = lang
        self.cues = CountVectorizer(preprocessor=_prep(lang), token_pattern=r"(?u)\b\w\w+\b", binary=True,
                                    vocabulary=sorted(set(cues)) or ["\u0000"])

    @classmethod
    def learn(cls, lang: str, texts: Sequence[str], labels: Sequence[str]) -> EvidenceRules:
        """Cue words: tokens in >= 3 training texts whose log-odds of a non-``none`` label exceed 1."""
        vec = CountVectorizer(preprocessor=_prep(lang), token_pattern=r"(?u)\b\w\w+\b", binary=True,
                              min_df=CUE_MIN_TEXTS)
        x = vec.fit_transform(list(texts))
        flagged = np.asarray(labels) != "none"
        pos = np.asarray(x[flagged].sum(axis=0)).ravel() + 1.0
        neg = np.asarray(x[~flagged].sum(axis=0)).ravel() + 1.0
        log_odds = np.log(pos / pos.sum()) - np.log(neg / neg.sum())
        return cls(lang, vec.get_feature_names_out()[log_odds > CUE_LOG_ODDS].tolist())

    def apply(self, texts: Sequence[str], labels: np.ndarray, proba: np.ndarray, features=None) -> np.ndarray:
        """Labels after the rules (``proba``: calibrated, CLASSES order hate, offensive, none; ``features``: the
        batch's compiled vectorizer outputs, scn.nlp.compiled, when they hold the cue words)."""
        raw = pd.Series(list(texts), dtype=object).fillna("").astype(str)
        lowered = raw.str.lower()  # the patterns spell Arabic unnormalised, like scn.nlp.targets
        group = contains(lowered, GROUPS)
        dehumanising = group.copy()
        if group.any():
            dehumanising[group] = contains(lowered[group], DEHUMANISING.get(self.lang, r"(?!x)x"))
        cues = features.get(self.cues) if features is not None else None
        cues = self.cues.transform(raw.tolist()) if cues is None else cues
        cue = np.asarray(cues.sum(axis=1)).ravel() > 0
        labels = np.asarray(labels, dtype=object).copy()
        labels[(labels != "none") & ~cue & ~group & (proba[:, 2] >= NONE_MIN)] = "none"
        labels[dehumanising] = "hate"
        return labels
