"""Transforms domain: the dbt project in transforms/ as Dagster assets (dbt is the home of joins and counts)."""
