"""Area attributes (population, deprivation, age groups, shares of recent migrants...) as statistics offices
publish them: a CSV or XLSX keyed by an area code or name column (found by its values), long (``area, [year],
attribute, value``) or wide (years or groups as columns: ``2019, 2020``, ``Persons_All-Ages``, ``0-15``, ``F0``).

Stored as ``area_attributes`` (city_id, area_code, attribute, year, value): ``population`` for its common
spellings; a wide file's row is one (area line x value column) cell (docs/your-data.md).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from scn.ingest import area_codes, published
from scn.ingest.model import Parsed, Source
from scn.ingest.parse import as_text
from scn.ingest.readers import ROW, fail, normalise_name

POPULATION = frozenset({
    "population", "persons_all_ages", "all_ages", "total", "pop", "usual_residents", "all_usual_residents",
    "all_persons", "total_population", "population_total", "persons", "total_persons", "all_people", "people",
    "population_estimate", "total_pop", "all_ages_persons", "all_residents", "residents", "usually_resident"})
NOISE = {"mid", "estimate", "estimates", "year", "census"}  # words around a population column's name
YEAR_NAMES = ("year", "date", "period", "time_period", "time", "reference_year", "mid_year", "census_year")
ATTRIBUTE_NAMES = ("attribute", "variable", "indicator", "measure", "indicator_name", "variable_name",
                   "measure_name", "statistic")
VALUE_NAMES = ("value", "obs_value", "observation", "estimate", "amount")
CONTEXT_POPULATION = re.compile(r"(?:^|_)(?:population|residents|persons_all_ages|all_ages)(?:_|$)")


def attribute_name(text: str) -> str:
    """A header or group as an attribute: ``population`` for its spellings, else snake_case (``age_0_15``)."""
    name = published.snake(text)
    core = "_".join(t for t in name.split("_") if t not in NOISE)
    return "population" if name in POPULATION or core in POPULATION else name


def context_attribute(titles: list[str], stem: str) -> str:
    """The attribute of columns that are only years (``2019, 2020``): ``population`` when the title lines or the
    file name say so, else the file name without its years, else ``value``."""
    for text in [*titles, stem]:
        if CONTEXT_POPULATION.search(normalise_name(published.year_of(text)[1])):
            return "population"
    name = attribute_name(re.sub(r"\d{4}", " ", stem))
    return name or "value"


def _years(s: pd.Series) -> pd.Series:
    """The year each value names (``2021``, ``mid-2021``, ``2021/22``), as Int64 (missing when none)."""
    uniq = as_text(s).dropna().unique()
    return as_text(s).map({u: published.year_of(u)[0] for u in uniq}, na_action="ignore").astype("Int64")


def _value_columns(frame: pd.DataFrame, candidates: list[str], wanted: list[str] | None, src: Source) -> list[str]:
    if wanted:
        by_norm = {normalise_name(c): c for c in candidates}
        missing = [w for w in wanted if normalise_name(w) not in by_norm]
        if missing:
            raise fail(src.path, f"no column named {', '.join(map(repr, missing))} (columns: "
                                 f"{', '.join(candidates[:20])})")
        return [by_norm[normalise_name(w)] for w in wanted]
    return published.value_columns(frame, candidates)


def _cells(grid: published.Grid, bounds: area_codes.Boundaries, src: Source, sheets: int
           ) -> tuple[pd.DataFrame, dict | None]:
    """One table's cells: source_row, area, column, field, raw, attribute, year (Int64; missing: not a year),
    code (matched boundary), other (another vintage)."""
    frame, area, columns, labels, skipped = published.area_lines(grid, bounds, src)
    norm = {c: normalise_name(c) for c in columns}
    pick = {role: next((c for c in columns if c != area.name and norm[c] in names), None)
            for role, names in (("year", YEAR_NAMES), ("attribute", ATTRIBUTE_NAMES), ("value", VALUE_NAMES))}
    ids = [ROW, area.name] + ([pick["year"]] if pick["year"] else [])
    default_year = published.context_year(grid)
    if pick["attribute"] and pick["value"]:  # long: one row per area x attribute [x year]
        cells = pd.DataFrame({ROW: frame[ROW], "area": frame[area.name], "column": frame[pick["attribute"]],
                              "raw": frame[pick["value"]], "field": pick["value"],
                              "year_raw": frame[pick["year"]] if pick["year"] else pd.NA})
        cells = cells[as_text(cells["column"]).notna() | as_text(cells["raw"]).notna()]
        uniq = as_text(cells["column"]).dropna().unique()
        cells["attribute"] = as_text(cells["column"]).map({u: attribute_name(u) for u in uniq}, na_action="ignore")
        cells["header_year"] = pd.NA
    else:  # wide: every value column is an attribute (its header may carry a year)
        candidates = [c for c in columns if c not in ids and c not in labels and not c.startswith("_blank")]
        values = _value_columns(frame, candidates, src.options.get("value_columns"), src)
        if not values:
            raise fail(src.path, "no column of numbers next to the area column (name them with --value-column)")
        frame = frame[frame[values].notna().any(axis=1)]  # lines without any value: notes, not rows
        context = context_attribute(grid.titles, src.path.stem)
        per_column = {}
        for c in values:  # one entry per column, not per row
            year, rest = published.year_of(c)
            name = attribute_name(rest)
            per_column[c] = (context if not name or name in VALUE_NAMES else name, year)
        cells = frame[ids + values].melt(id_vars=ids, value_vars=values, var_name="column", value_name="raw")
        cells = cells.rename(columns={area.name: "area", **({pick["year"]: "year_raw"} if pick["year"] else {})})
        cells["attribute"] = cells["column"].map({c: a for c, (a, _) in per_column.items()})
        cells["header_year"] = cells["column"].map({c: y for c, (_, y) in per_column.items()})
        cells["field"] = cells["column"]
        if not pick["year"]:
            cells["year_raw"] = pd.NA
    cells = cells.reset_index(drop=True)
    year = pd.Series(cells["header_year"].to_numpy(), index=cells.index, dtype="Int64")
    if pick["year"]:  # a year column: the year of lines whose value column names none
        year = year.fillna(_years(cells["year_raw"]))
    else:
        year = year.fillna(default_year if default_year is not None else 0)
    code, other = area_codes.match(cells["area"], bounds, area.by)
    field_ = cells["field"].astype(str)
    if sheets > 1:
        field_ = f"{grid.sheet}!" + field_
    return pd.DataFrame({ROW: cells[ROW].to_numpy(), "area": cells["area"].to_numpy(),
                         "column": cells["column"].to_numpy(), "field": field_.to_numpy(),
                         "raw": cells["raw"].to_numpy(), "attribute": cells["attribute"].astype("string").to_numpy(),
                         "year": year.to_numpy(), "code": code.to_numpy(), "other": other.to_numpy()}), skipped


def parse(src: Source) -> Parsed:
    cells, bounds, outside = published.read_cells(src, _cells)
    attribute = cells["attribute"].astype("string")
    year = cells["year"].astype("Int64")
    code, other = cells["code"].astype("string"), cells["other"].astype(bool)
    value, missing, bad = published.numbers(cells["raw"])
    no_attr = (attribute.isna() | attribute.eq("")).fillna(True).astype(bool)
    reason = pd.Series(np.select(
        [code.isna() & other, code.isna(), no_attr, year.isna(), missing, bad],
        ["code of another boundary vintage (e.g. 2011 vs 2021 LSOAs): matches no boundary of " + src.city_id,
         "area matches no boundary of " + src.city_id, "no attribute name", "not a year",
         published.SUPPRESSED_REASON, "not a number"], default=""), index=cells.index)
    rejected = reason.ne("")
    ok = ~rejected
    rows = pd.DataFrame({
        "city_id": src.city_id, "area_code": code[ok], "attribute": attribute[ok],
        "year": year[ok].astype("int32"), "value": value[ok], "source_file": src.name,
        "source_row": cells.loc[ok, ROW].astype("int64"),
    })
    rejects = published.cell_rejects(cells, rejected, reason)
    warnings = area_codes.vintage_warning(cells["area"], other, code, bounds) + outside
    return Parsed({"area_attributes": rows}, "area_attributes", rejects, warnings)
