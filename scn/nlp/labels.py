"""The speech labels every part of the platform shares, from transforms/seeds/post_labels.csv (the dbt models
count `is_flagged` labels as flagged posts from the same file)."""

from scn import vocabularies

CLASSES = vocabularies.post_labels()  # ("hate", "offensive", "none")
FLAGGED_LABELS = vocabularies.flagged_labels()  # ("hate",)
