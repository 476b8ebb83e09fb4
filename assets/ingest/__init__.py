"""Ingest domain: inbox files -> validated, pseudonymised lake tables (scn.ingest does the work)."""
