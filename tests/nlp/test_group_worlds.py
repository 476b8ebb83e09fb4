"""The hand-written worlds of posts naming groups (``scripts/worlds/group_mentions.json``) measure the group rule
(``scripts/measure_group_worlds.py``) and never train it; and the classes of hostility the rule reads as evidence
(``HOSTILE`` in scn/nlp/rules.py) hold conspiracy of control, expulsion and dehumanising nouns.

Flagged over the three worlds (``.venv/bin/python scripts/measure_group_worlds.py``), before -> after the classes
of conspiracy / control, expulsion, insinuation, contempt, danger, welfare resentment and dehumanising nouns: see
docs/classifier.md ("Everyday text")."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import numpy as np
import pytest

from scn.nlp import corpora
from scn.nlp.features import normalise
from scn.nlp.rules import EvidenceRules

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "measure_group_worlds.py"


def _script():
    spec = importlib.util.spec_from_file_location("measure_group_worlds", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _train_script():
    spec = importlib.util.spec_from_file_location("train_classifier", ROOT / "scripts" / "train_classifier.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_never_reads_the_worlds() -> None:
    """The worlds' file lies outside every path training reads (the split file's folder, the default source folder,
    the demo pool), the training script names no world, and no world text is a row of the labelled split."""
    worlds_file = _script().WORLDS.resolve()
    train = _train_script()
    source = inspect.getsource(train)
    assert "worlds" not in source and "group_mentions" not in source
    parser_defaults = [a.default for a in train_parser_actions(train)]
    read = [corpora.split_path().parent, *[Path(d) for d in parser_defaults if isinstance(d, Path)]]
    for path in read:
        path = path if path.is_absolute() else (ROOT / path).resolve()
        assert not worlds_file.is_relative_to(path.parent if path.suffix else path), path
    texts = {normalise(t) for w in _script().load_worlds().values() for kind in ("neutral", "hateful")
             for lang_texts in w[kind].values() for t in lang_texts}
    assert len(texts) >= 200
    split = set(corpora.load_splits()["text"].map(normalise))
    assert not texts & split


def train_parser_actions(train) -> list:
    """The argparse actions of scripts/train_classifier.py's ``main`` (read without running it)."""
    import argparse

    captured: list = []

    class Stop(Exception):
        pass

    def parse(self, *a, **k):
        captured.extend(self._actions)
        raise Stop

    original = argparse.ArgumentParser.parse_args
    argparse.ArgumentParser.parse_args = parse
    try:
        train.main()
    except Stop:
        pass
    finally:
        argparse.ArgumentParser.parse_args = original
    assert captured
    return captured


# Loose bounds on the committed model (over all worlds, per language): a regression of the rule fails, noise of a
# post or two does not. Measured 2026-12-07 after this change over the four worlds (docs/classifier.md), then with
# the integrator's fifth world, written without reading the classes (neutral 0/57, 5/57, 1/48; hateful 24/57,
# 35/57, 22/48 for en, fr, ar): the model flags few hateful posts of the fifth world (en 3/15, ar 0/10).
NEUTRAL_MAX = {"en": 0.10, "fr": 0.20, "ar": 0.10}
HATEFUL_MIN = {"en": 0.35, "fr": 0.50, "ar": 0.40}


def test_measuring_script_figures_on_the_committed_model() -> None:
    """The measuring script's rows: every world x language x kind and the pooled rows, counts inside n, Wilson
    intervals around the share; over all worlds, neutral posts flagged at most and hateful posts flagged at least
    the bounds above."""
    script = _script()
    worlds = script.load_worlds()
    assert set(worlds) >= {"fresh", "third", "fourth", "fifth"}
    rows = script.measure(worlds)
    pooled = {(r["lang"], r["kind"]): r for r in rows if r["world"] == "all"}
    assert set(pooled) == {(lang, kind) for lang in ("en", "fr", "ar") for kind in ("neutral", "hateful")}
    for r in rows:
        assert 0 <= r["flagged"] <= r["n"] and r["ci95"][0] <= r["share"] <= r["ci95"][1]
        assert len(r["misses"]) == (r["flagged"] if r["kind"] == "neutral" else r["n"] - r["flagged"])
    for lang in ("en", "fr", "ar"):
        neutral, hateful = pooled[(lang, "neutral")], pooled[(lang, "hateful")]
        assert neutral["n"] >= 38 and hateful["n"] >= 38
        assert neutral["share"] <= NEUTRAL_MAX[lang], neutral["misses"]
        assert hateful["share"] >= HATEFUL_MIN[lang], hateful["misses"]


def _weak(texts: list[str], lang: str) -> list[str]:
    """Labels after the rules alone when the model says ``offensive`` with P(none) 0.6: kept only on evidence."""
    proba = np.tile([0.1, 0.3, 0.6], (len(texts), 1))
    return EvidenceRules(lang, []).apply(texts, np.full(len(texts), "offensive", dtype=object), proba).tolist()


