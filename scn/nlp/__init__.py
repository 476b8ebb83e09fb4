"""Speech classification: hate / offensive / none, per language, with measured accuracy.

labels (shared vocabulary), langid, model (loading and batch classification), lexicon (HurtLex method),
evaluation (metrics, the accuracy table shown), io (reading inputs), features/estimators (training).
"""
