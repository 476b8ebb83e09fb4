"""Speech classification: hate / offensive / none, per language, with measured accuracy.

labels (shared vocabulary), langid, model (loading and batch classification), lexicon (HurtLex method),
evaluation (metrics per language x source, the accuracy table), accuracy (which figure a city's posts are shown
with), corpora (labelled sources and the shipped split), ensemble (per-source experts, calibration, adapters), io
(reading inputs), features/estimators (training), compiled/fused/ngrams (the labelling kernels).

Stable API for other parts: ``model.load_default()``, ``model.predict_proba(texts, lang)`` (calibrated, CLASSES
order), ``model.classify(texts, langs)``, ``ensemble.train_adapter(texts, labels)`` (a calibrated char n-gram
model that plugs into ``model.Classifier``).
"""
