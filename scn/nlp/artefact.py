"""The file format of the shipped classifier (scn/models/default.joblib): fitted pipelines in a compact form.

``save`` writes a copy of the fitted object with, in every scikit-learn / scn estimator it holds,
- a TF-IDF vocabulary (term -> column) as the list of its terms in column order (exact),
- an ``idf_`` vector as its distinct values and a uint16 index into them (exact; few distinct document counts),
- a wide weight matrix (``coef_`` over more than ``WIDE`` features) as float16 (relative error < 5e-4),
xz-compressed, and a ``format`` key in the top-level dict. ``load`` reads any joblib file and, for this format,
restores dicts, float32 vectors and the weights' own dtype, so prediction code sees ordinary fitted estimators
(scipy sparse products with float16 weights are not supported). Files without the key load unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

FORMAT = "scn-compact-1"
WIDE = 10  # coef_ over more features than this is stored as float16 (calibrators keep full precision)
COMPRESS = ("xz", 9)


@dataclass(frozen=True)
class Terms:
    """A vocabulary as its terms in column order."""

    terms: list[str]

    def restore(self) -> dict[str, int]:
        return dict(zip(self.terms, range(len(self.terms)), strict=True))


@dataclass(frozen=True)
class Distinct:
    """A vector as its distinct values and the index of each element into them."""

    values: np.ndarray
    index: np.ndarray

    def restore(self) -> np.ndarray:
        return self.values[self.index]


@dataclass(frozen=True)
class Half:
    """A weight matrix stored as float16, restored to ``dtype``."""

    values: np.ndarray
    dtype: str

    def restore(self) -> np.ndarray:
        return self.values.astype(self.dtype)


PACKED = (Terms, Distinct, Half)


def _estimator(obj: Any) -> bool:
    return hasattr(obj, "__dict__") and type(obj).__module__.startswith(("sklearn", "scn"))


def _pack_value(name: str, value: Any) -> Any:
    """The compact form of one estimator attribute, or the value itself."""
    if name == "vocabulary_" and isinstance(value, dict) and value:
        terms = sorted(value, key=value.__getitem__)
        if [value[t] for t in terms] == list(range(len(terms))):
            return Terms(terms)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        if name == "idf_" and value.ndim == 1:
            values, index = np.unique(value, return_inverse=True)
            if len(values) <= np.iinfo(np.uint16).max:
                return Distinct(values, index.astype(np.uint16))
        wide = name == "coef_" and value.ndim == 2 and value.shape[1] > WIDE
        if wide and np.abs(value).max() < np.finfo(np.float16).max:
            return Half(value.astype(np.float16), value.dtype.str)
    return value


def map_attributes(obj: Any, change: Callable[[str, Any], Any]) -> None:
    """Apply ``change(name, value)`` to the attributes of every estimator inside ``obj`` (dicts, lists, tuples and
    estimator attributes are followed; changed values are not)."""
    stack, seen = [obj], set()
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if isinstance(o, dict):
            stack.extend(o.values())
        elif isinstance(o, list | tuple):
            stack.extend(o)
        elif _estimator(o) and not isinstance(o, PACKED):
            attrs = vars(o)
            for name, value in attrs.items():
                attrs[name] = change(name, value)
                if attrs[name] is value:  # a changed value is a leaf (not walked: vocabularies are large)
                    stack.append(value)


def pack(obj: dict) -> dict:
    """A compact copy of a fitted artefact (``obj`` itself is left as it is)."""
    out = copy.deepcopy(obj)
    map_attributes(out, _pack_value)
    out["format"] = FORMAT
    return out


def unpack(obj: dict) -> dict:
    """Restore, in place, the estimators of a packed artefact; returns it."""
    map_attributes(obj, lambda _name, value: value.restore() if isinstance(value, PACKED) else value)
    return obj


def save(obj: dict, path: Path) -> None:
    """Write ``obj`` (a dict of fitted models) in the compact format, atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    joblib.dump(pack(obj), tmp, compress=COMPRESS)
    tmp.replace(path)


def load(path: Path) -> Any:
    """Read a joblib file; a compact artefact comes back with ordinary fitted estimators."""
    obj = joblib.load(path)
    if isinstance(obj, dict) and obj.get("format") == FORMAT:
        unpack(obj)
    return obj
