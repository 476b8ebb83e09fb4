"""A language model of the classifier that records every text it is asked to label (tests of the labeller's
dedupe: identical texts, and texts identical in their normal form, are labelled once)."""

from __future__ import annotations


class CountingModel:
    """A language's model that records every text it is asked to label, delegating to the real one."""

    def __init__(self, inner) -> None:
        self.inner, self.seen = inner, []

    def label_and_proba(self, texts, reference: bool = False):
        self.seen.extend(texts)
        return self.inner.label_and_proba(texts, reference=reference)
