"""Ingestion: archive, read, validate, pseudonymise and load the files users hand us (docs/ingest.md).

Import from the modules: ``scn.ingest.pipeline`` (``ingest_file``, ``ingest_inbox``), ``scn.ingest.inbox`` (``inbox_city_ids``),
``scn.ingest.result`` (``IngestError``, ``IngestResult``), ``scn.ingest.families`` (tables and keys; light)."""
