"""Maintenance domain: retention, the daily full run, alerts on failed runs."""
