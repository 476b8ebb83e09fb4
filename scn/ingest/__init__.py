"""Ingestion: archive, read, validate, pseudonymise and load the files users hand us (docs/ingest.md)."""

from scn.ingest.pipeline import inbox_city_ids, ingest_file, ingest_inbox
from scn.ingest.result import IngestError, IngestResult

__all__ = ["IngestError", "IngestResult", "inbox_city_ids", "ingest_file", "ingest_inbox"]
