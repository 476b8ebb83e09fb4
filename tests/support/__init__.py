"""Test helpers that exist once: the `scn` CLI runner and home environment (cli), servers (start, wait, stop),
the headless browser, dashboard clients and users (dash_client), worlds (dbt_world, snapshots, geo_worlds),
the ingest corpus, an empty home fixture (homes) and the mart names (marts)."""
