"""Publish domain: the serving snapshot dashboards and exports read (scn.publish does the work)."""
