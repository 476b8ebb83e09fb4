"""The parser of each source family (one module per family); ``scn.ingest.families`` holds their tables."""

from __future__ import annotations

from collections.abc import Callable

from scn.ingest import area_attributes, boundaries, cities, crime, crime_counts, programme, survey
from scn.ingest.model import Parsed, Source
from scn.ingest.social import files as social

PARSERS: dict[str, Callable[[Source], Parsed]] = {
    "cities": cities.parse, "boundaries": boundaries.parse, "social": social.parse, "crime": crime.parse,
    "survey": survey.parse, "programme": programme.parse, "area-attributes": area_attributes.parse,
    "crime-counts": crime_counts.parse,
}
