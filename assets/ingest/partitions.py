"""City partitions of the ingest assets: registered from the inbox's city folders, run as one range."""

from collections.abc import Mapping

from dagster import AssetKey, DagsterInstance, DynamicPartitionsDefinition

from assets.keys import lake_key
from scn.ingest.families import FAMILY_TABLES
from scn.ingest.inbox import inbox_city_ids
from scn.ingest.sources.base import SOURCES

# families whose files arrive per city (inbox/<kind>/<city_id>/): their assets are partitioned by city. The member
# registry and the programme records are network-wide files and stay unpartitioned.
CITY_PARTITIONS = DynamicPartitionsDefinition(name="city")
PARTITIONED_KINDS = ("boundaries", "social", "crime", "survey", "area-attributes", "crime-counts")
RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
# run tag of an incremental run: the cities whose data changed (comma-separated); downstream unpartitioned assets
# (dbt models, analysis, publish) recompute only these cities' rows. Absent: every city (a full run).
CHANGED_CITIES_TAG = "scn/changed-cities"


def partitioned_keys() -> list[AssetKey]:
    """Assets partitioned by city: the lake tables of the city-partitioned ingest assets, and the collect assets
    (``collect/<source>``, assets/collect)."""
    return [lake_key(t) for k in PARTITIONED_KINDS for t in FAMILY_TABLES[k]] + \
        [AssetKey(["collect", s]) for s in SOURCES]


def register_inbox_cities(instance: DagsterInstance) -> list[str]:
    """Add a `city` partition for every city folder in the inbox; return every city partition, in order."""
    known = instance.get_dynamic_partitions(CITY_PARTITIONS.name)
    new = [c for c in inbox_city_ids(PARTITIONED_KINDS) if c not in set(known)]
    if new:
        instance.add_dynamic_partitions(CITY_PARTITIONS.name, new)
    return list(instance.get_dynamic_partitions(CITY_PARTITIONS.name))


def range_tags(cities: list[str]) -> dict[str, str]:
    """Run tags that target every city partition in one run (the assets' single-run backfill policy)."""
    return {RANGE_START: cities[0], RANGE_END: cities[-1]} if cities else {}


def touches_partitions(keys: set[AssetKey] | None) -> bool:
    """Does a selection (None: everything) include a city-partitioned asset?"""
    return keys is None or bool(keys & set(partitioned_keys()))


def changed_cities_tags(cities: list[str]) -> dict[str, str]:
    """The run tag naming the cities an incremental run recomputes."""
    return {CHANGED_CITIES_TAG: ",".join(cities)}


def changed_cities(tags: Mapping[str, str]) -> list[str] | None:
    """The cities a run recomputes, read from its tags: None when the run is not scoped (every city)."""
    value = tags.get(CHANGED_CITIES_TAG)
    if value is None:
        return None
    return [c for c in value.split(",") if c]
