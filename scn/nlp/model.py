"""Loading the speech classifier (shipped default, or $SCN_CLASSIFIER) and batch classification."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scn.code_version import code_version
from scn.hashing import file_sha256, tree_stamp
from scn.nlp import artefact, compiled, fused
from scn.nlp.labels import CLASSES
from scn.nlp.langid import base_language, detect_languages
from scn.nlp.lexicon import Lexicon, load_lexicon
from scn.nlp.normal import normal_texts
from scn.nlp.normal_fast import normal_array
from scn.nlp.targets import _STRING, detect_targets, strings
from scn.settings import paths, settings

ALL_LANGUAGES = "*"
DEFAULT = "default"  # the shipped model, in $SCN_CLASSIFIER specs
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
    versions: dict[str, str] = field(default_factory=dict)  # per language, when models of several origins combine

    @property
    def languages(self) -> set[str]:
        """Languages covered (``*`` means the model claims every language)."""
        return set(self.models)

    def version_of(self, lang: str) -> str:
        """Version of the model that labels ``lang`` (the whole classifier's when it is one model)."""
        return self.versions.get(lang, self.version)

    def covers(self, lang: str | None) -> bool:
        return ALL_LANGUAGES in self.models or (lang is not None and lang in self.models)

    def predict(self, texts: list[str], lang: str, reference: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Labels and hate probabilities for texts of one language (one batched predict_proba; ``reference``:
        each pipeline's own vectorizers instead of the compiled batch path, same values)."""
        key = lang if lang in self.models else ALL_LANGUAGES
        pipe = self.models[key]
        if hasattr(pipe, "label_and_proba"):  # scn.nlp.ensemble: calibrated, with its own decision rule
            labels, proba = pipe.label_and_proba(texts, reference=True) if reference else pipe.label_and_proba(texts)
            return np.asarray(labels, dtype=object), np.clip(proba[:, 0], 0.0, 1.0)
        proba = pipe.predict_proba(texts)
        classes = [str(c) for c in pipe.classes_]
        proba = proba[:, [classes.index(c) for c in CLASSES]]
        bias = self.bias.get(key, np.zeros(len(CLASSES)))
        labels = np.asarray(CLASSES)[np.argmax(np.log(proba + 1e-9) + bias, axis=1)]
        return labels, np.clip(proba[:, 0], 0.0, 1.0)


def _default_path() -> Path:
    return Path(str(resources.files("scn.models").joinpath("default.joblib")))


@cache
def _load(path: str, stamp: tuple) -> Classifier:
    """The classifier at ``path``; ``stamp`` (its ``tree_stamp``: a changed model is reloaded) only keys the cache."""
    p = Path(path)
    if p.is_dir():
        if (p / "model.onnx").exists():
            from scn.nlp.transformer import OnnxTextClassifier  # optional dependencies, loaded when used

            model = OnnxTextClassifier(p)
            return Classifier(model.version, dict.fromkeys(model.languages or [ALL_LANGUAGES], model))
        if (p / "config.json").exists():
            raise FileNotFoundError(
                f"{p}: a transformers checkpoint without model.onnx; export it first with `optimum-cli export onnx "
                f"--model {p} --task text-classification {p}-onnx` and point SCN_CLASSIFIER at {p}-onnx")
        raise FileNotFoundError(f"{p}: neither a model file nor an exported model directory (model.onnx)")
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such model file (SCN_CLASSIFIER)")
    sha = file_sha256(p)
    if p.suffix == ".skops":
        from skops.io import get_untrusted_types, load  # optional dependency

        obj = load(p, trusted=get_untrusted_types(file=p))
    else:
        obj = _read_artefact(p, sha)  # the shipped compact format, or any joblib file
    version = f"{p.stem}-{sha[:12]}"
    if isinstance(obj, dict) and obj.get("kind") == "scn-per-language":
        return Classifier(version, dict(obj["models"]),
                          {k: np.asarray(v, dtype=float) for k, v in obj.get("bias", {}).items()})
    if not hasattr(obj, "predict_proba") or not set(CLASSES) <= {str(c) for c in obj.classes_}:
        raise ValueError(f"{p}: expected a fitted pipeline with predict_proba over {', '.join(CLASSES)}")
    langs = getattr(obj, "scn_languages", None) or [ALL_LANGUAGES]
    return Classifier(version, dict.fromkeys(langs, obj))


def _read_artefact(path: Path, sha: str) -> Any:
    """The joblib artefact at ``path`` (SHA-256 ``sha``), through a plain pickle of what it holds in
    ``$SCN_HOME/state/models``: joblib reads with a pure-Python unpickler (about 1 s for the shipped model, every
    process that labels), pickle in C (0.03 s). With the models, the copy holds their compiled labelling form
    (``scn.nlp.compiled.compile_fused``, about 1 s to build), pickled with them so that it names their very
    pipelines, and the kernels' code point tables (``scn.nlp.fused._tables``, 0.2 s). The copy is keyed by the
    artefact's hash, the platform's code, the Python version and the versions of the libraries its objects come
    from; an unreadable copy, or one not of this form, is read from the artefact again and rewritten. Without a
    home (a model checked before any set-up) or one that cannot be written to, the artefact is read and the
    models compiled when first used, each time."""
    import platform
    from importlib.metadata import version

    libs = "-".join(version(d) for d in ("scikit-learn", "numpy", "scipy", "pyarrow"))
    key = hashlib.sha256(f"{sha}:{code_version()}:{platform.python_version()}:{libs}".encode()).hexdigest()[:24]
    copy = paths().home / "state" / "models" / f"{key}.pickle"
    try:
        with open(copy, "rb") as fh:
            obj = _adopted(pickle.load(fh))
        if obj is not None:
            return obj
        copy.unlink(missing_ok=True)  # another form (other code under a colliding key): rebuilt
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged copy (a crash mid-write, a full disk) is a cache miss
        copy.unlink(missing_ok=True)
    obj = artefact.load(path)
    if not paths().home.is_dir():
        return obj
    models = obj.get("models") if isinstance(obj, dict) and obj.get("kind") == "scn-per-language" else None
    compiled_forms = {lang: compiled.compile_fused(m) for lang, m in models.items()} \
        if isinstance(models, dict) else {}
    for lang, f in compiled_forms.items():
        compiled.adopt(models[lang], f)
    try:
        copy.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")
        try:
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
                pickle.dump({"kind": _COPY, "model": obj, "fused": compiled_forms, "tables": fused._tables()}, fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(copy)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError:
        pass
    return obj


_COPY = "scn-model-copy-2"  # the form of a copy: the artefact's object, its models' compiled forms, code point tables


def _adopted(data: Any) -> Any:
    """The artefact's object held in a copy (``_read_artefact``), its models' compiled forms adopted; None when
    ``data`` is not such a copy or a compiled form is not one of its models'."""
    if not isinstance(data, dict) or data.get("kind") != _COPY or not isinstance(data.get("fused"), dict):
        return None
    obj, forms = data.get("model"), data["fused"]
    models = obj.get("models") if isinstance(obj, dict) and obj.get("kind") == "scn-per-language" else {}
    if not isinstance(models, dict) or not set(forms) <= set(models) \
            or not fused.seed_tables(data.get("tables")):
        return None
    if not all(compiled.adopt(models[lang], f) for lang, f in forms.items()):
        return None
    return obj


def _load_one(spec: str) -> Classifier:
    path = Path(str(_default_path()) if spec == DEFAULT else spec).expanduser().resolve()
    return _load(str(path), tree_stamp(path))


def _combine(spec: str) -> Classifier:
    """``lang=path;lang=path;default``: a model per language; ``default`` adds the shipped model for the rest."""
    models: dict[str, Any] = {}
    bias: dict[str, np.ndarray] = {}
    per_lang: dict[str, str] = {}
    versions = []
    entries = [e.strip() for e in spec.split(";") if e.strip()]
    for entry in sorted(entries, key=lambda e: e != DEFAULT):  # the default first, per-language models over it
        lang, _, path = entry.partition("=") if "=" in entry else (ALL_LANGUAGES, "", entry)
        lang = lang.strip().lower()
        clf = _load_one(path.strip())
        if lang == ALL_LANGUAGES:
            models.update(clf.models)
            bias.update(clf.bias)
            per_lang.update({k: clf.version_of(k) for k in clf.models})
        else:
            if not clf.covers(lang):
                raise ValueError(f"SCN_CLASSIFIER: {path.strip()} does not cover language {lang!r} "
                                 f"(it covers {', '.join(sorted(clf.languages))})")
            key = lang if lang in clf.models else ALL_LANGUAGES
            models[lang] = clf.models[key]
            per_lang[lang] = clf.version_of(key)
            bias.pop(lang, None)  # another model's label offsets do not carry over
            if key in clf.bias:
                bias[lang] = clf.bias[key]
        versions.append(clf.version if lang == ALL_LANGUAGES else f"{lang}:{clf.version}")
    return Classifier("+".join(versions), models, bias, per_lang)


def load_classifier(spec: str | None = None) -> Classifier:
    """The classifier at ``spec`` or ``$SCN_CLASSIFIER``, else the shipped default.

    A spec is a joblib/skops pipeline file or an exported ONNX transformer directory, or several joined by ``;``
    with a language each (``ar=/models/marbert-onnx;default``: that model for Arabic, the shipped one for the rest).
    """
    spec = spec or settings().classifier or DEFAULT
    return _combine(spec) if ";" in spec or "=" in spec else _load_one(spec)


def load_default() -> Classifier:
    """The shipped default model (whatever ``$SCN_CLASSIFIER`` says)."""
    return load_classifier(DEFAULT)


def predict_proba(texts: Sequence[str], lang: str, classifier: Classifier | None = None) -> np.ndarray:
    """Probabilities (n x 3, CLASSES order: hate, offensive, none) of texts of one language; calibrated for the
    shipped model. Raises ValueError when the classifier does not cover ``lang``."""
    clf = classifier or load_default()
    if not clf.covers(lang):
        raise ValueError(f"the classifier does not cover language {lang!r}")
    pipe = clf.models[lang if lang in clf.models else ALL_LANGUAGES]
    texts = normal_texts([str(t) for t in texts])
    if hasattr(pipe, "label_and_proba"):
        return pipe.label_and_proba(texts)[1]
    proba = pipe.predict_proba(texts)
    classes = [str(c) for c in pipe.classes_]
    return proba[:, [classes.index(c) for c in CLASSES]]


def _resolve_lexicon(lexicon: Lexicon | None | bool) -> Lexicon | None:
    """``True``: the configured lexicons (``load_lexicon``); ``False``/``None``: none; a Lexicon: itself."""
    return load_lexicon() if lexicon is True else (lexicon or None)


def labelling_version(classifier: Classifier | None = None, lexicon: Lexicon | None | bool = True) -> str:
    """Version of what labels posts: the model's, plus the lexicons' when the lexicon method is on."""
    clf = classifier or load_classifier()
    lex = _resolve_lexicon(lexicon)
    return clf.version if lex is None else f"{clf.version}+{lex.version}"


def distinct(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Identical (text, language) pairs labelled once: positions of the first of each distinct pair, and for
    every input the index of its pair among them (``first[inverse]`` rebuilds the input order). ``classify``
    keys them on the texts' normal forms (``normal_texts``): texts that differ only by invisible characters, white
    space or compatibility forms are one text."""
    text = pd.Series(list(texts), dtype=object).fillna("").astype(str)
    return _distinct(pd.factorize(text)[0], langs)


def _distinct(text_code: np.ndarray, langs: Sequence[str | None] | None) -> tuple[np.ndarray, np.ndarray]:
    """``distinct`` from the texts' codes (equal codes: identical texts)."""
    if langs is None:
        code = text_code
    else:
        lang_code, count = _codes(langs)
        code = text_code.astype(np.int64) * (count + 1) + (lang_code + 1)
    inverse, _ = pd.factorize(code)
    top = np.maximum.accumulate(inverse)  # codes count up in order of first occurrence: a new one raises the top
    return np.flatnonzero(np.diff(top, prepend=-1) > 0), inverse


def _codes(values: Sequence[str | None]) -> tuple[np.ndarray, int]:
    """A code per value (equal for equal values; -1 for missing ones: None, NaN) and the number of codes."""
    code, uniq = pd.factorize(_objects(values), use_na_sentinel=True)
    return code, len(uniq)


def _objects(values: Sequence) -> np.ndarray:
    """``values`` as a one-dimensional object array (the values themselves)."""
    return values if isinstance(values, np.ndarray) and values.dtype == object else \
        np.fromiter(values, dtype=object, count=len(values))


def classify(texts: Sequence[str], langs: Sequence[str | None] | None = None,
             classifier: Classifier | None = None, lexicon: Lexicon | None | bool = True, *,
             reference: bool = False) -> pd.DataFrame:
    """Label texts (input order): label, score_hate, target, assessed, method, lang, model_version.

    Missing languages are detected. Texts in languages the model covers: method ``model``. Texts in other
    languages with a lexicon (``lexicon=True``: the shipped HurtLex subset or ``$SCN_LEXICONS``; ``False``/``None``
    switches the method off): method ``lexicon``, ``assessed=True``, score_hate 1.0 for a slur match else 0.0 (an
    indicator, not a probability), model_version the lexicon's. Texts in languages with neither: label ``none``,
    score 0, ``assessed=False`` and method ``not_assessed``.

    Texts are read in their normal form (``scn.nlp.normal.normal_texts``: NFKC, no invisible format characters,
    white space folded), once, before language detection and labelling, on every path. Identical texts with the
    same language (retweets, copypasta; identical once normalised) are labelled once (``distinct``): a text's
    labels depend on nothing but its normal form and its language. ``reference=True`` labels every text, one thread,
    each pipeline with its own vectorizers (the path before scn.nlp.compiled; same output, for checks and timing).
    Lone surrogates (not valid UTF-8: no stored post holds one) are read as U+FFFD.
    """
    try:
        return _classify(texts, langs, classifier, lexicon, reference)
    except UnicodeEncodeError:  # Arrow strings refuse lone surrogates
        scrubbed = [_SURROGATE.sub("\ufffd", t) if isinstance(t, str) else t for t in texts]
        return _classify(scrubbed, langs, classifier, lexicon, reference)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _classify(texts: Sequence[str], langs: Sequence[str | None] | None, classifier: Classifier | None,
              lexicon: Lexicon | None | bool, reference: bool) -> pd.DataFrame:
    clf = classifier or load_classifier()
    lex = _resolve_lexicon(lexicon)
    normal = _normal(texts)
    if reference:
        return _classify_distinct(normal.texts(), langs, clf, lex, reference=True)
    first, inverse = _distinct(normal.code, langs)
    if len(first) == len(inverse):
        return _in_threads(normal.texts(), langs, clf, lex, normal.array())
    langs = None if langs is None else _objects(langs)[first].tolist()
    out = _in_threads(normal.texts(first), langs, clf, lex, normal.array(first))
    return out.iloc[inverse].reset_index(drop=True)


@dataclass(frozen=True)
class _Normal:
    """A batch's texts in their normal form (``normal_texts``), computed once per distinct text."""

    code: np.ndarray  # per text: equal for equal normal forms
    raw: np.ndarray  # per text: the text (object array)
    same: np.ndarray  # per text: it is its own normal form (a str)
    which: np.ndarray  # per text: its distinct text
    forms: pa.Array  # per distinct text: its normal form

    def array(self, rows: np.ndarray | None = None) -> pa.Array:
        """The normal forms of the texts at ``rows`` (all: None) as an Arrow string array."""
        return self.forms.take(self.which if rows is None else self.which[rows])

    def texts(self, rows: np.ndarray | None = None) -> list[str]:
        """The normal forms of the texts at ``rows`` (all: None); those already normal are the input objects."""
        raw, same, which = (self.raw, self.same, self.which) if rows is None else \
            (self.raw[rows], self.same[rows], self.which[rows])
        if same.all():
            return raw.tolist()
        out = raw.copy()
        redo = np.flatnonzero(~same)
        out[redo] = self.forms.take(which[redo]).to_pylist()
        return out.tolist()


def _normal(texts: Sequence[str | None]) -> _Normal:
    """``normal_texts`` computed once per distinct input (missing values: "", other values as ``str``), and a code
    per text: equal for equal normal forms. In Arrow when the texts are str or None (else as before: pandas'
    missing values, ``str`` of other values)."""
    raw = _objects(texts if isinstance(texts, Sequence) else list(texts))
    arr = None
    if set(map(type, raw)) <= {str, type(None)}:
        try:
            arr = pa.array(raw, pa.large_string())
        except UnicodeEncodeError:  # lone surrogates (normal_texts reads them as U+FFFD)
            pass
    if arr is None:
        codes, uniq = pd.factorize(pd.Series(raw, dtype=object).fillna(""))
        forms = pa.array(normal_texts([u if type(u) is str else str(u) for u in uniq]), pa.large_string())
        same = np.zeros(len(raw), dtype=bool)
        form_code = np.asarray(forms.dictionary_encode().indices)
    else:
        enc = pc.fill_null(arr, "").dictionary_encode()
        codes, uniq = np.asarray(enc.indices), enc.dictionary
        forms = _in_parts(normal_array, uniq)
        kept = np.asarray(pc.equal(forms, uniq))
        same = kept[codes] & ~np.asarray(arr.is_null())
        form_code = _form_codes(uniq, forms, kept)
    return _Normal(form_code[codes], raw, same, codes, forms)


def _form_codes(texts: pa.Array, forms: pa.Array, kept: np.ndarray) -> np.ndarray:
    """A code per form (equal for equal forms) of distinct ``texts`` whose normal ``forms`` are the texts
    themselves where ``kept``: a kept form is its own code; a changed one takes that of the kept text it became,
    else a code past them, one per distinct changed form (only the changed forms are hashed)."""
    code = np.arange(len(texts), dtype=np.int64)
    changed = np.flatnonzero(~kept)
    if len(changed):
        enc = forms.take(changed).dictionary_encode()
        value_code = len(texts) + np.arange(len(enc.dictionary), dtype=np.int64)
        found = np.asarray(pc.fill_null(pc.index_in(texts, value_set=enc.dictionary), -1))
        became = np.flatnonzero((found >= 0) & kept)
        value_code[found[became]] = became
        code[changed] = value_code[np.asarray(enc.indices)]
    return code


def _in_parts(fn: Callable[[pa.Array], pa.Array], arr: pa.Array) -> pa.Array:
    """``fn(arr)`` (a function of each string alone, in Arrow) over two halves of a large ``arr`` in two threads."""
    outs = _over_parts(len(arr), 2 * THREAD_MIN, lambda a, b: fn(arr[a:b]))
    return outs[0] if len(outs) == 1 else pa.concat_arrays(outs)


def _over_parts(n: int, minimum: int, fn: Callable[[int, int], Any]) -> list:
    """``fn(a, b)`` over contiguous parts [a, b) of ``n`` rows, in ``THREADS`` threads when each part has at least
    ``minimum`` rows (else one part, in this thread); the results in row order."""
    parts = min(THREADS, os.cpu_count() or 1, max(1, n // minimum))
    if parts <= 1:
        return [fn(0, n)]
    from concurrent.futures import ThreadPoolExecutor

    cuts = np.linspace(0, n, parts + 1).astype(int)
    with ThreadPoolExecutor(parts) as pool:
        return list(pool.map(lambda ab: fn(*ab), zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True)))


THREADS = 2  # the compiled n-gram kernels, Arrow and scipy release the GIL: two threads use two cores
THREAD_MIN = 4_000  # distinct texts below which one thread labels them all


def _in_threads(texts: Sequence[str], langs: Sequence[str | None] | None, clf: Classifier,
                lex: Lexicon | None, arrow: pa.Array | None = None) -> pd.DataFrame:
    """``_classify_distinct`` over contiguous parts of the batch in ``THREADS`` threads (same rows). ``arrow``:
    the texts as an Arrow string array too, when at hand."""
    if len(texts) < 2 * THREAD_MIN:
        return _classify_distinct(texts, langs, clf, lex, arrow=arrow)
    texts = list(texts)
    langs = None if langs is None else list(langs)
    return pd.concat(_over_parts(len(texts), THREAD_MIN, lambda a, b: _classify_distinct(
        texts[a:b], None if langs is None else langs[a:b], clf, lex, arrow=None if arrow is None else arrow[a:b])),
        ignore_index=True)


def _present(values: np.ndarray) -> np.ndarray:
    """``values`` with None for those that name no language: missing, or empty as ``str`` (pandas' reading, once
    per distinct value)."""
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    named = pd.Series(uniq, dtype=object)
    named = (named.notna() & (named.astype(str).str.len() > 0)).to_numpy(dtype=bool)
    return np.where(np.append(named, False)[codes], values, None)


def _per_value(values: pd.Series, fn) -> np.ndarray:
    """``values.map(fn)`` computed once per distinct value (missing values as None)."""
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    results = np.asarray([fn(v) for v in uniq] + [fn(None)], dtype=object)
    return results[codes]


def _classify_distinct(texts: Sequence[str], langs: Sequence[str | None] | None, clf: Classifier,
                       lex: Lexicon | None, reference: bool = False, arrow: pa.Array | None = None) -> pd.DataFrame:
    """``classify`` without the deduplication (``arrow``: the texts as an Arrow string array, when at hand)."""
    n = len(texts)
    text = strings(list(texts)) if arrow is None else pd.Series(arrow, dtype=_STRING)
    lang = pd.Series(_present(_objects([None] * n if langs is None else langs)), dtype=object)
    missing = lang.isna().to_numpy()
    if missing.any():
        lang[missing] = detect_languages(text[missing].tolist(), normalised=True)
    lang = pd.Series(_per_value(lang, base_language), dtype=object)
    label, score = np.full(n, "none", dtype=object), np.zeros(n)
    target, assessed = np.full(n, None, dtype=object), np.zeros(n, dtype=bool)
    method, version = np.full(n, "not_assessed", dtype=object), np.full(n, clf.version, dtype=object)
    covered = _per_value(lang, clf.covers).astype(bool)
    groups = lang[covered].fillna(ALL_LANGUAGES).groupby(lang[covered].fillna(ALL_LANGUAGES)).groups
    objects = _objects(texts)
    for code, idx in groups.items():
        label[idx], score[idx] = clf.predict(objects[idx].tolist(), str(code), reference)
    assessed[covered], method[covered] = True, "model"
    flagged = label != "none"
    target[flagged] = detect_targets(text[flagged]).to_numpy()
    by_lexicon = ~covered & (_per_value(lang, lex.covers).astype(bool) if lex is not None else False)
    if by_lexicon.any():
        hits = lex.label(text[by_lexicon], lang[by_lexicon])
        label[by_lexicon], target[by_lexicon] = hits["label"].to_numpy(), hits["target"].to_numpy()
        score[by_lexicon] = (hits["label"] == "hate").to_numpy(dtype=float)
        assessed[by_lexicon], method[by_lexicon], version[by_lexicon] = True, "lexicon", lex.version
    out = pd.DataFrame({"label": pd.array(label, dtype="str"), "score_hate": score,
                        "target": pd.Series(target, dtype=object), "assessed": assessed,
                        "method": pd.array(method, dtype="str"), "lang": lang.astype(object),
                        "model_version": pd.array(version, dtype="str")})
    return out[COLUMNS]
