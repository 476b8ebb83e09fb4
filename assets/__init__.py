"""Domains of the platform as Dagster definitions: ingest, enrich, transforms, analysis, publish, maintenance."""
