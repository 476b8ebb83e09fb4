"""Matching a published table's areas to the city's boundaries (the ``areas`` lake table): which column holds
the areas (by its values, whatever its name: codes first, then names), and which code each value is.

A code that matches no boundary but has the shape of the city's codes (same first three characters and length,
digits where digits are: ``E01000001`` vs ``E01033578``) is taken to be of another boundary vintage (2011 vs 2021
LSOAs), reported apart from codes that are simply unknown.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scn import lake
from scn.ingest.parse import as_text
from scn.ingest.result import IngestError

MIN_SHARE = 0.3  # a column is the area column when at least this share of its values match


def label(s: pd.Series) -> pd.Series:
    """Case-, accent- and punctuation-insensitive text: ``" Saint-Étienne "`` -> ``saint etienne``."""
    low = as_text(s).str.casefold()
    uniq = low.dropna().unique()
    plain = {u: "".join(c for c in unicodedata.normalize("NFKD", u) if not unicodedata.combining(c)) for u in uniq}
    out = low.map(plain, na_action="ignore").astype("string")
    return out.str.replace(r"[\W_]+", " ", regex=True).str.strip()


def shape(s: pd.Series) -> pd.Series:
    """The shape of a code: its first three characters, then ``9`` for each digit and ``A`` for each letter."""
    up = as_text(s).str.upper()
    tail = up.str.slice(3).str.replace(r"\d", "9", regex=True).str.replace(r"[A-Z]", "A", regex=True)
    return up.str.slice(0, 3) + tail


@dataclass
class Boundaries:
    """The city's areas: code and name of each, and the lookups used to match a table to them."""

    city_id: str
    areas: pd.DataFrame  # area_code, area_name
    by_code: dict[str, str]  # upper-case code -> code as the boundary file spells it
    by_name: dict[str, str]  # label(name or local name) -> code (names that two areas share are left out)
    shapes: frozenset[str]

    def names(self, codes: pd.Series) -> pd.Series:
        return codes.map(dict(zip(self.areas["area_code"], self.areas["area_name"], strict=True)))


def flags(values: pd.Series, bounds: Boundaries) -> pd.DataFrame:
    """Per value: is it a boundary code (case-insensitive), a boundary name (``label``), shaped like the codes.
    Computed once per distinct value (a column of 10^6 cells holds a few thousand areas)."""
    idx, uniq = pd.factorize(as_text(values).astype(object), use_na_sentinel=True)
    u = pd.Series(uniq, dtype="string")
    found = np.column_stack([u.str.upper().astype(object).isin(bounds.by_code).to_numpy(dtype=bool),
                             label(u).astype(object).isin(bounds.by_name).to_numpy(dtype=bool),
                             shape(u).astype(object).isin(bounds.shapes).to_numpy(dtype=bool)])
    found = np.vstack([found, np.zeros((1, 3), dtype=bool)])  # row -1: missing values
    return pd.DataFrame(found[idx], columns=["code", "name", "shape"], index=values.index)


def load(city_id: str, file_name: str) -> Boundaries:
    """The city's boundaries from the lake; IngestError when it has none yet (ingest them first)."""
    areas = lake.read_table("areas", columns=["city_id", "area_code", "area_name", "area_name_local"],
                            where="city_id = ?", params=[city_id]) if lake.has_table("areas") else pd.DataFrame()
    if areas.empty:
        raise IngestError(f"{file_name}: the city '{city_id}' has no boundaries yet: ingest its boundary file first "
                          f"(scn ingest boundaries FILE --city {city_id}); its areas are matched to their codes")
    areas = areas.drop_duplicates("area_code", keep="last").reset_index(drop=True)
    codes = as_text(areas["area_code"])
    names = pd.concat([pd.DataFrame({"label": label(areas[c]), "code": codes})
                       for c in ("area_name", "area_name_local")], ignore_index=True).dropna().drop_duplicates()
    unique = names[~names["label"].duplicated(keep=False)]
    return Boundaries(city_id, areas[["area_code", "area_name"]],
                      dict(zip(codes.str.upper(), codes, strict=True)), dict(zip(unique["label"], unique["code"],
                                                                                  strict=True)),
                      frozenset(shape(codes).dropna()))


@dataclass
class AreaColumn:
    """The column holding the areas and how its values are matched: ``code``, ``name`` or ``shape`` (codes of
    another vintage only)."""

    name: str
    by: str


def frame_flags(frame: pd.DataFrame, columns: list[str], bounds: Boundaries) -> tuple[np.ndarray, np.ndarray]:
    """(lines x columns x [code, name, shape] flags, lines x columns filled mask) of ``columns``, in one pass."""
    cells = pd.Series(frame[columns].to_numpy(dtype=object).ravel(), dtype=object)
    found = flags(cells, bounds).to_numpy(dtype=bool).reshape(len(frame), len(columns), 3)
    filled = as_text(cells).notna().to_numpy(dtype=bool).reshape(len(frame), len(columns))
    return found, filled


