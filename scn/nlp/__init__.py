"""Speech classification: hate / offensive / none, per language, with measured accuracy."""

from scn.nlp.evaluate import evaluate_file, evaluation_table, model_card
from scn.nlp.io import read_classify_input
from scn.nlp.model import Classifier, classify, load_classifier

__all__ = ["Classifier", "classify", "evaluate_file", "evaluation_table", "load_classifier", "model_card",
           "read_classify_input"]
