"""A partner's exported transformer directory (model.onnx + tokenizer.json + config.json) as the classifier.

The test model is built here with the `onnx` helpers: a real ONNX graph with the inputs and output of an
Optimum text-classification export (input_ids, attention_mask -> logits), run by onnxruntime through the same
code path as a fine-tuned XLM-R or AraBERT export would be.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.normalizers import Lowercase
from tokenizers.pre_tokenizers import Whitespace

from scn.nlp.model import classify, load_classifier
from scn.nlp.transformer import OnnxTextClassifierError
from tests.support.cli import scn

VOCAB = {"[PAD]": 0, "[UNK]": 1, "scum": 2, "vermin": 3, "idiot": 4, "stupid": 5, "hello": 6, "friend": 7,
         "the": 8, "market": 9}
# per-token logits in model-label order (HATE, OFFENSIVE, NORMAL); the sentence logits are their masked mean
TOKEN_LOGITS = np.zeros((len(VOCAB), 3), dtype=np.float32)
TOKEN_LOGITS[[2, 3], 0] = 4.0
TOKEN_LOGITS[[4, 5], 1] = 4.0
TOKEN_LOGITS[[6, 7, 8, 9], 2] = 2.0
TOKEN_LOGITS[0] = 50.0  # padding that leaked past the attention mask would swamp every score


def _graph() -> onnx.ModelProto:
    nodes = [
        helper.make_node("Gather", ["emb", "input_ids"], ["tok"]),                        # B x T x 3
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),    # B x T
        helper.make_node("Unsqueeze", ["maskf", "ax2"], ["mask3"]),                       # B x T x 1
        helper.make_node("Mul", ["tok", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "ax1"], ["total"], keepdims=0),         # B x 3
        helper.make_node("ReduceSum", ["maskf", "ax1"], ["count"], keepdims=1),          # B x 1
        helper.make_node("Div", ["total", "count"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes, "mean_token_logits",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        [numpy_helper.from_array(TOKEN_LOGITS, "emb"), numpy_helper.from_array(np.array([1]), "ax1"),
         numpy_helper.from_array(np.array([2]), "ax2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def make_export(directory: Path, **config: object) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    onnx.save(_graph(), directory / "model.onnx")
    tok = Tokenizer(WordLevel(VOCAB, unk_token="[UNK]"))
    tok.normalizer, tok.pre_tokenizer = Lowercase(), Whitespace()
    tok.save(str(directory / "tokenizer.json"))
    cfg = {"architectures": ["XLMRobertaForSequenceClassification"], "pad_token_id": 0,
           "id2label": {"0": "HATE", "1": "OFFENSIVE", "2": "NORMAL"}, **config}
    (directory / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    return directory


def expected_proba(text: str) -> np.ndarray:
    ids = [VOCAB.get(w, 1) for w in text.lower().split()]
    logits = TOKEN_LOGITS[ids].mean(axis=0).astype(np.float64)
    p = np.exp(logits - logits.max())
    return p / p.sum()


TEXTS = ["they are vermin", "hello friend", "you stupid idiot", "scum", "the market the market hello friend"]


def test_exported_directory_labels_and_scores(tmp_path: Path) -> None:
    clf = load_classifier(str(make_export(tmp_path / "partner-xlmr")))
    out = classify(TEXTS, ["ar"] * len(TEXTS), classifier=clf)
    assert out["label"].tolist() == ["hate", "none", "offensive", "hate", "none"]
    want = np.array([expected_proba(t)[0] for t in TEXTS])
    np.testing.assert_allclose(out["score_hate"].to_numpy(), want, rtol=1e-5)
    assert out["method"].eq("model").all() and out["assessed"].all()
    assert clf.version.startswith("partner-xlmr-") and out["model_version"].eq(clf.version).all()


def test_padding_does_not_change_scores(tmp_path: Path) -> None:
    """A short text scored alone and in a batch padded to a long text gets the same probabilities."""
    clf = load_classifier(str(make_export(tmp_path / "m")))
    model = clf.models["*"]
    alone = model.predict_proba(["scum"])
    batch = model.predict_proba(["scum", " ".join(["the market"] * 40)] * 100)
    np.testing.assert_allclose(batch[0], alone[0], rtol=1e-6)
    np.testing.assert_allclose(batch[198], alone[0], rtol=1e-6)
    assert np.allclose(batch.sum(axis=1), 1.0)


def test_languages_from_config_and_others_not_assessed(tmp_path: Path) -> None:
    clf = load_classifier(str(make_export(tmp_path / "ar-only", scn_languages=["ar"])))
    out = classify(["they are vermin", "they are vermin"], ["ar", "ur"], classifier=clf)
    assert out["method"].tolist() == ["model", "not_assessed"]
    assert out["assessed"].tolist() == [True, False] and out.loc[1, "label"] == "none"


def test_custom_label_map_and_version_follows_weights(tmp_path: Path) -> None:
    a = make_export(tmp_path / "a", id2label={"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
                    scn_label_map={"LABEL_0": "hate", "LABEL_1": "offensive", "LABEL_2": "none"})
    clf = load_classifier(str(a))
    assert classify(["scum"], ["en"], classifier=clf)["label"].tolist() == ["hate"]
    b = make_export(tmp_path / "b", id2label={"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
                    scn_label_map={"LABEL_0": "hate", "LABEL_1": "offensive", "LABEL_2": "none"})
    assert load_classifier(str(b)).version.split("-")[-1] == clf.version.split("-")[-1]
    (b / "config.json").write_text(json.dumps({"id2label": {"0": "hate", "1": "offensive", "2": "none"},
                                               "note": "retrained"}), encoding="utf-8")
    assert load_classifier(str(b)).version.split("-")[-1] != clf.version.split("-")[-1]


def test_unmappable_labels_and_missing_files_are_named(tmp_path: Path) -> None:
    bad = make_export(tmp_path / "bad", id2label={"0": "HATE", "1": "SARCASM", "2": "NORMAL"})
    with pytest.raises(OnnxTextClassifierError, match=r"config\.json.*SARCASM.*scn_label_map"):
        load_classifier(str(bad))
    broken = make_export(tmp_path / "broken")
    (broken / "tokenizer.json").unlink()
    with pytest.raises(OnnxTextClassifierError, match=r"tokenizer\.json: missing"):
        load_classifier(str(broken))
    checkpoint = tmp_path / "torch-checkpoint"
    checkpoint.mkdir()
    (checkpoint / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="optimum-cli export onnx"):
        load_classifier(str(checkpoint))


def test_cli_uses_directory_from_environment(tmp_path: Path) -> None:
    model = make_export(tmp_path / "partner")
    f = tmp_path / "posts.jsonl"
    f.write_text("".join(json.dumps({"text": t, "lang": "ar"}) + "\n" for t in TEXTS), encoding="utf-8")
    proc = scn("classify", "--file", str(f), "--json", home=tmp_path, env={"SCN_CLASSIFIER": str(model)})
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["index"] for r in rows] == list(range(len(TEXTS)))
    assert [r["label"] for r in rows] == ["hate", "none", "offensive", "hate", "none"]
    assert rows[0]["score_hate"] == pytest.approx(expected_proba(TEXTS[0])[0], rel=1e-5)


def test_per_language_spec_keeps_the_default_for_other_languages(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`ar=<dir>;default`: the export labels Arabic, the shipped model English and French, as configured."""
    model = make_export(tmp_path / "marbert-onnx")
    monkeypatch.setenv("SCN_CLASSIFIER", f"ar={model};default")
    combined = load_classifier()
    default = load_classifier("default")
    texts, langs = ["they are vermin", "you are a stupid bitch", "ces gens sont des animaux"], ["ar", "en", "fr"]
    out = classify(texts, langs, classifier=combined)
    alone = classify(texts, langs, classifier=default)
    assert out.loc[0, "score_hate"] == pytest.approx(expected_proba(texts[0])[0], rel=1e-5)
    assert out.loc[0, "score_hate"] != pytest.approx(alone.loc[0, "score_hate"]) and out.loc[0, "label"] == "hate"
    assert "ar" not in combined.bias and all(combined.models[k] is default.models[k] for k in ("en", "fr"))
    assert set(combined.bias) == set(default.bias) - {"ar"}
    assert out.loc[1:, ["label", "score_hate"]].equals(alone.loc[1:, ["label", "score_hate"]])
    assert combined.version == f"{default.version}+ar:{load_classifier(str(model)).version}"
    with pytest.raises(ValueError, match="does not cover language 'sw'"):
        load_classifier("sw=default")


