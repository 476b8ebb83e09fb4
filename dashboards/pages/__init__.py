"""Pages of the dashboards: each module has ``layout(...)`` (and ``register(app)`` when it has callbacks)."""
