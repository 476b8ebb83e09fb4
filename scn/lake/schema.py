"""Arrow schemas of the lake tables (docs/CONTRACTS.md), used to create an empty table where a source
family has no data yet, so that dbt's sources always resolve."""

from __future__ import annotations

import pyarrow as pa

S, F, INT, B = pa.string(), pa.float64(), pa.int64(), pa.bool_()
TS = pa.timestamp("us", tz="UTC")

LAKE_SCHEMAS: dict[str, pa.Schema] = {
    "cities": pa.schema([("city_id", S), ("name", S), ("country", S), ("country_code", S), ("region", S),
                         ("continent", S), ("lat", F), ("lon", F), ("population", INT),
                         ("steering_committee", B), ("joined_year", pa.int32()), ("themes", S),
                         ("timezone", S),  # IANA name; null: UTC (parts written before it have no column)
                         # membership (docs/ingest.md "Cities"): the year the city left the network, and what the
                         # row says of it: True a member (a left column, blank), False left, null nothing said
                         ("left_year", pa.int32()), ("member", B)]),
    "areas": pa.schema([("city_id", S), ("area_code", S), ("area_name", S), ("area_name_local", S),
                        ("population", INT), ("geometry_wkt", S), ("centroid_lat", F), ("centroid_lon", F)]),
    "posts": pa.schema([("post_key", S), ("platform", S), ("post_id", S), ("city_id", S), ("created_at", TS),
                        ("text", S), ("lang", S), ("lat", F), ("lon", F), ("place", S), ("author_pseudo", S),
                        ("url", S), ("source_file", S), ("source_row", INT)]),
    "crimes": pa.schema([("crime_key", S), ("source", S), ("crime_id", S), ("city_id", S), ("occurred_at", TS),
                         ("wall_clock", B),  # occurred_at is the city's wall clock (no offset written); null: UTC
                         ("category", S), ("is_hate", B), ("lat", F), ("lon", F), ("lsoa_code", S),
                         ("source_file", S), ("source_row", INT)]),
    "survey_responses": pa.schema([("survey_id", S), ("response_id", S), ("city_id", S), ("area_code", S),
                                   ("submitted_at", TS), ("weight", F), ("gender", S), ("age_group", S),
                                   ("wave", S), ("programme_id", S), ("question", S), ("value", F),
                                   ("source_file", S), ("source_row", INT)]),
    "survey_codebook": pa.schema([("question", S), ("construct", S), ("label", S), ("scale_min", F),
                                  ("scale_max", F), ("reverse", B), ("missing_codes", S),
                                  ("survey_id", S),  # the survey the row is for; null: every survey
                                  ("item_type", S)]),  # binary / scale; null: inferred (stg_survey_codebook)
    # the columns of an export not stored because every answer in them was text (a labels export): names only
    "survey_text_columns": pa.schema([("city_id", S), ("survey_id", S), ("source_file", S), ("column_name", S),
                                      ("question", S)]),
    # one row per survey export file taken (its city, survey and name), stored even where its answers all were
    # already: the latest export of a form is the latest file received (stg_survey_exports)
    "survey_files": pa.schema([("city_id", S), ("survey_id", S), ("source_file", S)]),
    "programme_activities": pa.schema([("activity_id", S), ("programme_line", S), ("activity_type", S),
                                       ("title", S), ("city_id", S), ("host_city", S), ("country", S),
                                       ("region", S), ("start_date", pa.date32()), ("end_date", pa.date32()),
                                       ("year", pa.int32())]),
    "programme_participants": pa.schema([("record_id", S), ("activity_id", S), ("person_pseudo", S),
                                         ("role", S), ("home_city", S), ("home_country", S), ("gender", S)]),
    "programme_grants": pa.schema([("grant_id", S), ("city_id", S), ("programme_line", S),
                                   ("recipient_org", S), ("amount", F), ("currency", S), ("year", pa.int32())]),
    "area_attributes": pa.schema([("city_id", S), ("area_code", S), ("attribute", S), ("year", pa.int32()),
                                  ("value", F), ("source_file", S), ("source_row", INT)]),
    "crime_counts": pa.schema([("city_id", S), ("area_code", S), ("area_name", S), ("period", S),
                               ("period_start", pa.date32()), ("category", S), ("hate_strand", S), ("is_hate", B),
                               ("count", INT), ("source_file", S), ("source_row", INT)]),
    "ingest_warnings": pa.schema([("file", S), ("sha256", S), ("kind", S), ("city_id", S), ("code", S),
                                  ("params", S), ("warned_at", TS)]),
    "quarantine": pa.schema([("file", S), ("kind", S), ("row", INT), ("field", S), ("reason", S),
                             ("raw_json", S), ("quarantined_at", TS)]),
    "ingest_log": pa.schema([("file", S), ("sha256", S), ("kind", S), ("city_id", S), ("rows_read", INT),
                             ("accepted", INT), ("quarantined", INT), ("duplicates", INT), ("archived_to", S),
                             ("ingested_at", TS)]),
    "post_labels": pa.schema([("post_key", S), ("label", S), ("score_hate", F), ("target", S), ("assessed", B),
                              ("method", S), ("lang_detected", S), ("model_version", S)]),
    "posts_enriched": pa.schema([("post_key", S), ("city_id", S), ("created_at", TS), ("month", S), ("week", S),
                                 ("lang", S), ("label", S), ("score_hate", F), ("assessed", B), ("method", S),
                                 ("target", S), ("model_version", S), ("precision", S), ("lat", F), ("lon", F),
                                 ("area_code", S), ("cell", S), ("resolution", pa.int32())]),
    "crimes_enriched": pa.schema([("crime_key", S), ("city_id", S), ("occurred_at", TS), ("month", S),
                                  ("week", S), ("category", S), ("is_hate", B), ("precision", S), ("lat", F),
                                  ("lon", F), ("area_code", S), ("cell", S), ("resolution", pa.int32())]),
}

# optional columns added after parts were written: older parts lack them (read as null)
ADDED: dict[str, tuple[str, ...]] = {"cities": ("timezone", "left_year", "member"), "crimes": ("wall_clock",),
                                  "survey_codebook": ("missing_codes", "survey_id", "item_type")}


def as_table(name: str, frame) -> pa.Table:
    """A frame as an Arrow table with exactly the lake schema of ``name`` (columns in order, types cast)."""
    schema = LAKE_SCHEMAS[name]
    missing = [c for c in ADDED.get(name, ()) if c not in frame]
    if missing:  # read from parts written before the column existed: null
        frame = frame.assign(**dict.fromkeys(missing, None))
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)

