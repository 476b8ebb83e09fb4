"""Privacy: pseudonyms at ingest (pseudonyms), disclosure control for what is shown (disclosure)."""
