"""Words of the Online Hub pages in en, fr and ar, one module per page family; dashboards/i18n.py merges them."""
