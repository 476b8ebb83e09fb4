"""Who may see what: dashboard users and their roles."""
