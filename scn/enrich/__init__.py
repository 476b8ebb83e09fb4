"""Enrichment: label speech, locate posts and crimes, index them to H3 cells (new rows only)."""