def shares(frame: pd.DataFrame, bounds: Boundaries, columns: list[str]) -> pd.DataFrame:
    """Per column, the share of its values that are boundary codes, names, or shaped like the codes."""
    if not columns:
        return pd.DataFrame(columns=["code", "name", "shape"], dtype=float)
    found, filled = frame_flags(frame, columns, bounds)
    n = np.maximum(filled.sum(axis=0), 1)
    return pd.DataFrame(found.sum(axis=0) / n[:, None], index=columns, columns=["code", "name", "shape"])


def find_column(frame: pd.DataFrame, bounds: Boundaries, columns: list[str], file_name: str) -> AreaColumn:
    """The area column, by its values: the column with the most boundary codes; else the most boundary names;
    else the most values shaped like the city's codes (another vintage). IngestError when none."""
    found = shares(frame, bounds, columns)
    for by in ("code", "name", "shape"):
        if len(found) and found[by].max() >= MIN_SHARE:
            return AreaColumn(str(found[by].idxmax()), by)
    raise IngestError(f"{file_name}: no column holds the area codes or names of {bounds.city_id}'s boundaries "
                      f"({len(bounds.by_code)} areas, e.g. {next(iter(bounds.by_code.values()))})")


def match(values: pd.Series, bounds: Boundaries, by: str) -> tuple[pd.Series, pd.Series]:
    """(boundary code or missing, True where an unmatched value looks like a code of another vintage)."""
    text = as_text(values)
    idx, uniq = pd.factorize(text.astype(object), use_na_sentinel=True)
    u = pd.Series(uniq, dtype="string")
    code = u.str.upper().map(bounds.by_code) if by != "name" else pd.Series(pd.NA, index=u.index, dtype="string")
    if by != "code":
        code = code.fillna(label(u).map(bounds.by_name))
    other = code.isna() & shape(u).astype(object).isin(bounds.shapes)
    code = np.append(code.astype(object).to_numpy(), None)[idx]
    other = np.append(other.to_numpy(dtype=bool), False)[idx]
    return pd.Series(code, index=values.index, dtype="string"), pd.Series(other, index=values.index)


def vintage_warning(values: pd.Series, other: pd.Series, code: pd.Series, bounds: Boundaries) -> list[dict]:
    """``other_vintage`` when most unmatched codes look like the city's codes of another boundary vintage."""
    unmatched = code.isna() & as_text(values).notna()
    if not unmatched.any() or other.sum() * 2 <= unmatched.sum():
        return []
    return [{"code": "other_vintage", "city_id": bounds.city_id, "rows": int(other.sum()), "of": int(len(values)),
             "example": str(as_text(values)[other].iloc[0])}]


def outside_city(frame: pd.DataFrame, matched: pd.Series, columns: list[str]) -> tuple[pd.Series, str | None]:
    """Lines of a national or regional file that lie outside the city: the file has a district column (a local
    authority code or name) whose values on the lines that matched a boundary are few (at most one per five
    matched lines), and these lines hold another district. (mask of such lines, the column used)."""
    n = int(matched.sum())
    best, best_mask = None, pd.Series(False, index=frame.index)
    for c in columns:  # one vectorised pass per column
        text = as_text(frame[c]).str.upper()
        inside = set(text[matched].dropna())
        if not inside or len(inside) * 5 > n:
            continue
        mask = (~matched & text.notna() & ~text.isin(inside)).fillna(False).astype(bool)
        if mask.sum() > best_mask.sum():
            best, best_mask = c, mask
    return best_mask, best


def inside_city(frame: pd.DataFrame, area: AreaColumn, bounds: Boundaries, columns: list[str]
                ) -> tuple[pd.DataFrame, dict | None]:
    """``frame`` without the lines outside the city (``outside_city``, text columns only), and the warning
    ``outside_city`` (lines skipped, the district column) when there were any."""
    code, _ = match(frame[area.name], bounds, area.by)
    if not columns or frame.empty:
        return frame, None
    idx, uniq = pd.factorize(pd.Series(frame[columns].to_numpy(dtype=object).ravel(), dtype=object))
    u = as_text(pd.Series(uniq, dtype="string")).str.replace(",", "", regex=False)
    number = np.append(pd.to_numeric(u, errors="coerce").notna().to_numpy(dtype=bool), False)[idx]
    share = number.reshape(len(frame), len(columns)).mean(axis=0)
    text = [c for c, sh in zip(columns, share, strict=True) if sh < 0.5]
    mask, column = outside_city(frame, code.notna(), text)
    if column is None:
        return frame, None
    return frame[~mask.to_numpy()], {"code": "outside_city", "city_id": bounds.city_id, "lines": int(mask.sum()),
                                     "column": column}
