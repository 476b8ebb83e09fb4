"""The source families: which lake tables each writes and their natural keys (the parser of each family is in
``scn.ingest.parsers``). The one home of family -> tables; the ingest assets read it from here, so it imports
nothing (the Dagster code location loads it)."""

from __future__ import annotations

CITY_REQUIRED = ("social", "crime", "boundaries", "survey", "area-attributes", "crime-counts")
# natural key of each table; tables in UPSERT compare whole rows: a changed row is written again (newest wins).
# Keys never collide across cities or sources (docs/ingest.md "Natural keys"): post_key and crime_key carry the
# city where their ids are not global; a survey response is the city's (two cities' wave1.csv share _id values).
# Programme ids are network-wide: one register (the secretariat's templates), not per city.
KEYS: dict[str, list[str]] = {
    "posts": ["post_key"], "crimes": ["crime_key"],
    "survey_responses": ["city_id", "survey_id", "response_id", "question"],
    "survey_codebook": ["question", "survey_id"], "programme_activities": ["activity_id"],
    "survey_text_columns": ["city_id", "survey_id", "source_file", "column_name"],
    "survey_files": ["city_id", "survey_id", "source_file"],
    "programme_participants": ["record_id"], "programme_grants": ["grant_id"], "areas": ["city_id", "area_code"],
    "cities": ["city_id"], "area_attributes": ["city_id", "area_code", "attribute", "year"],
    "crime_counts": ["city_id", "area_code", "period", "period_start", "category", "hate_strand"],
}
UPSERT = ("cities", "areas", "survey_codebook", "area_attributes", "crime_counts")
# tables whose every file is stored whole in its part, rows the lake holds already too: the latest file decides
# its rows (a corrected codebook that leaves a question out withdraws it: stg_survey_codebook)
WHOLE_FILES = ("survey_codebook",)
FAMILY_TABLES: dict[str, tuple[str, ...]] = {
    "cities": ("cities",), "boundaries": ("areas",), "social": ("posts",), "crime": ("crimes",),
    "survey": ("survey_responses", "survey_codebook", "survey_text_columns", "survey_files"),
    "programme": ("programme_activities", "programme_participants", "programme_grants"),
    "area-attributes": ("area_attributes",), "crime-counts": ("crime_counts",),
}
