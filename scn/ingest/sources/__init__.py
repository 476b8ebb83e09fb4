"""Sources: connectors that pull public posts, survey submissions and crime records from platforms and APIs, and
feed them through the same validated, pseudonymised path as file ingest (docs/collection.md).

``base`` holds the interface (Page, Connector, errors), ``http`` the polite HTTP client, ``registry`` the source
name -> connector map, ``config`` the per-city settings of ``config/sources.yml``, ``cursor`` the per source x city
state, ``collect`` the loop that archives, ingests and commits; one module per connector.
"""
