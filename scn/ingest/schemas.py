"""Pandera schemas for the typed rows of each family, and the turn of their failures into quarantine reasons.

Families parse strings into typed columns first (unparseable -> missing) and add boolean helper columns named
``<field>__<rule>`` for cross-field rules (True = fine); the schemas then check every row lazily. A failure on a
helper column is reported against ``<field>``.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from scn import vocabularies
from scn.ingest.readers import ROW

LAT = pa.Check.in_range(-90, 90, error="latitude outside -90..90")
LON = pa.Check.in_range(-180, 180, error="longitude outside -180..180")
EARLIEST = pd.Timestamp("1990-01-01", tz="UTC")


PLANNED_YEARS = 2  # programme dates may lie this far ahead: activities and summits are recorded when planned


def plausible_time(planned: bool = False) -> pa.Check:
    """Between 1990 and tomorrow (UTC), the one rule of every date/time field (posts, crimes, surveys,
    programmes); ``planned`` (programme dates): up to ``PLANNED_YEARS`` ahead. Naive (calendar) dates too."""
    ahead = pd.DateOffset(years=PLANNED_YEARS) if planned else pd.Timedelta(days=1)
    error = f"date outside 1990..today + {PLANNED_YEARS} years" if planned else "date outside 1990..today"

    def ok(s: pd.Series) -> pd.Series:
        latest = pd.Timestamp.now(tz="UTC") + ahead  # now at validation: a long-running process is not frozen
        naive = getattr(s.dt, "tz", None) is None
        return (s >= (EARLIEST.tz_localize(None) if naive else EARLIEST)) & \
            (s <= (latest.tz_localize(None) if naive else latest))
    return pa.Check(ok, error=error)


def flag(error: str) -> pa.Check:
    """A boolean helper column must be True."""
    return pa.Check(lambda s: s.astype(bool), error=error)


def nonblank(error: str = "empty") -> pa.Check:
    return pa.Check(lambda s: s.astype("string").str.strip().str.len() > 0, error=error)


def one_of(values: list[str] | tuple[str, ...], what: str) -> pa.Check:
    return pa.Check.isin(list(values), error=f"{what} not one of: {', '.join(values)}")


def col(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(None, checks=list(checks), nullable=nullable, required=False)


def frame_schema(columns: dict[str, pa.Column]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


# an optional point (lat, lon) and the flags coordinate_checks sets on it: posts and crimes alike
POINT = {
    "lat": col(LAT, nullable=True),
    "lon": col(LON, nullable=True),
    "lat__paired": col(flag("latitude without longitude or longitude without latitude")),
    "lat__swapped": col(flag("coordinates look swapped: (lon, lat) lies in the city, (lat, lon) does not")),
    "lat__parsed": col(flag("not a number")),
    "lon__parsed": col(flag("not a number")),
}

POSTS = frame_schema({
    "post_id": col(),
    "created_at": col(plausible_time()),
    "text": col(nonblank("empty text")),
    **POINT,
})

CRIMES = frame_schema({
    "occurred_at": col(plausible_time()),
    "category": col(nonblank()),
    "is_hate": col(),
    **POINT,
})

SURVEY_META = frame_schema({
    "response_id": col(),
    "submitted_at": col(plausible_time()),
    "weight": col(pa.Check.gt(0, error="weight must be > 0"), nullable=True),
})

CODEBOOK = frame_schema({
    "question": col(nonblank()),
    "construct": col(nonblank()),
    "scale_min": col(),
    "scale_max": col(),
    "scale_max__order": col(flag("scale_max must be greater than scale_min")),
    "reverse": col(),
})

CITIES_REGIONS = vocabularies.regions()  # transforms/seeds/regions.csv, also the dbt tests' source
CITIES = frame_schema({
    "city_id": col(pa.Check.str_matches(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="not a lowercase ASCII slug")),
    "name": col(nonblank()),
    "country": col(nonblank()),
    "country_code": col(pa.Check.str_matches(r"^[A-Z]{2}$", error="not an ISO 3166 alpha-2 code")),
    "region": col(one_of(CITIES_REGIONS, "region")),
    "lat": col(LAT),
    "lon": col(LON),
    "population": col(pa.Check.ge(0, error="negative population"), nullable=True),
    "steering_committee": col(),
    "joined_year": col(pa.Check.in_range(1990, 2100, error="year outside 1990..2100"), nullable=True),
    "population__parsed": col(flag("not a whole number")),
    "joined_year__parsed": col(flag("not a whole number")),
    # the year the city left the network: not ahead of this year (a planned departure is sent when it happens)
    "left_year": col(pa.Check(lambda s: (s >= 1990) & (s <= pd.Timestamp.now(tz="UTC").year),
                              error="year outside 1990..this year"), nullable=True),
    "left_year__parsed": col(flag("not a year (e.g. 2024)")),
    # left before joined names both fields
    "left_year__order": col(flag("before the joined year")),
    "joined_year__order": col(flag("after the left year")),
})

# the vocabularies of transforms/seeds/ (the dbt relationships tests read the same files)
PROGRAMME_LINES = vocabularies.programme_lines()
ROLES = vocabularies.participant_roles()
GENDERS = vocabularies.genders()

ACTIVITIES = frame_schema({
    "activity_id": col(nonblank()),
    "programme_line": col(one_of(PROGRAMME_LINES, "programme_line")),
    "start_date": col(plausible_time(planned=True)),
    "end_date": col(plausible_time(planned=True), nullable=True),
    "end_date__order": col(flag("end_date before start_date")),
    "city_id__known": col(flag("not a member city_id")),
})

PARTICIPANTS = frame_schema({
    "record_id": col(nonblank()),
    "activity_id": col(nonblank()),
    "person_pseudo": col(),
    "role": col(one_of(ROLES, "role")),
    "gender": col(one_of(GENDERS, "gender"), nullable=True),
})

GRANTS = frame_schema({
    "grant_id": col(nonblank()),
    "city_id": col(),
    "city_id__known": col(flag("not a member city_id")),
    "programme_line": col(one_of(PROGRAMME_LINES, "programme_line")),
    "amount": col(pa.Check.ge(0, error="negative amount")),
    "currency": col(pa.Check.str_matches(r"^[A-Z]{3}$", error="not an ISO 4217 currency code")),
    "year": col(pa.Check.in_range(1990, 2100, error="year outside 1990..2100")),
})


def failures(frame: pd.DataFrame, schema: pa.DataFrameSchema, raw: pd.DataFrame | None = None,
             parse_reasons: dict[str, str] | None = None) -> pd.DataFrame:
    """Rows failing ``schema`` as ``source_row, field, reason`` (one line per row and field).

    A missing value is reported as ``missing`` when the raw string was empty too, else as ``parse_reasons[field]``
    (e.g. "not a valid date") so the user sees why a present value was not usable.
    """
    present = [c for c in schema.columns if c in frame]
    try:
        schema.validate(frame[present], lazy=True)
        return pd.DataFrame(columns=[ROW, "field", "reason"])
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    fc = fc[fc["index"].notna()]
    idx = fc["index"].astype("int64").to_numpy()
    fields = fc["column"].astype("string").str.split("__").str[0]
    reason = fc["check"].astype("string")
    nulls = (reason == "not_nullable").to_numpy()
    if nulls.any():
        raw_missing = pd.Series(True, index=fc.index)
        if raw is not None:
            for name in fields[nulls].unique():
                if name in raw:
                    sel = nulls & (fields == name).to_numpy()
                    raw_missing[sel] = raw[name].reindex(idx[sel]).isna().to_numpy()
        parse = fields.map(parse_reasons or {}).fillna("not a valid value")
        reason = reason.mask(nulls, parse.where(~raw_missing, "missing"))
    out = pd.DataFrame({ROW: frame[ROW].reindex(idx).to_numpy(), "field": fields.to_numpy(),
                        "reason": reason.to_numpy()})
    return out.drop_duplicates().reset_index(drop=True)
