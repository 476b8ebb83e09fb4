"""A partner's fine-tuned transformer as the speech classifier: a Hugging Face text-classification model exported
to ONNX (the layout ``optimum-cli export onnx --task text-classification`` writes), run with onnxruntime.

The directory holds ``model.onnx``, ``tokenizer.json`` and ``config.json`` (``id2label``; optional
``scn_languages`` and ``scn_label_map``). No PyTorch is needed at run time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from scn.hashing import file_sha256
from scn.nlp.labels import CLASSES

MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE = "model.onnx", "tokenizer.json", "config.json"
# model label (lower-cased, "-" and " " as "_") -> platform class; extend per model with config "scn_label_map"
LABEL_ALIASES = {
    **dict.fromkeys(["hate", "hateful", "hate_speech", "hatespeech", "label_hate"], "hate"),
    **dict.fromkeys(["offensive", "offense", "offensive_language", "abusive", "abuse", "insult", "toxic"],
                    "offensive"),
    **dict.fromkeys(["none", "normal", "neither", "neutral", "clean", "not_hate", "non_hate", "nothate",
                     "not_offensive", "non_offensive", "not_toxic", "ok"], "none"),
}
BATCH_SIZE = 64
MAX_TOKENS = 512


class OnnxTextClassifierError(ValueError):
    """A model directory that cannot serve as the speech classifier (the message names the file)."""


def _label_map(config: dict, path: Path) -> np.ndarray:
    """One-hot matrix (model label index x CLASSES) mapping the model's labels to hate/offensive/none."""
    id2label = config.get("id2label")
    if not id2label:
        raise OnnxTextClassifierError(f"{path}: no `id2label` (the model's output labels)")
    custom = {str(k).lower(): v for k, v in (config.get("scn_label_map") or {}).items()}
    n = max(int(i) for i in id2label) + 1
    onehot = np.zeros((n, len(CLASSES)))
    unknown = []
    for i, name in id2label.items():
        key = str(name).lower().replace("-", "_").replace(" ", "_")
        cls = custom.get(str(name).lower(), LABEL_ALIASES.get(key))
        if cls not in CLASSES:
            unknown.append(str(name))
            continue
        onehot[int(i), CLASSES.index(cls)] = 1.0
    if unknown:
        raise OnnxTextClassifierError(
            f"{path}: id2label has labels the platform cannot map: {', '.join(unknown)}; add "
            f'"scn_label_map": {{"<label>": "hate" | "offensive" | "none"}} to config.json')
    if onehot[:, CLASSES.index("hate")].sum() == 0 or (onehot.sum(axis=0) > 0).sum() < 2:
        raise OnnxTextClassifierError(f"{path}: the labels must include hate and at least one other class "
                                      f"(got {', '.join(map(str, id2label.values()))})")
    return onehot


def _digest(files: Sequence[Path]) -> str:
    """Short hash over the files' SHA-256 digests: changes when any of them does."""
    return hashlib.sha256("".join(file_sha256(f) for f in files).encode()).hexdigest()[:12]


class OnnxTextClassifier:
    """predict_proba over CLASSES for texts, from an exported text-classification transformer.

    Texts are tokenised in batches sorted by length (little padding), truncated to the model's maximum length;
    logits are turned into probabilities by softmax (or sigmoid, for multi-label models, then normalised) and the
    probabilities of labels that map to the same class are summed.
    """

    classes_ = np.asarray(CLASSES)

    def __init__(self, directory: Path) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # optional dependencies
            raise ImportError(f"{directory}: an ONNX model directory needs onnxruntime and tokenizers "
                              "(pip install 'scn-platform[onnx]')") from exc
        self.directory = Path(directory)
        files = [self.directory / f for f in (CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE)]
        needed = ", ".join(f.name for f in files)
        for f in files:
            if not f.is_file():
                raise OnnxTextClassifierError(f"{f}: missing (an exported model directory needs {needed})")
        config_path = files[0]
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise OnnxTextClassifierError(f"{config_path}: not valid JSON ({exc})") from exc
        self.label_map = _label_map(config, config_path)
        self.multi_label = config.get("problem_type") == "multi_label_classification"
        self.languages = [str(x).lower() for x in config.get("scn_languages") or []]
        self.version = f"{self.directory.name}-{_digest(files)}"
        self.tokenizer = Tokenizer.from_file(str(files[2]))
        max_len = min(int(config.get("max_position_embeddings") or MAX_TOKENS), MAX_TOKENS)
        self.tokenizer.enable_truncation(max_length=max_len)
        pad_id = int(config.get("pad_token_id") or 0)
        self.tokenizer.enable_padding(pad_id=pad_id, pad_token=self.tokenizer.id_to_token(pad_id) or "[PAD]")
        self.session = ort.InferenceSession(str(files[1]), providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        if "input_ids" not in self.inputs:
            raise OnnxTextClassifierError(f"{files[1]}: no `input_ids` input (inputs: {', '.join(self.inputs)})")
        n_out = self.session.get_outputs()[0].shape[-1]
        if isinstance(n_out, int) and n_out != len(self.label_map):
            raise OnnxTextClassifierError(f"{files[1]}: {n_out} outputs but config.json lists "
                                          f"{len(self.label_map)} labels")

    def _logits(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        feed = {"input_ids": np.asarray([e.ids for e in enc], dtype=np.int64)}
        if "attention_mask" in self.inputs:
            feed["attention_mask"] = np.asarray([e.attention_mask for e in enc], dtype=np.int64)
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float64)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (n x 3, CLASSES order), in input order."""
        texts = [str(t) for t in texts]
        order = np.argsort([len(t) for t in texts], kind="stable")
        logits = np.zeros((len(texts), len(self.label_map)))
        for start in range(0, len(texts), BATCH_SIZE):
            idx = order[start:start + BATCH_SIZE]
            logits[idx] = self._logits([texts[i] for i in idx])
        if self.multi_label:
            p = 1.0 / (1.0 + np.exp(-logits))
            p /= p.sum(axis=1, keepdims=True)
        else:
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
        return p @ self.label_map
