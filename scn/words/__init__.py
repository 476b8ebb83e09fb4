"""Words shared by the domain and the dashboards, in English, French and Arabic: pure dicts and renderers (no
dash, flask or dagster). ``dashboards.i18n`` merges them into its ``TEXT`` and re-exports the renderers."""
