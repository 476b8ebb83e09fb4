"""Lexicon method (HurtLex subset) for languages without a model, Arabic normalisation and NB-LR."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn.nlp.estimators import NBLogisticRegression
from scn.nlp.features import normalise_ar
from scn.nlp.lexicon import ALIASES, load_lexicon
from scn.nlp.model import classify, labelling_version, load_classifier

HURTLEX = Path("scn/data/hurtlex")


def test_lexicon_language_is_assessed_by_lexicon() -> None:
    out = classify(["ti je një jigaboo", "mirëdita qytetarë, sot është festë", "wewe ni mjinga", "ovaj kurvin sin"],
                   ["sq", "sq", "sw", "bs"])
    assert out["method"].tolist() == ["lexicon"] * 4 and out["assessed"].all()
    assert out["label"].tolist() == ["hate", "none", "offensive", "offensive"]
    assert out.loc[0, "target"] == "origin" and out.loc[1, "target"] is None
    assert out["score_hate"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert out["model_version"].str.startswith("hurtlex-1.2-").all()
    assert "sq" not in load_classifier().languages


def test_language_with_neither_model_nor_lexicon_is_not_assessed() -> None:
    lex = load_lexicon()
    assert lex is not None and not lex.covers("ur") and not lex.covers("fa") and lex.covers("sq")
    out = classify(["یہ ایک ٹیسٹ ہے", "ti je një jigaboo", "you are a stupid bitch"], ["ur", "sq", "en"])
    assert out[["label", "assessed", "method"]].values.tolist() == [
        ["none", False, "not_assessed"], ["hate", True, "lexicon"], [out.loc[2, "label"], True, "model"]]


def test_lexicon_can_be_switched_off() -> None:
    out = classify(["ti je një zezak"], ["sq"], lexicon=False)
    assert out.loc[0, ["label", "assessed", "method"]].tolist() == ["none", False, "not_assessed"]
    assert labelling_version(lexicon=False) == load_classifier().version
    assert labelling_version() == f"{load_classifier().version}+{load_lexicon().version}"


def test_model_languages_are_never_labelled_by_lexicon() -> None:
    out = classify(["les immigrés sont des parasites", "اللعنة عليكم يا كلاب"], ["fr", "ar"])
    assert out["method"].tolist() == ["model", "model"]


def test_matching_is_whole_words_and_multiword_lemmas() -> None:
    lex = load_lexicon()
    texts = pd.Series(["kurvin sin", "sin", "kurvin", "jigaboos", "JIGABOO!"], index=[10, 11, 12, 13, 14])
    got = lex.label(texts, pd.Series("hr", index=texts.index).where(texts.index < 13, "sq"))
    assert got.loc[10, "term"] == "kurvin sin" and got.loc[10, "label"] == "offensive"
    assert got.loc[11, "label"] == "none"  # a lemma's second word alone is no match
    assert got.loc[13, "label"] == "none"  # inflected forms are not matched (documented limitation)
    assert got.loc[14, "label"] == "hate"  # case-insensitive, punctuation ignored


def test_alias_languages_use_their_lists() -> None:
    lex = load_lexicon()
    assert set(ALIASES["bs"]) <= lex.languages and "bs" in lex.languages
    assert lex.label(pd.Series(["kurvin sin"]), pd.Series(["bs"])).loc[0, "label"] == "offensive"


def test_lexicon_rules_from_a_custom_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = ["id\tpos\tcategory\tstereotype\tlemma\tlevel",
            "XX1\tn\tps\tyes\tblorg\tconservative",  # only in PS: an identity slur -> hate
            "XX2\tn\tps\tyes\tdumbo\tconservative", "XX2\tn\tddp\tyes\tdumbo\tconservative",  # PS + two insult
            "XX2\tn\tcds\tno\tdumbo\tconservative",  # categories: an insult, not a slur
            "XX3\tn\tan\tno\tdonkey\tconservative",  # animals: not used
            "XX4\tn\tcds\tno\tzonk\tinclusive",  # inclusive level: not used
            "XX5\tn\tcds\tno\tпсина\tconservative"]  # wrong script for a Latin-script language: dropped
    (tmp_path / "hurtlex_zz.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setenv("SCN_LEXICONS", str(tmp_path))
    lex = load_lexicon()
    assert lex.terms["zz"] == {"blorg": (2, "origin"), "dumbo": (1, None)}
    out = classify(["a blorg", "you dumbo", "a donkey", "zonk", "псина"], ["zz"] * 5)
    assert out["label"].tolist() == ["hate", "offensive", "none", "none", "none"]
    monkeypatch.setenv("SCN_LEXICONS", "none")
    assert load_lexicon() is None and classify(["a blorg"], ["zz"])["method"].tolist() == ["not_assessed"]


def test_shipped_lexicon_is_conservative_subset_with_licence() -> None:
    files = sorted(HURTLEX.glob("hurtlex_*.tsv"))
    langs = {f.stem.split("_")[1] for f in files}
    assert langs.isdisjoint(load_classifier().languages) and {"sq", "mk", "sw", "bn", "tr", "es"} <= langs
    for f in files:
        assert set(pd.read_csv(f, sep="\t", quoting=3)["level"]) == {"conservative"}
    readme = (HURTLEX / "README-hurtlex.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 4.0" in readme and "Bassignana" in readme


def test_lexicon_batch_is_vectorised_and_consistent() -> None:
    texts = ["ti je një jigaboo", "mirëdita", "budalla", ""] * 2500
    out = classify(texts, ["sq"] * len(texts))
    single = [classify([t], ["sq"]).loc[0, "label"] for t in texts[:4]]
    assert out["label"].tolist() == single * 2500


def test_arabic_normalisation() -> None:
    assert normalise_ar("إِنَّ") == "ان"
    assert normalise_ar("مدرسة إلى أحمد آمن") == "مدرسه الي احمد امن"
    assert normalise_ar("جميـــل هههههههه") == "جميل هه"
    assert normalise_ar("رائع مسؤول") == "راءع مسءول"  # hamza carriers folded to bare hamza
    assert normalise_ar("@someone جميل https://t.co/x") == "@user جميل URL"


def test_arabic_model_uses_normalisation() -> None:
    model = load_classifier().models["ar"]
    unions = [m.named_steps["features"] for e in model.experts.values() for m in e.members
              if hasattr(m.named_steps["features"], "transformer_list")]
    assert unions and all(vec.preprocessor is normalise_ar for u in unions for _, vec in u.transformer_list)
    variants = ["الله يلعن هذه المدرسة", "اَللّٰهُ يَلْعَنُ هَذِهِ الْمَدْرَسَةِ", "الله يلعـــن هذه المدرسه"]
    out = classify(variants, ["ar"] * 3)
    assert out["score_hate"].nunique() == 1 and out["label"].nunique() == 1


def test_nb_logistic_regression() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["kill all of them", "they must die", "you idiot", "stupid fool", "nice day", "lovely city"] * 5
    labels = ["hate", "hate", "offensive", "offensive", "none", "none"] * 5
    X = TfidfVectorizer().fit(texts)
    clf = NBLogisticRegression(C=10).fit(X.transform(texts), labels)
    p = clf.predict_proba(X.transform(texts))
    assert list(clf.classes_) == ["hate", "none", "offensive"] and np.allclose(p.sum(axis=1), 1)
    assert (clf.predict(X.transform(texts)) == np.asarray(labels)).all()
    assert clf.coef_.shape == (3, len(X.vocabulary_))


def test_grouped_logistic_regression_sums_subclasses() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from scn.nlp.estimators import GroupedLogisticRegression

    texts = ["kill all of them", "they must die", "you idiot", "shut up loser", "nice day", "lovely city"] * 5
    fine = ["hate", "hate", "offensive:abusive", "offensive:disrespectful", "none", "none"] * 5
    X = TfidfVectorizer().fit(texts)
    clf = GroupedLogisticRegression(C=10).fit(X.transform(texts), fine)
    assert list(clf.classes_) == ["hate", "none", "offensive"] and len(clf.lr_.classes_) == 4
    p, fine_p = clf.predict_proba(X.transform(texts)), clf.lr_.predict_proba(X.transform(texts))
    sub = [list(clf.lr_.classes_).index(c) for c in ("offensive:abusive", "offensive:disrespectful")]
    assert np.allclose(p[:, 2], fine_p[:, sub].sum(axis=1)) and np.allclose(p.sum(axis=1), 1)
    assert clf.predict(X.transform(["you idiot", "nice day"])).tolist() == ["offensive", "none"]
