"""The review loop: people label a sample of each city's posts, per language, to measure the classifier on that
city's own data and to train a local adapter.

store (samples, pseudonymised labels, the access log of raw-text views, under ``<home>/review``), sampling
(random stratum + uncertainty stratum), agreement (consensus labels, Cohen's kappa), metrics (precision, recall,
F1 with 95% intervals from the random stratum), prevalence (adjusted classify-and-count), adapters (per city and
language char n-gram models, adopted only when they beat the current labelling) and loop (the verbs of
``scn review`` and the review page over the lake and the store). See docs/review.md.
"""