def test_evaluation_never_shows_the_shipped_accuracy_for_a_plugged_in_model(tmp_path: Path) -> None:
    from sklearn.metrics import f1_score

    from scn.nlp.evaluation import evaluation_table

    combined = load_classifier(f"ar={make_export(tmp_path / 'm')};default")
    table = evaluation_table(combined)
    ar, en = table[table["lang"] == "ar"], table[table["lang"] == "en"]
    assert len(ar) == 3 and ar["macro_f1"].isna().all() and ar["source"].eq("not measured").all()
    assert ar["model_version"].eq(combined.version_of("ar")).all()
    assert combined.version_of("ar") == load_classifier(str(tmp_path / "m")).version and ar["n"].eq(0).all()
    assert en["macro_f1"].notna().all() and en["source"].str.contains("model card").all()
    labelled = tmp_path / "ar_eval.jsonl"
    rows = [("they are vermin", "hate"), ("scum", "offensive"), ("stupid idiot", "offensive"),
            ("hello friend", "none"), ("the market", "hate"), ("idiot", "none")]
    labelled.write_text("".join(json.dumps({"text": t, "label": y, "lang": "ar"}) + "\n" for t, y in rows),
                        encoding="utf-8")
    table = evaluation_table(combined, labelled)
    ar = table[table["lang"] == "ar"]
    pred = classify([t for t, _ in rows], ["ar"] * len(rows), classifier=combined)["label"]
    want = f1_score([y for _, y in rows], pred, average="macro", labels=["hate", "offensive", "none"])
    assert ar["macro_f1"].to_numpy() == pytest.approx([want] * 3) and ar["source"].eq("ar_eval.jsonl").all()
    assert ar["n"].eq(len(rows)).all() and ar["baseline_macro_f1"].isna().all()
