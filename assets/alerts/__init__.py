"""Alerts domain: notifications of newly published alerts to each city's subscribers (scn.alerts)."""
