"""Disclosure control: what each audience may see of a published table. One function for pages, callbacks,
downloads and exports alike (``for_audience``); counts from 1 to ``suppress_below() - 1`` are hidden outside
staff."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.settings import suppress_below

AUDIENCES = ("staff", "official")
# counts of events or people that the official audience sees only from suppress_below() upwards
SMALL_COUNTS: dict[str, tuple[str, ...]] = {
    "programme_metrics": ("people",),
    "summit_metrics": ("delegates",),
    "survey_indices": ("n",),
    "survey_prepost": ("n_baseline", "n_endline"),
    "cell_month": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "area_month": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "area_week": ("posts", "flagged_posts", "crimes", "hate_crimes"),
    "city_month": ("posts", "flagged_posts", "crimes", "hate_crimes"),
}
PERSONAL_COLUMNS = frozenset({"person_pseudo", "author_pseudo", "response_id", "record_id", "post_key",
                              "participant_id", "gender_of_person"})


def suppress_counts(values: pd.Series | np.ndarray, threshold: int | None = None) -> pd.Series:
    """Replace counts in 1..threshold-1 with NA (zero stays zero: it discloses nothing)."""
    k = suppress_below() if threshold is None else threshold
    s = pd.Series(values).astype("Float64")
    return s.mask((s > 0) & (s < k))


def for_audience(name: str, frame: pd.DataFrame, audience: str) -> pd.DataFrame:
    """Staff see everything published; officials get no per-person columns and small counts suppressed."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
    if audience == "staff":
        return frame
    out = frame.drop(columns=[c for c in frame.columns if c in PERSONAL_COLUMNS])
    for col in SMALL_COUNTS.get(name, ()):
        if col in out.columns:
            out[col] = suppress_counts(out[col]).astype("Int64")
    if name == "network_kpis" and {"unit", "value", "statement"} <= set(out.columns):
        people = out["unit"].eq("people")
        out["value"] = out["value"].astype("Float64").mask(people, suppress_counts(out["value"]))
        hidden = people & out["value"].isna()
        out["statement"] = out["statement"].mask(hidden, f"(fewer than {suppress_below()}: suppressed)")
    return out
