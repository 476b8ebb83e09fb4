"""Loading the speech classifier (shipped default, or $SCN_CLASSIFIER) and batch classification."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from scn.nlp.evaluate import CLASSES
from scn.nlp.lexicon import Lexicon, load_lexicon
from scn.nlp.targets import detect_targets

try:
    from scn.langid import detect_languages
except ImportError:  # scn.langid not landed yet
    from scn.nlp._langid_fallback import detect_languages

ENV_VAR = "SCN_CLASSIFIER"
ALL_LANGUAGES = "*"
COLUMNS = ["label", "score_hate", "target", "assessed", "method", "lang", "model_version"]


@dataclass(frozen=True)
class Classifier:
    """Per-language scikit-learn pipelines with predict_proba over hate/offensive/none.

    ``models`` maps a language code (or ``*`` for any language) to a pipeline; ``bias`` holds optional per-class
    log-probability offsets (CLASSES order) that decide the label; ``score_hate`` stays the model probability.
    """

    version: str
    models: dict[str, Any]
    bias: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def languages(self) -> set[str]:
        """Languages covered (``*`` means the model claims every language)."""
        return set(self.models)

    def covers(self, lang: str | None) -> bool:
        return ALL_LANGUAGES in self.models or (lang is not None and lang in self.models)

    def predict(self, texts: list[str], lang: str) -> tuple[np.ndarray, np.ndarray]:
        """Labels and hate probabilities for texts of one language (one batched predict_proba)."""
        key = lang if lang in self.models else ALL_LANGUAGES
        pipe = self.models[key]
        proba = pipe.predict_proba(texts)
        classes = [str(c) for c in pipe.classes_]
        proba = proba[:, [classes.index(c) for c in CLASSES]]
        bias = self.bias.get(key, np.zeros(len(CLASSES)))
        labels = np.asarray(CLASSES)[np.argmax(np.log(proba + 1e-9) + bias, axis=1)]
        return labels, np.clip(proba[:, 0], 0.0, 1.0)


def _default_path() -> Path:
    return Path(str(resources.files("scn.models").joinpath("default.joblib")))


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@cache
def _load(path: str) -> Classifier:
    p = Path(path)
    if p.is_dir():
        if (p / "config.json").exists():
            raise NotImplementedError(f"{p}: transformers directories are documented but `transformers` is not "
                                      "installed here; see docs/classifier.md")
        raise FileNotFoundError(f"{p}: not a model file or a transformers directory")
    if p.suffix == ".skops":
        from skops.io import get_untrusted_types, load  # optional dependency

        obj = load(p, trusted=get_untrusted_types(file=p))
    else:
        obj = joblib.load(p)
    version = f"{p.stem}-{_file_hash(p)}"
    if isinstance(obj, dict) and obj.get("kind") == "scn-per-language":
        return Classifier(version, dict(obj["models"]),
                          {k: np.asarray(v, dtype=float) for k, v in obj.get("bias", {}).items()})
    if not hasattr(obj, "predict_proba") or not set(CLASSES) <= {str(c) for c in obj.classes_}:
        raise ValueError(f"{p}: expected a fitted pipeline with predict_proba over {', '.join(CLASSES)}")
    langs = getattr(obj, "scn_languages", None) or [ALL_LANGUAGES]
    return Classifier(version, dict.fromkeys(langs, obj))


def load_classifier(spec: str | None = None) -> Classifier:
    """The classifier at ``spec`` or ``$SCN_CLASSIFIER`` (joblib/skops pipeline file), else the shipped default."""
    spec = spec or os.environ.get(ENV_VAR) or str(_default_path())
    return _load(str(Path(spec).expanduser().resolve()))


def _resolve_lexicon(lexicon: Lexicon | None | bool) -> Lexicon | None:
    """``True``: the configured lexicons (``load_lexicon``); ``False``/``None``: none; a Lexicon: itself."""
    return load_lexicon() if lexicon is True else (lexicon or None)


def labelling_version(classifier: Classifier | None = None, lexicon: Lexicon | None | bool = True) -> str:
    """Version of what labels posts: the model's, plus the lexicons' when the lexicon method is on."""
    clf = classifier or load_classifier()
    lex = _resolve_lexicon(lexicon)
    return clf.version if lex is None else f"{clf.version}+{lex.version}"


def classify(texts: Sequence[str], langs: Sequence[str | None] | None = None,
             classifier: Classifier | None = None, lexicon: Lexicon | None | bool = True) -> pd.DataFrame:
    """Label texts (input order): label, score_hate, target, assessed, method, lang, model_version.

    Missing languages are detected. Texts in languages the model covers: method ``model``. Texts in other
    languages with a lexicon (``lexicon=True``: the shipped HurtLex subset or ``$SCN_LEXICONS``; ``False``/``None``
    switches the method off): method ``lexicon``, ``assessed=True``, score_hate 1.0 for a slur match else 0.0 (an
    indicator, not a probability), model_version the lexicon's. Texts in languages with neither: label ``none``,
    score 0, ``assessed=False`` and method ``not_assessed``.
    """
    clf = classifier or load_classifier()
    lex = _resolve_lexicon(lexicon)
    n = len(texts)
    text = pd.Series(list(texts), dtype=object).fillna("").astype(str)
    lang = pd.Series([None] * n if langs is None else list(langs), dtype=object)
    lang = lang.where(lang.notna() & (lang.astype(str).str.len() > 0), None)
    missing = lang.isna().to_numpy()
    if missing.any():
        lang[missing] = detect_languages(text[missing].tolist())
    lang = lang.map(lambda v: v.lower().split("-")[0] if isinstance(v, str) else v)
    out = pd.DataFrame({"label": "none", "score_hate": 0.0, "target": None, "assessed": False,
                        "method": "not_assessed", "lang": lang.astype(object), "model_version": clf.version},
                       index=range(n))
    covered = lang.map(clf.covers).to_numpy(dtype=bool)
    groups = lang[covered].fillna(ALL_LANGUAGES).groupby(lang[covered].fillna(ALL_LANGUAGES)).groups
    for code, idx in groups.items():
        labels, score = clf.predict(text[idx].tolist(), str(code))
        out.loc[idx, "label"], out.loc[idx, "score_hate"] = labels, score
    out.loc[covered, ["assessed", "method"]] = [True, "model"]
    flagged = out["label"].ne("none").to_numpy()
    out.loc[flagged, "target"] = detect_targets(text[flagged]).to_numpy()
    by_lexicon = ~covered & (lang.map(lex.covers).to_numpy(dtype=bool) if lex is not None else False)
    if by_lexicon.any():
        hits = lex.label(text[by_lexicon], lang[by_lexicon])
        out.loc[by_lexicon, ["label", "target"]] = hits[["label", "target"]].to_numpy()
        out.loc[by_lexicon, "score_hate"] = (hits["label"] == "hate").to_numpy(dtype=float)
        out.loc[by_lexicon, ["assessed", "method", "model_version"]] = [True, "lexicon", lex.version]
    out["assessed"] = out["assessed"].astype(bool)
    return out[COLUMNS]
