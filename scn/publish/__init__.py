"""Publishing: the serving snapshot dashboards read, and the exports built from it."""
