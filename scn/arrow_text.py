"""Pandas text columns as one Arrow array, for vectorised string kernels (``pyarrow.compute``)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def large_strings(values: pd.Series) -> pa.Array:
    """``values`` as text (pandas ``string``), one contiguous ``large_string`` array; missing values stay null."""
    arr = pa.array(values.astype("string").array, type=pa.large_string())
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
