"""The collect domain: one asset per source (partitioned by city), the schedules and the sensor that drive them,
and a freshness check per source (docs/collection.md)."""
