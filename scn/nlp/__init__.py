"""Speech classification: hate / offensive / none, per language, with measured accuracy."""

from scn.nlp.evaluate import evaluate_file, evaluation_table, model_card
from scn.nlp.io import read_classify_input
from scn.nlp.lexicon import Lexicon, load_lexicon
from scn.nlp.model import Classifier, classify, labelling_version, load_classifier

__all__ = ["Classifier", "Lexicon", "classify", "evaluate_file", "evaluation_table", "labelling_version",
           "load_classifier", "load_lexicon", "model_card", "read_classify_input"]