# Each class: hostile posts naming a group (the flag is kept) and neutral posts naming one with the class's
# everyday senses (the flag is cleared). Written for the classes, not taken from the measuring worlds.
CLASSES = {
    "en": {
        "control": (["The Jews control the press and the politicians", "Muslims run the councils now",
                     "Arabs own the government, open your eyes", "Jewish money pulls the strings in parliament",
                     "Migrants are behind all the stabbings"],
                    ["Somali families run the corner shops on our street", "Jewish volunteers run the food bank",
                     "Muslim women own three of the bakeries in the market"]),
        "expulsion": (["Refugees should go back to their own countries", "Go home, Syrians",
                       "Pakistanis, pack your bags", "Muslims are not welcome in this town",
                       "Migrants don't belong here", "Keep the Afghans out"],
                      ["Syrian students go home for the holidays next week",
                       "Refugee families welcome at the open day"]),
        "dehumanising": (["Migrants are a cancer", "Muslims are a blight on this city", "Hordes of Africans again",
                          "Refugees swarming into our towns", "Leeching refugees everywhere you look"],
                         ["A Muslim charity raised money for cancer research", "Refugees fled the floods"]),
        "contempt and danger": (["Africans are only good for sport", "Muslim men are a threat to our women",
                                 "Refugees live off our taxes while we pay"],
                                ["Muslim doctors are good for the hospital", "Refugee children are a joy"]),
    },
    "fr": {
        "control": (["Les juifs dirigent la presse et les politiques", "Les musulmans possèdent tout ici",
                     "Les Arabes tiennent la finance, ouvrez les yeux", "Les juifs tirent les ficelles",
                     "Les migrants sont derrière toutes les agressions"],
                    ["Des Maghrébins tiennent les épiceries de la rue", "Des bénévoles juifs dirigent la chorale",
                     "Les musulmanes possèdent trois boulangeries du marché"]),
        "expulsion": (["Les réfugiés n'ont qu'à rentrer dans leur pays", "Les Syriens ne sont pas les bienvenus",
                       "Les Afghans, faites vos valises", "Il faut enfermer les migrants",
                       "Personne ne veut de vous, les Arabes"],
                      ["Les étudiants syriens rentrent chez leurs parents pour les vacances",
                       "Les familles réfugiées sont les bienvenues à la fête"]),
        "dehumanising": (["Les migrants sont une déferlante", "Les Roms sont un fléau", "Une nuée d'Africains",
                          "Les musulmans sont des bêtes"],
                         ["Une association musulmane lutte contre le cancer", "Des réfugiés ont fui la marée noire"]),
        "contempt and danger": (["Les Africains ne sont bons qu'à courir", "Les musulmans sont une menace pour nos filles",
                                 "Les immigrés vivent des allocs pendant qu'on paie"],
                                ["Les médecins musulmans sont précieux pour l'hôpital"]),
    },
    "ar": {
        "control": (["اليهود يتحكمون بالحكومة", "المسلمين يملكون كل شي هون", "اليهود وراء كل المصايب"],
                    ["عائلات سورية تملك محلات في السوق", "متطوعون يهود يديرون بنك الطعام"]),
        "expulsion": (["اللاجئين لازم يرجعوا على بلادهم", "السوريين غير مرحب فيهم", "المهاجرين ما لهم مكان هون"],
                      ["الطلاب السوريون يرجعون الى بيوتهم في العطلة", "اللاجئون مرحب بهم في المهرجان"]),
        "dehumanising": (["اللاجئين طاعون", "المهاجرين بلاء على البلد", "الافارقة مثل الطوفان"],
                         ["جمعية اسلامية تجمع التبرعات لمرضى السرطان"]),
        "contempt and danger": (["السوريين ما بينفعوا لشي", "المهاجرين خطر على ولادنا",
                                 "اللاجئين عايشين على حسابنا"],
                                ["الاطباء السوريون مفيدون للمستشفى"]),
    },
}


@pytest.mark.parametrize(("lang", "kind"), [(lang, kind) for lang, c in CLASSES.items() for kind in c])
def test_classes_of_hostility_keep_a_flag(lang: str, kind: str) -> None:
    """The rules alone: a weak flag on a post naming a group with a word of the class (conspiracy of control,
    expulsion, dehumanising noun, contempt / danger / welfare resentment) is kept; the class's everyday senses
    (run a shop, go home for the holidays, cancer research) are cleared. (Before: the hostile ones were cleared,
    e.g. "Muslims run the councils now", "Go home, Syrians", "Migrants are a cancer".)"""
    hostile, neutral = CLASSES[lang][kind]
    assert _weak(hostile, lang) == ["offensive"] * len(hostile)
    assert _weak(neutral, lang) == ["none"] * len(neutral)
