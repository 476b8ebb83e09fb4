"""Enrich domain: label speech, locate and H3-index posts and crimes (scn.enrich, geo do the work)."""
